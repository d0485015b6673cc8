"""Demo cases: a few years of synthetic cases for the analyses, and a handful of live cases for the demo
caseworker, in every stage, some overdue, some with unmet needs."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from django.utils import timezone

from lantern.cases import children, closure, non_punishment, plans, residence, services
from lantern.cases.identification import demo as identification_demo
from lantern.cases.models import Case
from lantern.cases.validation import ContextData, PersonData
from lantern.core import services as core
from lantern.core.models import Organisation, OrganisationType, User
from lantern.core.roles import Role

SYNTHETIC_CASES = 3000
REASONS = (
    "Recruited with a false job offer, her documents were taken and her movements controlled: there are reasonable "
    "grounds to believe she is a victim of trafficking. A recovery and reflection period starts today."
)
SEED = 2026


def load() -> None:
    if Case.objects.exists():
        return  # running the demo twice changes nothing
    registering = list(
        Organisation.objects.filter(
            type__in=[
                OrganisationType.NGO,
                OrganisationType.LAW_ENFORCEMENT,
                OrganisationType.SHELTER,
                OrganisationType.HOTLINE,
            ]
        ).order_by("pk")
    )
    services.cases_generate(count=SYNTHETIC_CASES, seed=SEED, organisations=registering)
    identification_demo.load()  # a police officer's checklist at first contact, and anonymous notifications
    caseworker = User.objects.filter(username="caseworker").first()
    supervisor = User.objects.filter(username="supervisor").first()
    authority = User.objects.filter(username="authority").first()  # a member of the competent authority
    if caseworker is None or supervisor is None or authority is None:
        return
    ngo = Organisation.objects.get(memberships__user=caseworker)
    today = timezone.localdate()
    live = [
        (
            "Ioana",
            "Marin",
            "ro",
            ["RO"],
            ["SexualExploitation"],
            ["ThroughOnlineSocialNetworks"],
            ["Instagram"],
            ["recruited_online_in_crisis", "exploited_in_private_home"],
            2,
        ),
        (
            "Olena",
            "Bondar",
            "uk",
            ["UA"],
            ["ForcedLabour"],
            ["ThroughFriendsOrSocialEvents"],
            [],
            ["stranded_by_border_closure", "lost_livelihood"],
            12,
        ),
        (
            "Blessing",
            "Okoro",
            "en",
            ["NG"],
            ["SexualExploitation"],
            ["ThroughFamilyOrFamilyEvents"],
            [],
            ["confined_with_trafficker"],
            20,
        ),
        ("Arben", "Kola", "sq", ["AL"], ["ForcedLabour"], ["AtWork"], [], ["abandoned_by_trafficker"], 40),
        (
            "Samira",
            "Haddad",
            "ar",
            ["SY"],
            ["ForcedLabour", "SexualExploitation"],
            ["ThroughOnlineSocialNetworks"],
            ["WhatsApp"],
            ["recruited_online_in_crisis"],
            60,
        ),
    ]
    for first, family, language, citizenship, forms, methods, platforms, circumstances, days_ago in live:
        case = services.case_register(
            actor=caseworker,
            organisation=ngo,
            person=PersonData(
                first_name=first,
                second_name=family,
                birth_date=today - timedelta(days=365 * 24 + days_ago * 7),
                gender="Masculine" if first == "Arben" else "Feminine",
                primary_language=language,
                interpreter_needed=language not in ("el", "en"),
                citizenship=citizenship,
                contact_route="caseworker_only",
            ),
            context=ContextData(
                forms_of_exploitation=forms,
                forced_labour_industry="A" if "ForcedLabour" in forms else "",
                recruitment_methods=methods,
                recruitment_platforms=platforms,
                crisis_circumstances=circumstances,
                recruitment_country=citizenship[0],
                exploitation_country="GR",
                exploitation_region="Attica",
            ),
            identified_on=today - timedelta(days=days_ago),
            consent_to_case_management=True,
        )
        services.case_assign(actor=supervisor, case=case, assignee=caseworker)
        services.assessment_record(
            actor=caseworker, case=case, kind="needs", needs=["safe_accommodation", "medical", "interpretation"]
        )
        if days_ago >= 12 or language == "ro":
            services.case_refer_to_authority(
                actor=caseworker, case=case, referred_on=today - timedelta(days=max(days_ago - 2, 1)),
                consent_given=True,
            )  # fmt: skip
        if days_ago >= 40 or language == "ro":
            # The authority decides, with reasons, and serves the decision on the person in her language.
            decided_on = today - timedelta(days=max(days_ago - 8, 0))
            services.case_decide(
                actor=authority, case=case, kind="reasonable_grounds", outcome="positive", reasons=REASONS,
                decided_on=decided_on, served_on=decided_on, served_language=language,
            )  # fmt: skip
        services.note_add(actor=caseworker, case=case, text="First meeting with an interpreter; safe for now.")
        if language == "uk":
            _assistance_plan(case=case, caseworker=caseworker, today=today)

    _unaccompanied_child(ngo=ngo, caseworker=caseworker, today=today)
    _foreign_victims(caseworker=caseworker, today=today)
    _closed_then_reopened(ngo=ngo, caseworker=caseworker, today=today)
    _in_follow_up(ngo=ngo, caseworker=caseworker, today=today)


def _foreign_victims(*, caseworker: User, today: date) -> None:
    """Blessing's recovery-period permit runs out in three weeks, during the demo crisis that closes the offices
    that renew permits (the referrals demo declares it and raises the alert); Samira was fined for breaking the
    lockdown while her exploiters sent her out, and the fine was waived on a non-punishment request."""
    by_citizenship = {
        tuple(case.person.citizenship): case
        for case in Case.objects.select_related("person").filter(assigned_to=caseworker)
    }
    blessing, samira = by_citizenship.get(("NG",)), by_citizenship.get(("SY",))
    if blessing is not None:
        residence.permit_record(
            actor=caseworker,
            case=blessing,
            kind="reflection",
            status="granted",
            applied_on=today - timedelta(days=19),
            granted_on=today - timedelta(days=17),
            valid_until=today + timedelta(days=21),
        )
    if samira is not None:
        fine = non_punishment.charge_record(
            actor=caseworker,
            case=samira,
            kind="fine",
            offence="lockdown",
            charged_on=today - timedelta(days=15),
            authority="Attica Police Directorate",
            amount=Decimal("300.00"),
            currency="EUR",
        )
        request = non_punishment.request_record(
            actor=caseworker,
            charge=fine,
            requested_on=today - timedelta(days=10),
            addressed_to="Attica Police Directorate, fines office",
            grounds="Her employer sent her out to sell goods during the lockdown and kept her passport; she could "
            "not refuse. The authority found reasonable grounds that she is a victim of trafficking.",
        )
        non_punishment.request_decide(
            actor=caseworker, request=request, outcome="granted", decided_on=today - timedelta(days=3)
        )


def _assistance_plan(*, case: Case, caseworker: User, today: date) -> None:
    """An assistance plan agreed with the person through an interpreter and reviewed once with her; she declines
    psychosocial support for now; a high risk (the trafficker's network found her number) with a safety plan."""
    plans.languages_record(actor=caseworker, case=case, consent_language="uk", interview_language="uk")
    # An interpreter of the directory when it has one; the directory's offers come with a later app's demo data,
    # so before them a Ukrainian-speaking colleague of the NGO interprets (a named member of staff).
    mediator = plans.mediator_organisations().first()
    colleague = None if mediator is not None else User.objects.filter(username="supervisor").first()
    if mediator is not None or colleague is not None:
        plans.mediator_assign(
            actor=caseworker,
            case=case,
            kind="interpreter",
            organisation=mediator,
            staff=colleague,
            language="uk",
            from_on=today - timedelta(days=10),
        )
    plans.plan_write(
        actor=caseworker,
        case=case,
        objectives="Somewhere safe to live; her back pain treated; her unpaid wages claimed; work in Greece.",
        next_review_on=today + timedelta(days=10),
    )
    for service_type, days in (("safe_accommodation", 5), ("medical", 20), ("legal_counselling", 30)):
        plans.plan_action_add(
            actor=caseworker, case=case, service_type=service_type, planned_end=today + timedelta(days=days)
        )
    # Through the interpreter assigned above (a directory without one: she agreed orally).
    how = "interpreter" if mediator is not None or colleague is not None else "oral"
    plans.plan_agree(actor=caseworker, case=case, how=how, agreed_on=today - timedelta(days=8))
    plans.plan_review(
        actor=caseworker,
        case=case,
        changes="She found a room with a cousin's friend: the shelter place is no longer needed; legal counselling "
        "comes first.",
        reviewed_on=today - timedelta(days=1),
        next_review_on=today + timedelta(days=30),
    )
    plans.service_decline(
        actor=caseworker,
        case=case,
        service_type="remote_psychosocial",  # the minimum package's own code: its check stops flagging it for her
        declined_on=today - timedelta(days=8),
        reason="Not now; she may ask later.",
    )
    plans.risk_assess(
        actor=caseworker,
        case=case,
        risk_level="high",
        reasons="A man from the farm called her new number twice.",
        safety_plan="New phone number; an escort to appointments; the police liaison officer told; the hotline "
        "number learned by heart.",
        review_on=today + timedelta(days=7),
    )


def _past_case(*, ngo: Organisation, caseworker: User, first: str, family: str, citizenship: str, days_ago: int,
               today: date) -> Case:  # fmt: skip
    case = services.case_register(
        actor=caseworker,
        organisation=ngo,
        person=PersonData(
            first_name=first,
            second_name=family,
            gender="Feminine",
            citizenship=[citizenship],
            contact_route="caseworker_only",
        ),
        context=ContextData(
            forms_of_exploitation=["SexualExploitation"],
            recruitment_country=citizenship,
            exploitation_country="GR",
            exploitation_region="Attica",
        ),
        identified_on=today - timedelta(days=days_ago),
        consent_to_case_management=True,
    )
    # Held by the organisation, on nobody's list: the other apps' demos give the caseworker's live cases their
    # referrals, stays and proceedings.
    return services.case_assign(actor=None, case=case, assignee=None)


def _closed_then_reopened(*, ngo: Organisation, caseworker: User, today: date) -> Case:
    """Re-trafficking is common: a case closed once she was back on her feet, opened again when she was found
    exploited a second time."""
    case = _past_case(ngo=ngo, caseworker=caseworker, first="Lina", family="Petrova", citizenship="BG",
                      days_ago=400, today=today)  # fmt: skip
    closure.case_close(actor=caseworker, case=case, code="integrated", reason="Working in a hotel, own flat")
    closure.case_reopen(
        actor=caseworker,
        case=case,
        code="re_trafficked",
        reason="Found by the labour inspection in a bar in Piraeus; the same recruiter contacted her again.",
    )
    return case


def _in_follow_up(*, ngo: Organisation, caseworker: User, today: date) -> Case:
    """A case closed into follow-up: the caseworker calls her again on the day set, which has come."""
    case = _past_case(ngo=ngo, caseworker=caseworker, first="Ana", family="Stoica", citizenship="RO", days_ago=200,
                      today=today)  # fmt: skip
    closure.case_close(actor=caseworker, case=case, code="goals_met", follow_up_on=today)
    return case


CHILD_PROTECTION = "Athens Child Protection Service"


def _unaccompanied_child(*, ngo: Organisation, caseworker: User, today: date) -> Case:
    """An unaccompanied girl of uncertain age: presumed a child, alerted to child protection services, assessed
    (15), given a guardian, heard, and a best-interests determination of return (the shelters' demo then plans it)."""
    protection = Organisation.objects.filter(name=CHILD_PROTECTION).first() or core.organisation_create(
        actor=None,
        name=CHILD_PROTECTION,
        type=OrganisationType.LOCAL_GOVERNMENT,
        country=ngo.country,
        region="Attica",
        languages=["el", "en"],
    )
    if not User.objects.filter(username="childprotection").exists():
        core.user_create(
            actor=None, username="childprotection", organisation=protection, role=Role.CASEWORKER, password=None
        )
    services.country_profile_update(country=ngo.country, changes={"child_protection_organisation": protection})
    identified = today - timedelta(days=9)
    case = services.case_register(
        actor=caseworker,
        organisation=ngo,
        person=PersonData(
            first_name="Daria",
            gender="Feminine",
            primary_language="uk",
            interpreter_needed=True,
            citizenship=["UA"],
            contact_route="caseworker_only",
        ),
        context=ContextData(
            forms_of_exploitation=["SexualExploitation"],
            recruitment_methods=["ThroughOnlineSocialNetworks"],
            recruitment_platforms=["Telegram"],
            crisis_circumstances=["stranded_by_border_closure"],
            recruitment_country="UA",
            exploitation_country="GR",
            exploitation_region="Attica",
            may_be_child=True,
            separation="unaccompanied",
        ),
        identified_on=identified,
    )
    children.age_assessment_record(
        actor=caseworker,
        case=case,
        method="interview",
        assessed_on=identified + timedelta(days=2),
        age_lower=15,
        age_upper=17,
        assessed_by_organisation=protection,
        assessor_role="panel",
    )
    children.guardian_appoint(
        actor=caseworker,
        case=case,
        name="Eleni Georgiou",
        contact="+30 210 000 0000",
        appointed_by="Public Prosecutor for Minors, Athens",
        appointed_on=identified + timedelta(days=2),
    )
    children.child_views_record(
        actor=caseworker,
        case=case,
        about="durable_solution",
        heard_on=identified + timedelta(days=4),
        views="Wants to go home to her grandmother in Lviv, and to finish school there.",
    )
    children.best_interests_record(
        actor=caseworker,
        case=case,
        kind="assessment",
        organisation=protection,
        decided_on=identified + timedelta(days=5),
        reasons="Family tracing found the grandmother; the Ukrainian child protection service visited the home.",
    )
    children.best_interests_record(
        actor=caseworker,
        case=case,
        kind="determination",
        solution="return",
        body_name="Child protection panel of Attica",
        decided_on=identified + timedelta(days=7),
        reasons="Return to the grandmother is safe and what the child wants; escorted, with follow-up in Lviv.",
    )
    return case

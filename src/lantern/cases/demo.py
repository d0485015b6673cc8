"""Demo cases: a few years of synthetic cases for the analyses, and a handful of live cases for the demo
caseworker, in every stage, some overdue, some with unmet needs."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from lantern.cases import services
from lantern.cases.models import Case
from lantern.cases.validation import ContextData, PersonData
from lantern.core.models import Organisation, OrganisationType, User

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

"""Demo courts, proceedings and hearings: four courts (two in Attica, which the demo coordinator can suspend from
the crisis page), trials and claims of the NGO's cases with upcoming hearings, some remote, some postponed; and a
trial that ended: two defendants convicted, compensation awarded and partly paid, a claim to the state fund under
review, the survivor represented by the legal aid clinic, protective measures granted and one refused."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.utils import timezone

from lantern.cases.models import Case, Decision, Stage
from lantern.cases.services import consent_give
from lantern.core.models import Organisation, User
from lantern.justice import selectors, services
from lantern.justice.models import Court, Hearing, Proceeding

LEGAL_AID = "Athens Legal Aid Clinic"
REGISTRY = "Registry of the Athens and Piraeus Courts"  # its member with the role justice is the demo's clerk
COURTS = [
    # name, region, kept by the registry
    ("Athens Court of First Instance", "Attica", True),
    ("Piraeus Court of First Instance", "Attica", True),
    ("Thessaloniki Court of First Instance", "Central Macedonia", False),
    ("Heraklion Court of First Instance", "Crete", False),
]
# kind, the survivor's role, [(days ahead, court index, mode)], what happens to the first hearing
PLAN = [
    ("trial", "injured_party", [(5, 0, "in_person"), (40, 0, "in_person")], ""),
    ("trial", "witness", [(8, 1, "remote")], ""),
    ("prosecution", "injured_party", [(12, 0, "hybrid")], "postpone"),
    ("compensation", "civil_claimant", [(15, 2, "remote")], ""),
    ("investigation", "witness", [(3, 0, "in_person")], "postpone_with_date"),
    ("appeal", "injured_party", [(21, 3, "in_person")], ""),
    ("civil_claim", "civil_claimant", [(27, 1, "remote")], ""),
    ("trial", "witness", [(9, 0, "in_person")], "remote"),
]


def load() -> None:
    if Court.objects.exists():
        return
    prosecution = Organisation.objects.filter(name="Public Prosecutor's Office of Athens").first()
    prosecutor = User.objects.filter(username="prosecutor").first()
    ngo = Organisation.objects.filter(name="Safe Passage NGO").first()
    if prosecution is None or prosecutor is None or ngo is None:
        return
    registry = Organisation.objects.filter(name=REGISTRY).first()
    courts = [
        services.court_create(
            actor=None,
            name=name,
            country="GR",
            region=region,
            time_zone="Europe/Athens",
            registry=registry if kept else None,
        )
        for name, region, kept in COURTS
    ]
    # No proceeding on a case whose reasonable-grounds decision is negative: a trial for the exploitation of
    # someone the competent authority found no grounds to treat as a victim reads as a contradiction.
    negative = Decision.objects.filter(kind=Decision.Kind.REASONABLE_GROUNDS, outcome=Decision.Outcome.NEGATIVE)
    open_cases = (
        Case.objects.filter(organisation=ngo, anonymised_at__isnull=True)
        .exclude(stage=Stage.CLOSED)
        .exclude(pk__in=negative.values("case_id"))
        .select_related("person")
        .order_by("identified_on", "pk")
    )
    cases = list(open_cases[: len(PLAN)])
    today = timezone.localdate()
    caseworker = User.objects.filter(username="caseworker").first()
    for case, (kind, role, hearings, then) in zip(cases, PLAN, strict=False):
        if caseworker is not None and not services.case_referred_to(case, prosecution):
            # The NGO refers the case to the prosecution service first: a prosecutor opens nothing before that.
            consent_give(actor=caseworker, case=case, purpose="referral", recipient=prosecution)
        proceeding = services.proceeding_open(
            actor=prosecutor, case=case, organisation=prosecution, kind=kind, survivor_role=role
        )
        language = case.person.primary_language
        if language and language != "el":
            services.protective_measure_add(
                actor=prosecutor, proceeding=proceeding, kind="interpreter", language=language
            )
        if role == "injured_party":
            services.protective_measure_add(actor=prosecutor, proceeding=proceeding, kind="screen")
        made: list[Hearing] = []
        sitting: list[date] = []
        for days, court_index, mode in hearings:
            court = courts[court_index]
            sitting.append(selectors.court_sitting_day(court, today + timedelta(days=days)))
            local = datetime.combine(sitting[-1], time(9, 30))
            made.append(
                services.hearing_schedule(
                    actor=prosecutor,
                    proceeding=proceeding,
                    court=court,
                    starts_at=services.local_to_utc(court, local),
                    mode=mode,
                )
            )
        first = made[0]
        if then == "postpone":
            services.hearing_postpone(actor=prosecutor, hearing=first, reason="interpreter_unavailable")
        elif then == "postpone_with_date":
            later = selectors.court_sitting_day(first.court, sitting[0] + timedelta(days=30))
            services.hearing_postpone(
                actor=prosecutor,
                hearing=first,
                reason="witness_unavailable",
                new_starts_at=services.local_to_utc(first.court, datetime.combine(later, time(9, 30))),
            )
        elif then == "remote":
            services.hearing_mode_change(actor=prosecutor, hearing=first, mode="remote")
    # The trial that ended with compensation: on a case whose reasonable-grounds decision is positive.
    recognised = open_cases.filter(
        decisions__kind=Decision.Kind.REASONABLE_GROUNDS, decisions__outcome=Decision.Outcome.POSITIVE
    ).first()
    if recognised is not None and caseworker is not None:
        if not services.case_referred_to(recognised, prosecution):
            consent_give(actor=caseworker, case=recognised, purpose="referral", recipient=prosecution)
        concluded_trial(prosecutor=prosecutor, prosecution=prosecution, case=recognised, today=today)


def concluded_trial(*, prosecutor: User, prosecution: Organisation, case: Case, today: date) -> Proceeding:
    """A trial opened fourteen months ago that ended two months ago with both defendants convicted; the court
    awarded the survivor 15,000 EUR from the offenders (5,000 paid so far), and a claim to the state fund waits."""
    proceeding = services.proceeding_open(
        actor=prosecutor,
        case=case,
        organisation=prosecution,
        kind="trial",
        survivor_role="civil_claimant",
        opened_on=today - timedelta(days=425),
    )
    legal_aid = Organisation.objects.filter(name=LEGAL_AID).first()
    services.legal_representative_set(actor=prosecutor, proceeding=proceeding, organisation=legal_aid)
    services.protective_measure_add(
        actor=prosecutor,
        proceeding=proceeding,
        kind="video_interview",
        status="granted",
        requested_on=today - timedelta(days=400),
        decided_on=today - timedelta(days=390),
    )
    services.protective_measure_add(
        actor=prosecutor,
        proceeding=proceeding,
        kind="anonymity",
        status="refused",
        requested_on=today - timedelta(days=400),
        decided_on=today - timedelta(days=380),
    )
    claim = services.compensation_claim(
        actor=prosecutor,
        proceeding=proceeding,
        payer="offender",
        claimed=Decimal("20000.00"),
        currency="EUR",
        claimed_on=today - timedelta(days=300),
    )
    claim = services.compensation_award(
        actor=prosecutor, compensation=claim, awarded=Decimal("15000.00"), awarded_on=today - timedelta(days=60)
    )
    services.compensation_pay(
        actor=prosecutor, compensation=claim, amount=Decimal("5000.00"), paid_on=today - timedelta(days=20)
    )
    fund = services.compensation_claim(
        actor=prosecutor,
        proceeding=proceeding,
        payer="state_fund",
        claimed=Decimal("10000.00"),
        currency="EUR",
        claimed_on=today - timedelta(days=45),
    )
    services.fund_claim_status(actor=prosecutor, compensation=fund, status="under_review")
    defendants = [services.defendant_add(actor=prosecutor, proceeding=proceeding) for _ in range(2)]
    for defendant in defendants:  # the proceeding closes with the second
        services.defendant_outcome(
            actor=prosecutor, defendant=defendant, outcome="conviction", outcome_on=today - timedelta(days=60)
        )
    return proceeding

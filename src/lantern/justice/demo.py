"""Demo courts, proceedings and hearings: four courts (two in Attica, which the demo coordinator can suspend from
the crisis page), trials and claims of the NGO's cases with upcoming hearings, some remote, some postponed."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from django.utils import timezone

from lantern.cases.models import Case, Stage
from lantern.cases.services import consent_give
from lantern.core.models import Organisation, User
from lantern.justice import services
from lantern.justice.models import Court, Hearing

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
    cases = list(
        Case.objects.filter(organisation=ngo, anonymised_at__isnull=True)
        .exclude(stage=Stage.CLOSED)
        .select_related("person")
        .order_by("identified_on", "pk")[: len(PLAN)]
    )
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
        for days, court_index, mode in hearings:
            court = courts[court_index]
            local = datetime.combine(today + timedelta(days=days), time(9, 30))
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
            services.hearing_postpone(
                actor=prosecutor,
                hearing=first,
                reason="witness_unavailable",
                new_starts_at=first.starts_at + timedelta(days=30),
            )
        elif then == "remote":
            services.hearing_mode_change(actor=prosecutor, hearing=first, mode="remote")

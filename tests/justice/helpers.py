"""The justice side of the test world: a court registry with its clerk, three courts (two in Attica, one in
Crete), and a trial of the case with a hearing in each Attica court. Used by tests/justice and by the
authorization matrix."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from django.utils import timezone

from lantern.cases.models import Case
from lantern.core import services as core
from lantern.core.models import OrganisationType, User
from lantern.core.roles import Role
from lantern.justice import services
from lantern.justice.models import Court, Hearing, Proceeding
from tests.conftest import World


@dataclass
class Justice:
    clerk: User
    athens: Court
    piraeus: Court
    crete: Court
    proceeding: Proceeding
    hearing: Hearing  # in Athens, a week ahead, in person
    other: Hearing  # in Piraeus, two weeks ahead, remote


def justice_setup(world: World, case: Case) -> Justice:
    registry = core.organisation_create(
        actor=None, name="Athens Court Registry", type=OrganisationType.COURT, country="GR", region="Attica",
        languages=["el"],
    )  # fmt: skip
    clerk = core.user_create(actor=None, username="clerk", organisation=registry, role=Role.JUSTICE, password=None)
    athens = services.court_create(
        actor=None, name="Athens First Instance", country="GR", region="Attica", time_zone="Europe/Athens",
        registry=registry,
    )  # fmt: skip
    piraeus = services.court_create(
        actor=None, name="Piraeus First Instance", country="GR", region="Attica", time_zone="Europe/Athens"
    )
    crete = services.court_create(
        actor=None, name="Heraklion First Instance", country="GR", region="Crete", time_zone="Europe/Athens"
    )
    proceeding = services.proceeding_open(
        actor=world.prosecutor, case=case, organisation=world.prosecution, kind="trial", survivor_role="injured_party"
    )
    now = timezone.now().astimezone(UTC).replace(minute=0, second=0, microsecond=0)
    hearing = services.hearing_schedule(
        actor=world.prosecutor, proceeding=proceeding, court=athens, starts_at=now + timedelta(days=7, hours=1)
    )
    other = services.hearing_schedule(
        actor=world.prosecutor,
        proceeding=proceeding,
        court=piraeus,
        starts_at=now + timedelta(days=14, hours=1),
        mode="remote",
    )
    return Justice(clerk, athens, piraeus, crete, proceeding, hearing, other)


def at(year: int, month: int, day: int, hour: int = 9) -> datetime:
    return datetime(year, month, day, hour, tzinfo=UTC)


# --- The authorization matrix's lines for justice (tests/core/test_authz_matrix.py) ------------------------------

IN_A_MONTH = (datetime.now(UTC) + timedelta(days=30)).replace(microsecond=0).isoformat()
PROSECUTOR = frozenset({"prosecutor"})
SEE_HEARINGS = frozenset({"prosecutor", "caseworker", "supervisor"})
EVERYONE = frozenset(
    {
        "caseworker", "supervisor", "org_admin", "police", "provider", "prosecutor", "coordinator", "analyst",
        "auditor", "sysadmin", "outsider", "outsider_admin", "shelter_worker",
    }
)  # fmt: skip


def _hearing_due(world: World, case: Case) -> None:
    Hearing.objects.filter(pk=_first_hearing()).update(starts_at=timezone.now() - timedelta(hours=1))


def _hearing_postponed(world: World, case: Case) -> None:
    services.hearing_postpone(actor=None, hearing=Hearing.objects.get(pk=_first_hearing()), reason="illness")


def _first_hearing() -> int:
    return int(Hearing.objects.order_by("pk").values_list("pk", flat=True)[0])


JUSTICE_MATRIX: dict[str, dict[str, Any]] = {
    "justice_courts_list": {"allowed": EVERYONE},
    "justice_courts_create": {
        "allowed": frozenset({"coordinator", "sysadmin"}),
        "body": {"name": "Larissa First Instance", "country": "GR", "region": "Thessaly", "time_zone": "Europe/Athens"},
    },
    "justice_proceedings_list": {"allowed": EVERYONE},
    "justice_proceedings_open": {
        "allowed": PROSECUTOR,
        "body": {
            "case_reference": "{reference}",
            "organisation_id": "{prosecution}",
            "kind": "appeal",
            "survivor_role": "witness",
        },
    },
    "justice_proceedings_get": {"allowed": SEE_HEARINGS},
    "justice_protective_measures_add": {"allowed": PROSECUTOR, "body": {"kind": "interpreter", "language": "ro"}},
    "justice_hearings_schedule": {"allowed": PROSECUTOR, "body": {"court_id": "{court}", "starts_at": IN_A_MONTH}},
    "justice_hearings_list": {"allowed": EVERYONE},
    "justice_hearings_to_reschedule": {"allowed": EVERYONE},
    "justice_hearings_get": {"allowed": SEE_HEARINGS},
    "justice_hearings_hold": {"allowed": PROSECUTOR, "prepare": _hearing_due},
    "justice_hearings_postpone": {"allowed": PROSECUTOR, "body": {"reason": "illness"}},
    "justice_hearings_reschedule": {
        "allowed": PROSECUTOR,
        "body": {"new_starts_at": IN_A_MONTH},
        "prepare": _hearing_postponed,
    },
    "justice_hearings_cancel": {"allowed": PROSECUTOR},
    "justice_hearings_mode": {"allowed": PROSECUTOR, "body": {"mode": "hybrid"}},
    "justice_backlog": {"allowed": frozenset({"prosecutor", "coordinator", "analyst"})},
}

JUSTICE_VALUES: dict[str, Callable[[World], int]] = {
    "{prosecution}": lambda world: world.prosecution.pk,
    "{court}": lambda world: Court.objects.get(name="Athens First Instance").pk,
}


def justice_url(url: str) -> str:
    if "{proceeding_id}" in url:
        url = url.replace("{proceeding_id}", str(Proceeding.objects.order_by("pk").values_list("pk", flat=True)[0]))
    return url.replace("{hearing_id}", str(_first_hearing())) if "{hearing_id}" in url else url

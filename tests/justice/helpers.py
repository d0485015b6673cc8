"""The justice side of the test world: a court registry with its clerk, three courts (two in Attica, one in
Crete), and a trial of the case with a hearing in each Attica court. Used by tests/justice and by the
authorization matrix."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from django.utils import timezone

from lantern.cases.models import Case
from lantern.cases.selectors import consent_allows
from lantern.cases.services import consent_give
from lantern.core import services as core
from lantern.core.models import OrganisationType, User
from lantern.core.roles import Role
from lantern.justice import services
from lantern.justice.models import Compensation, Court, Defendant, Hearing, Proceeding, ProtectiveMeasure
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
    referred_to_prosecution(world, case)
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


def referred_to_prosecution(world: World, case: Case) -> None:
    """The case's caseworker records the person's consent to a referral to the prosecution service (a prosecutor
    opens proceedings only on cases referred to her service)."""
    if not consent_allows(case, "referral", recipient=world.prosecution):
        consent_give(actor=world.caseworker, case=case, purpose="referral", recipient=world.prosecution)


def at(year: int, month: int, day: int, hour: int = 9) -> datetime:
    return datetime(year, month, day, hour, tzinfo=UTC)


# --- For the authorization matrix's justice lines (tests/core/test_authz_matrix.py) -------------------------------

IN_A_MONTH = (datetime.now(UTC) + timedelta(days=30)).replace(microsecond=0).isoformat()


def hearing_due(world: World, case: Case) -> None:
    Hearing.objects.filter(pk=_first_hearing()).update(starts_at=timezone.now() - timedelta(hours=1))


def hearing_postponed(world: World, case: Case) -> None:
    services.hearing_postpone(actor=None, hearing=Hearing.objects.get(pk=_first_hearing()), reason="illness")


def _first_hearing() -> int:
    return int(Hearing.objects.order_by("pk").values_list("pk", flat=True)[0])


JUSTICE_VALUES: dict[str, Callable[[World], int]] = {
    "{prosecution}": lambda world: world.prosecution.pk,
    "{court}": lambda world: Court.objects.get(name="Athens First Instance").pk,
}


def compensation_awarded(world: World, case: Case) -> None:
    services.compensation_award(actor=None, compensation=_compensation(), awarded="1000")


def _proceeding() -> Proceeding:
    return Proceeding.objects.select_related("case", "organisation").order_by("pk")[0]


def _compensation() -> Compensation:
    """A claim to the state fund, just submitted (the matrix's redress lines act on it)."""
    found = Compensation.objects.select_related("proceeding__case").order_by("pk").first()
    return found or services.compensation_claim(
        actor=None, proceeding=_proceeding(), payer="state_fund", claimed="3000", currency="EUR"
    )


def _redress_ids() -> dict[str, str]:
    """The targets of the redress lines, made the first time a line asks: a defendant without an outcome, a
    requested protective measure, a state-fund claim."""
    defendant = Defendant.objects.order_by("pk").first() or services.defendant_add(actor=None, proceeding=_proceeding())
    measure = ProtectiveMeasure.objects.filter(status="requested").order_by("pk").first()
    measure = measure or services.protective_measure_add(
        actor=None, proceeding=_proceeding(), kind="video_interview", status="requested"
    )
    return {
        "{defendant_id}": str(defendant.pk),
        "{protective_measure_id}": str(measure.pk),
        "{compensation_id}": str(_compensation().pk),
    }


def justice_url(url: str) -> str:
    if "{proceeding_id}" in url:
        url = url.replace("{proceeding_id}", str(Proceeding.objects.order_by("pk").values_list("pk", flat=True)[0]))
    if any(key in url for key in ("{defendant_id}", "{protective_measure_id}", "{compensation_id}")):
        for key, value in _redress_ids().items():
            url = url.replace(key, value)
    return url.replace("{hearing_id}", str(_first_hearing())) if "{hearing_id}" in url else url

"""Justice and redress as indicators: proceedings open for more than a year, the share of concluded proceedings
with compensation awarded, and how much of what was awarded has been paid (currencies never mixed)."""

from __future__ import annotations

from datetime import date

import pytest

from lantern.cases import services as cases
from lantern.cases.validation import PersonData
from lantern.insights import refresh as refreshing
from lantern.insights.indicators import REGISTRY, months_before
from lantern.insights.models import IndicatorValue
from lantern.justice import services as justice
from lantern.justice.models import Proceeding
from tests.conftest import World

pytestmark = pytest.mark.django_db
MARCH = date(2026, 3, 1)  # the test clock's month


def _proceeding(world: World, opened_on: date) -> Proceeding:
    case = cases.case_register(actor=world.caseworker, organisation=world.ngo_a, person=PersonData(first_name="Ana"))
    return justice.proceeding_open(
        actor=None, case=case, organisation=world.prosecution, kind="trial", survivor_role="injured_party",
        opened_on=opened_on,
    )  # fmt: skip


def _conclude(proceeding: Proceeding, outcome: str = "conviction") -> None:
    defendant = justice.defendant_add(actor=None, proceeding=proceeding)
    justice.defendant_outcome(actor=None, defendant=defendant, outcome=outcome)


def test_backlog_and_compensation_indicators(world: World, clock: object) -> None:
    old_and_open = _proceeding(world, date(2024, 12, 1))
    justice.defendant_add(actor=None, proceeding=old_and_open)  # no outcome yet
    _proceeding(world, date(2025, 6, 1))  # open, but for less than a year
    with_award = _proceeding(world, date(2025, 1, 15))
    claim = justice.compensation_claim(
        actor=None, proceeding=with_award, payer="offender", claimed="20000", currency="EUR"
    )
    justice.compensation_award(actor=None, compensation=claim, awarded="12000")
    justice.compensation_pay(actor=None, compensation=claim, amount="3000")
    fund = justice.compensation_claim(
        actor=None, proceeding=with_award, payer="state_fund", claimed="900", currency="RON"
    )
    justice.compensation_award(actor=None, compensation=fund, awarded="900")
    justice.compensation_pay(actor=None, compensation=fund, amount="900")
    _conclude(with_award)
    _conclude(_proceeding(world, date(2026, 2, 1)), outcome="acquittal")  # concluded, nothing awarded

    refreshing.refresh()

    long_open = IndicatorValue.objects.get(indicator="proceedings_open_long", period=MARCH)
    assert long_open.numerator == 1
    assert long_open.organisation_id == world.prosecution.pk
    awarded = IndicatorValue.objects.get(indicator="compensation_awarded", period=MARCH)
    assert (awarded.numerator, awarded.denominator) == (1, 2)
    paid = IndicatorValue.objects.get(indicator="compensation_paid", period=MARCH)
    # A quarter of the euros and all of the lei: on average five eighths of each award paid.
    assert (paid.numerator, paid.denominator) == (1.25, 2)


def test_the_redress_indicators_are_protected_like_the_others() -> None:
    for code in ("proceedings_open_long", "compensation_awarded", "compensation_paid"):
        indicator = REGISTRY[code]
        assert indicator.available
        assert indicator.counts_people, code  # the small-cell rule applies: each proceeding is a survivor's
        assert indicator.source == "justice"


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (date(2026, 3, 2), 12, date(2025, 3, 2)),
        (date(2026, 5, 31), 3, date(2026, 2, 28)),
        (date(2026, 1, 5), 1, date(2025, 12, 5)),
    ],
)
def test_months_before(day: date, months: int, expected: date) -> None:
    assert months_before(day, months) == expected

"""NRM speed (issue #19): days from identification to the referral to the competent authority, to its first
reasonable- and conclusive-grounds decisions, and the share of reasonable-grounds decisions within the statutory
deadline, by month. Every count of people in them is protected like the other indicators'
(tests/insights/test_impact_small_cells.py runs over the whole registry)."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from lantern.cases import services as cases
from lantern.cases.generate import CRISIS_END, CRISIS_START
from lantern.cases.models import Decision
from lantern.cases.validation import PersonData
from lantern.insights import refresh as refreshing
from lantern.insights.indicators import REGISTRY
from lantern.insights.models import IndicatorValue
from tests.conftest import World
from tests.helpers import Generated

NRM_SPEED = (
    "nrm_days_to_referral",
    "nrm_days_to_reasonable_grounds",
    "nrm_days_to_conclusive_grounds",
    "nrm_reasonable_grounds_in_time",
)


def _one(code: str, period: date) -> IndicatorValue:
    return IndicatorValue.objects.get(indicator=code, period=period, grain="total")


def test_the_days_and_the_deadline_come_from_the_referral_and_the_decisions(world: World, clock: object) -> None:
    case = cases.case_register(actor=world.caseworker, organisation=world.ngo_a, person=PersonData(first_name="Ana"),
                               identified_on=date(2026, 2, 16))  # fmt: skip
    cases.case_refer_to_authority(actor=world.caseworker, case=case, referred_on=date(2026, 2, 27), consent_given=True)
    reasons = "Indicators of forced labour and debt bondage."
    cases.case_decide(actor=world.authority_member, case=case, kind="reasonable_grounds", outcome="positive",
                      reasons=reasons, decided_on=date(2026, 3, 2))  # fmt: skip
    cases.case_decide(actor=world.authority_member, case=case, kind="conclusive_grounds", outcome="positive",
                      reasons=reasons, decided_on=date(2026, 3, 2))  # fmt: skip
    refreshing.refresh()

    referral = _one("nrm_days_to_referral", date(2026, 2, 1))
    assert (referral.numerator, referral.denominator) == (pytest.approx(11.0), 1)
    reasonable = _one("nrm_days_to_reasonable_grounds", date(2026, 3, 1))
    assert (reasonable.numerator, reasonable.denominator) == (pytest.approx(14.0), 1)
    assert _one("nrm_days_to_conclusive_grounds", date(2026, 3, 1)).numerator == pytest.approx(14.0)
    in_time = _one("nrm_reasonable_grounds_in_time", date(2026, 3, 1))
    assert (in_time.numerator, in_time.denominator) == (1, 1)  # due on 6 March, decided on 2 March


def test_the_generated_crisis_slows_the_decisions_and_the_indicators_see_it(
    generated: Generated, at_now: datetime
) -> None:
    assert Decision.objects.exists()  # the generator decides in the name of the world's competent authority
    refreshing.refresh()
    rows = IndicatorValue.objects.filter(indicator="nrm_reasonable_grounds_in_time", grain="total")

    def share(inside: bool) -> float:
        picked = [r for r in rows if (CRISIS_START <= r.period <= CRISIS_END) is inside]
        return sum(r.numerator for r in picked) / sum(r.denominator or 0 for r in picked)

    assert share(inside=True) < share(inside=False) - 0.2
    for code in NRM_SPEED:
        assert REGISTRY[code].available
        assert IndicatorValue.objects.filter(indicator=code).exists(), code

"""The indicators and their refresh into the summary tables (insights/indicators.py, insights/refresh.py)."""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime

from lantern.cases.models import Case
from lantern.insights import refresh as refreshing
from lantern.insights.models import IndicatorValue


def _sum(code: str, **filters: object) -> Counter[date]:
    totals: Counter[date] = Counter()
    for value in IndicatorValue.objects.filter(indicator=code, **filters):
        totals[value.period] += value.numerator
    return totals


def test_new_cases_equal_the_direct_counts_in_every_cell(generated: int, at_now: datetime) -> None:
    refreshing.refresh()
    direct: Counter[tuple[object, ...]] = Counter()
    for case in Case.objects.select_related("person"):
        forms = case.forms_of_exploitation
        form = "Multiple" if len(forms) > 1 else (forms[0] if forms else "")
        border = {True: "cross_border", False: "domestic", None: ""}[case.is_cross_border]
        key = (case.identified_on.replace(day=1), case.exploitation_region, case.organisation_id,
               case.person.gender, case.age_band, form, border)  # fmt: skip
        direct[key] += 1
    summary = {
        (v.period, v.region, v.organisation_id, v.sex, v.age_band, v.form, v.border): v.numerator
        for v in IndicatorValue.objects.filter(indicator="new_cases")
    }
    assert summary == dict(direct)
    assert sum(summary.values()) == generated


def test_shares_equal_the_direct_counts(generated: int, at_now: datetime) -> None:
    refreshing.refresh()
    cases = list(Case.objects.all())
    online = Counter(c.identified_on.replace(day=1) for c in cases if c.recruited_online)
    home = Counter(
        c.identified_on.replace(day=1) for c in cases if "exploited_in_private_home" in c.crisis_circumstances
    )
    total = Counter(c.identified_on.replace(day=1) for c in cases)
    assert _sum("recruited_online") == +online
    assert _sum("private_home") == +home
    denominators: Counter[date] = Counter()
    for value in IndicatorValue.objects.filter(indicator="recruited_online"):
        denominators[value.period] += value.denominator or 0
    assert denominators == total
    platforms = Counter(
        (c.identified_on.replace(day=1), c.recruitment_platforms[0]) for c in cases if c.recruited_online
    )
    summary: Counter[tuple[date, str]] = Counter()
    for v in IndicatorValue.objects.filter(indicator="recruited_online_platform"):
        summary[(v.period, v.platform)] += v.numerator
    assert +summary == {key: float(n) for key, n in platforms.items()}
    in_cell = Counter((c.identified_on.replace(day=1), c.exploitation_region, c.organisation_id) for c in cases)
    for value in IndicatorValue.objects.filter(indicator="recruited_online_platform"):
        assert value.denominator == in_cell[(value.period, value.region, value.organisation_id)]

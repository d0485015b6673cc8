"""The indicators and their refresh into the summary tables (insights/indicators.py, insights/refresh.py)."""

from __future__ import annotations

import io
from collections import Counter
from datetime import UTC, date, datetime, timedelta

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from lantern.cases import services as cases
from lantern.cases.generate import Period, generate_cases
from lantern.cases.models import Case
from lantern.cases.validation import PersonData
from lantern.insights import refresh as refreshing
from lantern.insights.indicators import REGISTRY, months_between
from lantern.insights.models import IndicatorValue, RefreshCheckpoint
from lantern.justice.services import court_create, hearing_postpone, hearing_schedule, proceeding_open
from lantern.providers.services import offering_save, status_set
from lantern.referrals.services import referral_accept, referral_create
from lantern.shelters.services import admit, discharge, room_add
from tests.conftest import World
from tests.helpers import Generated


def _sum(code: str, **filters: object) -> Counter[date]:
    totals: Counter[date] = Counter()  # numerators are whole counts here
    for value in IndicatorValue.objects.filter(indicator=code, grain="total", **filters):
        totals[value.period] += int(value.numerator)
    return totals


def test_new_cases_equal_the_direct_counts_in_every_cell(generated: Generated, at_now: datetime) -> None:
    refreshing.refresh()
    direct: Counter[tuple[object, ...]] = Counter()
    for case in Case.objects.select_related("person"):
        forms = case.forms_of_exploitation
        form = "Multiple" if len(forms) > 1 else (forms[0] if forms else "")
        border = {True: "cross_border", False: "domestic", None: ""}[case.is_cross_border]
        child = {True: "presumed_child" if case.minority_basis == "presumed" else "child", False: "adult", None: ""}
        disability = "disability" if case.disability_domains else "none" if case.disability_asked else "not_asked"
        groups = case.at_risk_groups
        at_risk = (
            "multiple" if len(groups) > 1 else groups[0] if groups else "none" if case.at_risk_asked else "not_asked"
        )
        key = (case.identified_on.replace(day=1), case.exploitation_region, case.organisation_id,
               case.person.gender, case.age_band, form, border, child[case.is_minor], disability, at_risk)  # fmt: skip
        direct[key] += 1
    summary = {
        (
            v.period,
            v.region,
            v.organisation_id,
            v.sex,
            v.age_band,
            v.form,
            v.border,
            v.child,
            v.disability,
            v.at_risk,
        ): v.numerator
        for v in IndicatorValue.objects.filter(indicator="new_cases", grain="cell")
    }
    assert summary == dict(direct)
    assert sum(summary.values()) == generated.count
    # The generated cases hold every option: asked and none, not asked, several groups.
    options = {(v.disability, v.at_risk) for v in IndicatorValue.objects.filter(indicator="new_cases", grain="cell")}
    assert {"disability", "none", "not_asked"} <= {d for d, _ in options}
    assert {"multiple", "none", "not_asked", "migrant"} <= {g for _, g in options}


def test_shares_equal_the_direct_counts(generated: Generated, at_now: datetime) -> None:
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
    for value in IndicatorValue.objects.filter(indicator="recruited_online", grain="total"):
        denominators[value.period] += int(value.denominator or 0)
    assert denominators == total
    platforms = Counter(
        (c.identified_on.replace(day=1), c.recruitment_platforms[0]) for c in cases if c.recruited_online
    )
    summary: Counter[tuple[date, str]] = Counter()
    for v in IndicatorValue.objects.filter(indicator="recruited_online_platform"):
        summary[(v.period, v.platform)] += int(v.numerator)
    assert +summary == {key: float(n) for key, n in platforms.items()}
    in_cell = Counter((c.identified_on.replace(day=1), c.exploitation_region, c.organisation_id) for c in cases)
    for value in IndicatorValue.objects.filter(indicator="recruited_online_platform"):
        assert value.denominator == in_cell[(value.period, value.region, value.organisation_id or 0)]


def test_an_incremental_refresh_recomputes_only_the_months_that_changed(
    world: World, generated: Generated, at_now: datetime, time_machine: object
) -> None:
    refreshing.refresh()
    untouched = set(
        IndicatorValue.objects.filter(indicator="new_cases", period=date(2020, 1, 1)).values_list("pk", flat=True)
    )
    checkpoint = RefreshCheckpoint.objects.get(indicator="new_cases")
    assert checkpoint.data_until == at_now
    # Later, 40 cases identified in May 2021 are registered.
    time_machine.move_to(at_now + timedelta(hours=1), tick=False)  # type: ignore[attr-defined]
    generate_cases(count=40, seed=8, organisations=[world.ngo_a], period=Period(date(2021, 5, 1), date(2021, 5, 31)))
    done = {r.indicator: r for r in refreshing.refresh()}
    # May 2021, and the two open months (November and December 2022): nothing else.
    assert done["new_cases"].periods == 3
    assert done["recruited_online"].periods == 3
    assert done["package_coverage"].periods == 1  # a snapshot: this month only
    assert RefreshCheckpoint.objects.get(indicator="new_cases").periods_recomputed == 3
    assert (
        set(IndicatorValue.objects.filter(indicator="new_cases", period=date(2020, 1, 1)).values_list("pk", flat=True))
        == untouched
    )
    may = sum(
        IndicatorValue.objects.filter(indicator="new_cases", grain="total", period=date(2021, 5, 1)).values_list(
            "numerator", flat=True
        )
    )
    assert may == Case.objects.filter(identified_on__year=2021, identified_on__month=5).count()
    # Nothing changed since: only the open months again.
    again = {r.indicator: r for r in refreshing.refresh()}
    assert again["new_cases"].periods == 2


def test_a_full_refresh_equals_the_incremental_one(generated: Generated, at_now: datetime) -> None:
    refreshing.refresh()
    columns = (
        "indicator",
        "grain",
        "period",
        "region",
        "organisation_id",
        "sex",
        "age_band",
        "form",
        "border",
        "platform",
    )
    incremental = sorted(IndicatorValue.objects.values_list(*columns, "numerator"))
    refreshing.refresh(full=True)
    full = sorted(IndicatorValue.objects.values_list(*columns, "numerator"))
    assert full == incremental


def test_the_indicators_are_counted_by_the_database(world: World, generated: Generated, at_now: datetime) -> None:
    """One aggregate query per indicator (per month for the stocks), whatever the number of cases."""
    periods = months_between(date(2019, 1, 1), date(2022, 12, 1))

    def queries() -> dict[str, int]:
        counted = {}
        for code in ("new_cases", "recruited_online", "private_home", "time_to_first_service", "referrals_overdue"):
            with CaptureQueriesContext(connection) as captured:
                compute = REGISTRY[code].compute
                assert compute is not None
                list(compute(periods, at_now))
            counted[code] = len(captured)
        return counted

    before = queries()
    generate_cases(count=300, seed=9, organisations=[world.ngo_a], period=Period(date(2019, 1, 1), date(2022, 11, 30)))
    assert queries() == before
    assert before["new_cases"] == 1
    assert before["recruited_online"] == 1


def test_referrals_shelters_and_providers_indicators(world: World, clock: object) -> None:
    case = cases.case_register(actor=world.caseworker, organisation=world.ngo_a, person=PersonData(first_name="Ana"),
                               identified_on=date(2026, 2, 16))  # fmt: skip
    offering_save(actor=None, organisation=world.legal_aid, service_type="legal_counselling", regions=["Attica"],
                  delivery_modes=["in_person"], weekly_capacity=10)  # fmt: skip
    offering_save(actor=None, organisation=world.shelter, service_type="safe_accommodation", regions=["Attica"],
                  delivery_modes=["in_person"], weekly_capacity=30)  # fmt: skip
    cases.consent_give(actor=world.caseworker, case=case, purpose="referral", recipient=world.legal_aid)
    referral = referral_create(
        actor=world.caseworker, case=case, recipient=world.legal_aid, service_type="legal_counselling"
    )
    clock.shift(timedelta(days=2))  # type: ignore[attr-defined]
    referral_accept(actor=world.provider, referral=referral)
    status_set(actor=None, organisation=world.legal_aid, status="reduced", staff_absence_percent=50)
    room_add(actor=None, shelter=world.shelter, name="R", wing="regular", restriction="mixed", beds=4)
    stay = admit(actor=None, case=case, shelter=world.shelter)
    clock.shift(timedelta(days=3))  # type: ignore[attr-defined]
    refreshing.refresh()

    def one(code: str) -> IndicatorValue:
        return IndicatorValue.objects.get(indicator=code, period=date(2026, 3, 1))

    assert one("time_to_first_service").numerator == pytest.approx(2.0)
    assert one("time_to_first_service").denominator == 1
    assert (one("referrals_overdue").numerator, one("referrals_overdue").denominator) == (0, 1)
    assert (one("shelter_occupancy").numerator, one("shelter_occupancy").denominator) == (1, 4)
    # 50% of the clinic's 10 a week lost, of 40 a week in all.
    assert (
        sum(v.numerator for v in IndicatorValue.objects.filter(indicator="capacity_lost", period=date(2026, 3, 1))) == 5
    )
    assert (
        sum(
            v.denominator or 0
            for v in IndicatorValue.objects.filter(indicator="capacity_lost", period=date(2026, 3, 1))
        )
        == 40
    )
    discharge(actor=None, stay=stay, destination="family")
    refreshing.refresh()
    assert one("length_of_stay").numerator == pytest.approx(3.0)
    assert one("shelter_occupancy").numerator == 0


def test_the_command_refreshes_with_progress_and_refuses_unknown_indicators(
    generated: Generated, at_now: datetime
) -> None:
    out = io.StringIO()
    call_command("insights", "refresh", "--indicator", "new_cases", stdout=out)
    assert "new_cases" in out.getvalue()
    assert "months recomputed" in out.getvalue()
    assert IndicatorValue.objects.filter(indicator="new_cases").exists()
    assert not IndicatorValue.objects.filter(indicator="recruited_online").exists()
    with pytest.raises(CommandError) as refused:
        call_command("insights", "refresh", "--indicator", "nonsense")
    assert refused.value.returncode == 2


def test_the_periodic_jobs_are_registered() -> None:
    from lantern.core.periodic import JOBS

    assert JOBS["insights.refresh"].function == "lantern.insights.services.refresh_job"
    assert JOBS["insights.refresh_full"].function == "lantern.insights.services.refresh_full_job"


def test_the_margins_add_up_to_the_cells(generated: Generated, at_now: datetime) -> None:
    refreshing.refresh()
    cells = IndicatorValue.objects.filter(indicator="new_cases", grain="cell")
    for grain in ("total", "sex", "age_band", "form", "border"):
        margin = IndicatorValue.objects.filter(indicator="new_cases", grain=grain)
        assert sum(v.numerator for v in margin) == sum(v.numerator for v in cells) == generated.count
    by_sex: Counter[str] = Counter()
    for v in cells:
        by_sex[v.sex] += int(v.numerator)
    margin_by_sex: Counter[str] = Counter()
    for v in IndicatorValue.objects.filter(indicator="new_cases", grain="sex"):
        margin_by_sex[v.sex] += int(v.numerator)
    assert margin_by_sex == by_sex
    online = IndicatorValue.objects.filter(indicator="recruited_online", grain="total")
    assert sum(v.denominator or 0 for v in online) == generated.count


def test_the_hearings_indicators_read_the_justice_app(world: World, clock: object) -> None:
    case = cases.case_register(actor=world.caseworker, organisation=world.ngo_a, person=PersonData(first_name="Ana"))
    court = court_create(actor=None, name="Athens First Instance", country="GR", region="Attica",
                         time_zone="Europe/Athens")  # fmt: skip
    proceeding = proceeding_open(actor=None, case=case, organisation=world.prosecution, kind="trial",
                                 survivor_role="witness")  # fmt: skip
    first = hearing_schedule(
        actor=None, proceeding=proceeding, court=court, starts_at=datetime(2026, 3, 10, 9, tzinfo=UTC)
    )
    hearing_schedule(actor=None, proceeding=proceeding, court=court, starts_at=datetime(2026, 3, 20, 9, tzinfo=UTC))
    hearing_postpone(actor=None, hearing=first, reason="illness")
    refreshing.refresh()
    postponed = IndicatorValue.objects.get(indicator="hearings_postponed", period=date(2026, 3, 1))
    assert (postponed.numerator, postponed.denominator, postponed.region) == (1, 2, "Attica")
    assert postponed.organisation_id == world.prosecution.pk
    backlog = IndicatorValue.objects.get(indicator="court_backlog", period=date(2026, 3, 1))
    assert backlog.numerator == 2  # one still scheduled, one postponed without a new date

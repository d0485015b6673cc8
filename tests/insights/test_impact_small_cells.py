"""The measure-impact analysis gives an analyst nothing computed from a month she may not see
(insights/impact.py): her fit is on the months she is shown, the hidden ones left out and named; and every count
of people behind an indicator, denominators included, is protected from her (insights/indicators.py `people`)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import numpy as np
import pytest
from django.test import Client

from lantern.crisis import services as crisis
from lantern.insights import indicators
from lantern.insights.impact import segmented_regression
from lantern.insights.models import IndicatorValue
from lantern.insights.refresh import refresh
from lantern.insights.selectors import SMALL_CELL
from tests.conftest import World
from tests.helpers import Generated


@pytest.fixture
def changes(world: World, generated: Generated, at_now: datetime) -> list[str]:
    """A pandemic from March 2020 and its lockdown, whose windows hold the months an analyst may not see."""
    refresh()
    pandemic = crisis.crisis_declare(
        actor=None, name="pandemic", kind="pandemic", country="GR", starts_on=date(2020, 3, 1),
        ends_on=date(2021, 12, 31),
    )  # fmt: skip
    lockdown = crisis.measure_add(
        actor=None, crisis=pandemic, kind="lockdown", starts_on=date(2020, 3, 1), ends_on=date(2021, 6, 30)
    )
    return [f"/api/v1/insights/impact/measures/{lockdown.pk}", f"/api/v1/insights/impact/crises/{pandemic.pk}"]


def _get(client: Client, url: str) -> Any:
    response = client.get(url)
    assert response.status_code == 200, url
    return response.json()


def _terms(result: dict[str, Any]) -> dict[str, float]:
    return {term["term"]: term["estimate"] for term in result["terms"]}


@pytest.mark.parametrize("code", ["new_cases", "recruited_online"])
def test_the_analysts_fit_is_computed_from_shown_months_alone(
    changes: list[str], api_client: dict[str, Client], code: str
) -> None:
    hidden_somewhere = False
    for endpoint in changes:
        for region in ("", "Attica"):
            query = f"?indicator={code}" + (f"&region={region}" if region else "")
            exact = _get(api_client["coordinator"], endpoint + query)
            mine = _get(api_client["analyst"], endpoint + query)
            assert exact["analysed"]
            assert exact["left_out"] == []
            truth = {p["period"]: p["value"] for p in exact["points"]}
            shown = [p for p in mine["points"] if not p["suppressed"]]
            hidden = sorted(set(truth) - {p["period"] for p in shown})
            assert [p["period"] for p in mine["points"] if p["suppressed"]] == []  # no hidden month in the fit
            if not mine["analysed"]:
                assert mine["fitted"] == []
                assert mine["terms"] == []
                assert mine["sentence"] == ""
                assert mine["points"] == []
                continue
            # Every month of the exact fit that the analyst may not see is named as left out of hers.
            assert set(hidden) <= set(mine["left_out"])
            assert not set(mine["left_out"]) & {p["period"] for p in shown}
            hidden_somewhere = hidden_somewhere or bool(hidden)
            # The attack of the review: the residuals of a least-squares fit sum to zero, so the sum of the fitted
            # values less the sum of the shown ones was the hidden month. Now it is nothing.
            assert len(mine["fitted"]) == len(shown)
            assert sum(mine["fitted"]) - sum(p["value"] for p in shown) == pytest.approx(0, abs=1e-6)
            # Stronger: the whole result is the fit of the shown values alone, so no combination of the fitted
            # values, coefficients, intervals or sentence can carry a hidden month.
            periods = [date.fromisoformat(p["period"]) for p in shown]
            before = sum(1 for p in periods if p < date.fromisoformat(mine["first_month_after"]))
            alone = segmented_regression(np.array([p["value"] for p in shown], dtype=float), before)
            assert mine["fitted"] == pytest.approx(list(alone.fitted), abs=1e-9)
            for term, estimate in _terms(mine).items():
                assert estimate == pytest.approx(alone.estimate(term), abs=1e-9)
            assert mine["maxlags"] == alone.maxlags
            if mine["left_out"]:
                assert "left out of the fit" in mine["sentence"]
    assert hidden_somewhere or code != "new_cases", "the data give the analyst no hidden month: the test proves nothing"


def test_the_review_attack_recovers_nothing(changes: list[str], api_client: dict[str, Client]) -> None:
    """December 2020: 13 domestic cases shown, cross-border suppressed; the hidden month total was the sum of the
    fitted values less the shown ones."""
    values = _get(api_client["analyst"], "/api/v1/insights/values?indicator=new_cases")["points"]
    hidden = [p["period"] for p in values if p["suppressed"]]
    assert hidden
    for endpoint in changes:
        result = _get(api_client["analyst"], endpoint + "?indicator=new_cases")
        shown = [p["value"] for p in result["points"]]
        assert None not in shown
        assert round(sum(result["fitted"]) - sum(shown)) == 0
        assert "2020-12-01" in hidden
        assert "2020-12-01" in result["left_out"]
        assert not {p["period"] for p in result["points"]} & set(hidden)


def test_the_coordinator_keeps_the_exact_analysis(changes: list[str], api_client: dict[str, Client]) -> None:
    exact = _get(api_client["coordinator"], changes[0] + "?indicator=new_cases")
    values = {p["period"]: p["value"] for p in exact["points"]}
    assert "2020-12-01" in values
    assert all(v is not None for v in values.values())
    assert exact["left_out"] == []


def _summary(world: World, code: str, rows: list[tuple[date, str, float, float]]) -> None:
    for period, region, numerator, denominator in rows:
        IndicatorValue.objects.create(
            indicator=code, grain="total", period=period, region=region, organisation=world.ngo_a,
            numerator=numerator, denominator=denominator,
        )  # fmt: skip


@pytest.mark.parametrize(
    ("code", "small"),
    [
        ("time_to_first_service", (30.0, 3.0)),  # 3 cases waited 30 days in all: the review's month
        ("length_of_stay", (45.0, 2.0)),  # 2 stays
        ("caseload", (4.0, 40.0)),  # 4 open cases over 40 caseworkers
    ],
)
def test_a_mean_over_few_people_is_hidden_from_the_analyst(
    world: World, at_now: datetime, api_client: dict[str, Client], code: str, small: tuple[float, float]
) -> None:
    big = (600.0, 40.0) if code != "caseload" else (400.0, 40.0)
    _summary(world, code, [(date(2020, 1, 1), "Attica", *small), (date(2020, 2, 1), "Attica", *big),
                           (date(2020, 1, 1), "Crete", *big), (date(2020, 2, 1), "Crete", *big)])  # fmt: skip
    for region in ("Attica", ""):
        query = f"/api/v1/insights/values?indicator={code}" + (f"&region={region}" if region else "")
        exact = {p["period"]: p for p in _get(api_client["coordinator"], query)["points"]}
        shown = {p["period"]: p for p in _get(api_client["analyst"], query)["points"]}
        if region:
            assert (exact["2020-01-01"]["numerator"], exact["2020-01-01"]["denominator"]) == small
            assert shown["2020-01-01"]["suppressed"]
            assert shown["2020-01-01"]["value"] is None
            assert shown["2020-01-01"]["denominator"] is None
            assert shown["2020-01-01"]["numerator"] is None
        for p in shown.values():
            assert p["denominator"] is None or not 0 < p["denominator"] < SMALL_CELL, p
            if p["value"] is not None and p["numerator"] is not None:
                # nothing shown gives a small count of people back as numerator / value
                people = p["numerator"] if code == "caseload" else p["numerator"] / p["value"]
                assert not 0 < round(people) < SMALL_CELL, p


@pytest.mark.parametrize("code", sorted(code for code, i in indicators.REGISTRY.items() if i.available))
def test_every_count_of_people_is_protected_from_the_analyst(
    changes: list[str], api_client: dict[str, Client], code: str
) -> None:
    """time_to_first_service showed the analyst a month of 3 cases (its denominator) in Attica."""
    indicator = indicators.get(code)
    assert indicator is not None
    if indicator.snapshot:
        return
    counts = [part for part in indicator.people if part == "numerator" or indicator.kind != "count"]
    for region in ("", "Attica", "Central Macedonia"):
        query = f"/api/v1/insights/values?indicator={code}" + (f"&region={region}" if region else "")
        truth = {(p["period"], p["group"]): p for p in _get(api_client["coordinator"], query)["points"]}
        for p in _get(api_client["analyst"], query)["points"]:
            exact = truth[(p["period"], p["group"])]
            small = [part for part in counts if exact[part] is not None and 0 < exact[part] < SMALL_CELL]
            if small:
                assert p["suppressed"], (region, p, exact)
                assert p["value"] is None
            for part in counts:
                assert p[part] is None or not 0 < p[part] < SMALL_CELL, (region, p)
    if code in {"time_to_first_service", "length_of_stay"}:
        assert indicator.people == ("denominator",)

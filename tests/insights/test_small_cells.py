"""An analyst who pulls every series, total, margin and window the API offers and solves for the hidden cells
recovers none of them (insights/small_cells.py): the analyst's view is protected as a publication is."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import numpy as np
import pytest
from django.test import Client
from scipy.optimize import linprog

from lantern.insights.refresh import refresh
from lantern.insights.selectors import regions as region_list
from lantern.insights.selectors import viewer_for
from tests.conftest import World
from tests.helpers import Generated

WINDOWS = [("", ""), ("2019-01", "2019-12"), ("2019-01", "2020-06"), ("2020-01", "2022-11"), ("2021-03", "2021-04"),
           ("2019-02", "2022-11"), ("2019-01", "2022-10")]  # fmt: skip


@pytest.fixture
def refreshed(world: World, generated: Generated, at_now: datetime) -> World:
    refresh()
    return world


def _get(client: Client, url: str) -> Any:
    response = client.get(url)
    assert response.status_code == 200, url
    return response.json()


def _month(text: str) -> date:
    return date.fromisoformat(text[:10])


def test_nothing_hidden_is_recovered_by_subtraction(refreshed: World, api_client: dict[str, Client]) -> None:
    """The attacker's unknowns are the exact month x region x sex counts of new cases; every published value the
    API gives her (each month by sex and in total, nationally and for each region, and the sums by sex over many
    windows) is an equation on them. For every value she was refused, two linear programmes give the smallest and
    largest value consistent with all of that: none is pinned to less than one person."""
    analyst = api_client["analyst"]
    exact = api_client["coordinator"]
    truth = _get(exact, "/api/v1/insights/values?indicator=new_cases&by=sex")["points"]
    regions = ["", *region_list(viewer_for(refreshed.coordinator))]
    months = sorted({_month(p["period"]) for p in truth})
    sexes = sorted({p["group"] for p in truth})
    named = [r for r in regions if r]
    index = {(m, r, s): i for i, (m, r, s) in enumerate((m, r, s) for m in months for r in named for s in sexes)}
    rows: list[np.ndarray] = []
    right: list[float] = []
    hidden: list[np.ndarray] = []

    def cells(month: date | None, region: str, sex: str | None) -> np.ndarray:
        row = np.zeros(len(index))
        for (m, r, s), i in index.items():
            if (month is None or m == month) and (not region or r == region) and (sex is None or s == sex):
                row[i] = 1
        return row

    shown = 0
    for region in regions:
        for by in ("sex", ""):
            url = f"/api/v1/insights/values?indicator=new_cases&region={region}" + (f"&by={by}" if by else "")
            for p in _get(analyst, url)["points"]:
                row = cells(_month(p["period"]), region, p["group"] if by else None)
                if p["suppressed"]:
                    assert p["numerator"] is None
                    assert p["value"] is None
                    hidden.append(row)
                else:
                    rows.append(row)
                    right.append(p["numerator"])
                    shown += 1
        for start, end in WINDOWS:
            board = _get(analyst, f"/api/v1/insights/dashboard?region={region}&start={start}&end={end}")
            (by_sex,) = [b for b in board["breakdowns"] if b["indicator"] == "new_cases" and b["dimension"] == "sex"]
            first = date.fromisoformat(start + "-01") if start else months[0]
            last = date.fromisoformat(end + "-01") if end else months[-1]
            for p in by_sex["points"]:
                if not p["suppressed"]:
                    row = sum(
                        (cells(m, region, p["group"]) for m in months if first <= m <= last), np.zeros(len(index))
                    )
                    rows.append(row)
                    right.append(p["numerator"])
    assert hidden, "the data has hidden cells"
    assert shown >= 20, "the national months that are large enough are still shown"
    a_eq, b_eq = np.array(rows), np.array(right)
    pinned = []
    for row in hidden:
        low = linprog(row, A_eq=a_eq, b_eq=b_eq, bounds=(0, None), method="highs")
        high = linprog(-row, A_eq=a_eq, b_eq=b_eq, bounds=(0, None), method="highs")
        assert low.status == 0
        top = np.inf if high.status == 3 else -high.fun
        if top - low.fun < 1 - 1e-6:
            pinned.append((low.fun, top))
    assert pinned == []


def test_a_share_is_shown_only_when_its_counts_are_published(refreshed: World, api_client: dict[str, Client]) -> None:
    """A percentage with its numerator gives the denominator back: it is shown only where the month's new cases
    (the denominator) are published too, and never beside a suppressed count."""
    analyst = api_client["analyst"]
    for region in ["", *region_list(viewer_for(refreshed.coordinator))[:3]]:
        for by in ("", "sex"):
            suffix = f"&region={region}" + (f"&by={by}" if by else "")
            cases = _get(analyst, f"/api/v1/insights/values?indicator=new_cases{suffix}")["points"]
            published = {(p["period"], p["group"]) for p in cases if not p["suppressed"]}
            for code in ("recruited_online", "private_home"):
                for p in _get(analyst, f"/api/v1/insights/values?indicator={code}{suffix}")["points"]:
                    assert p["denominator"] is None
                    if p["suppressed"]:
                        assert p["value"] is None
                        assert p["numerator"] is None
                    else:
                        assert (p["period"], p["group"]) in published
                        assert p["numerator"] is not None
                        assert p["numerator"] == 0 or p["numerator"] >= 11


def test_the_coordinator_still_sees_every_exact_count(refreshed: World, api_client: dict[str, Client]) -> None:
    points = _get(api_client["coordinator"], "/api/v1/insights/values?indicator=new_cases&by=sex")["points"]
    assert not any(p["suppressed"] for p in points)
    assert any(0 < p["numerator"] < 11 for p in points)

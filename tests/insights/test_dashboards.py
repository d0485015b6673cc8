"""The dashboards by role, their charts and tables, and the small-cell rule (insights/views.py, selectors.py)."""

from __future__ import annotations

import re
from datetime import datetime

import pytest
from django.test import Client

from lantern.crisis import services as crisis
from lantern.insights import charts
from lantern.insights.refresh import refresh
from tests.conftest import World


@pytest.fixture
def filled(world: World, generated: int, at_now: datetime) -> World:
    covid = crisis.crisis_declare(
        actor=None, name="COVID-19 pandemic", kind="pandemic", country="GR", starts_on=datetime(2020, 3, 10).date()
    )
    crisis.measure_add(
        actor=None,
        crisis=covid,
        kind="lockdown",
        starts_on=datetime(2020, 3, 23).date(),
        ends_on=datetime(2020, 5, 4).date(),
    )
    refresh()
    charts.forget_rendered()
    return world


def test_the_coordinator_sees_the_national_picture_with_charts_and_their_tables(
    filled: World, staff: dict[str, Client]
) -> None:
    response = staff["coordinator"].get("/insights/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "The national picture" in page
    assert page.count('<figure class="chart"') == 7
    # The cases' charts are drawn (referrals and shelters have no data here) and each has its table.
    assert page.count("<svg") == page.count("Table of this chart") == 3
    # Drawn on the server: nothing in the page asks another site for anything.
    assert not re.search(r"""(src|href)=["']https?://""", page)
    assert "Lockdown" in page  # the measure is labelled on the time axis
    assert "&lt;11" not in page


def test_the_analyst_sees_no_count_below_eleven(filled: World, staff: dict[str, Client]) -> None:
    page = staff["analyst"].get("/insights/?region=Crete").content.decode()
    assert "&lt;11" in page
    coordinator = staff["coordinator"].get("/insights/?region=Crete").content.decode()
    assert "&lt;11" not in coordinator


def test_a_supervisor_sees_her_organisation_only(
    filled: World, staff: dict[str, Client], api_client: dict[str, Client]
) -> None:
    page = staff["supervisor"].get("/insights/").content.decode()
    assert "Indicators of Safe Passage NGO" in page
    mine = api_client["supervisor"].get("/api/v1/insights/values?indicator=new_cases").json()
    national = api_client["coordinator"].get("/api/v1/insights/values?indicator=new_cases").json()
    total_mine = sum(p["numerator"] for p in mine["points"])
    total = sum(p["numerator"] for p in national["points"])
    from lantern.cases.models import Case

    assert total_mine == Case.objects.filter(organisation=filled.ngo_a).count()
    assert total == Case.objects.count() > total_mine


@pytest.mark.parametrize("persona", ["caseworker", "police", "provider", "auditor", "outsider", "org_admin"])
def test_people_without_the_role_get_no_dashboard(filled: World, staff: dict[str, Client], persona: str) -> None:
    assert staff[persona].get("/insights/").status_code == 403

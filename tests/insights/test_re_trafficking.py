"""Re-trafficking as an indicator: the cases reopened in a month because the person was trafficked again, each case
once, protected by the small-cell rule like every count of people, and drawn on the dashboard."""

from __future__ import annotations

from datetime import date

import pytest
from django.test import Client
from django.utils import translation

from lantern.cases import closure
from lantern.cases import services as cases
from lantern.cases.models import Case
from lantern.cases.validation import PersonData
from lantern.insights import refresh as refreshing
from lantern.insights.indicators import REGISTRY
from lantern.insights.models import IndicatorValue
from tests.conftest import World

pytestmark = pytest.mark.django_db
MARCH = date(2026, 3, 1)  # the test clock's month


def _closed(world: World, name: str) -> Case:
    case = cases.case_register(actor=world.caseworker, organisation=world.ngo_a, person=PersonData(first_name=name))
    return closure.case_close(
        actor=world.supervisor, case=case, reason="Went home.", override_reason="She left the programme."
    )


def test_cases_reopened_for_re_trafficking_are_counted_once_each(world: World, clock: object) -> None:
    again = _closed(world, "Ana")
    closure.case_reopen(actor=world.supervisor, case=again, code="re_trafficked", reason="Recruited again online.")
    closure.case_close(actor=world.supervisor, case=again, reason="Moved.", override_reason="She left again.")
    closure.case_reopen(actor=world.supervisor, case=again, code="re_trafficked")  # twice in March: one case
    closure.case_reopen(actor=world.supervisor, case=_closed(world, "Maria"), code="new_need")  # not re-trafficked

    refreshing.refresh()

    total = IndicatorValue.objects.get(indicator="re_trafficked", grain="total", period=MARCH)
    assert total.numerator == 1
    assert total.denominator is None
    assert total.organisation_id == world.ngo_a.pk
    assert IndicatorValue.objects.filter(indicator="re_trafficked", grain="sex").exists()


def test_re_trafficking_is_protected_like_the_other_counts(
    world: World, clock: object, api_client: dict[str, Client], staff: dict[str, Client]
) -> None:
    indicator = REGISTRY["re_trafficked"]
    assert indicator.available
    assert indicator.counts_people  # each reopening is a survivor's: the small-cell rule applies
    assert indicator.source == "cases"
    closure.case_reopen(actor=world.supervisor, case=_closed(world, "Ana"), code="re_trafficked")
    refreshing.refresh()

    url = "/api/v1/insights/values?indicator=re_trafficked"
    (hidden,) = api_client["analyst"].get(url).json()["points"]
    assert hidden["suppressed"] is True
    assert hidden["numerator"] is None
    (shown,) = api_client["coordinator"].get(url).json()["points"]
    assert shown["numerator"] == 1
    page = staff["coordinator"].get("/insights/?start=2026-01&end=2026-03").content.decode()
    assert "Cases reopened because the person was trafficked again" in page
    with translation.override("uk"):
        ukrainian = staff["coordinator"].get("/insights/?start=2026-01&end=2026-03", HTTP_ACCEPT_LANGUAGE="uk")
    assert "Справи, відкриті знову, бо особа знову постраждала від торгівлі людьми" in ukrainian.content.decode()  # noqa: RUF001

"""On the demo (what `lantern demo` loads: 3,000 generated cases with the generator's crisis effects, the demo's
COVID-19 crisis and its measures), the summary tables are filled on the first start, the dashboard draws the
effects, and the impact analysis finds them with the right sign and an interval that covers what the generator
put in."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from importlib import import_module
from pathlib import Path

import pytest
from django.apps import apps
from django.test import Client

from lantern.cases import generate
from lantern.core.demo import load_demo
from lantern.core.models import User
from lantern.crisis.models import CrisisEvent
from lantern.insights import indicators
from lantern.insights.impact import Impact, analyse, change_of
from lantern.insights.models import RefreshCheckpoint
from lantern.insights.selectors import viewer_for
from tests.insights.test_impact import _expected_private_home_effect

TODAY = date(2026, 12, 2)


@pytest.fixture
def demo(db: None, time_machine: object, tmp_path: Path) -> None:
    time_machine.move_to(datetime(2026, 12, 2, 9, 0, tzinfo=UTC), tick=False)  # type: ignore[attr-defined]
    load_demo(tmp_path / "demo-credentials.txt")
    for config in apps.get_app_configs():  # as `lantern demo` does
        if config.name.startswith("lantern.") and config.name != "lantern.core":
            try:
                module = import_module(f"{config.name}.demo")
            except ModuleNotFoundError:
                continue
            module.load()


def _impact(code: str) -> Impact:
    covid = CrisisEvent.objects.get(name="COVID-19 pandemic")
    change = change_of(f"crisis:{covid.pk}")
    assert change is not None
    indicator = indicators.get(code)
    assert indicator is not None
    impact = analyse(viewer_for(User.objects.get(username="coordinator")), indicator, change, today=TODAY)
    assert impact.fit is not None, impact.reason
    return impact


# Loading the demo is the slow part (3,000 cases, every app's demo, a full refresh): it is loaded once, and the
# test checks in turn what a coordinator sees on a first start.
def test_on_the_demo_the_tables_are_filled_the_analysis_finds_the_effects_and_the_dashboard_draws_them(
    demo: None, settings: object
) -> None:
    the_demo_fills_the_summary_tables()
    the_analysis_finds_the_generated_effects()
    the_dashboard_shows_the_crisis(settings)


def the_demo_fills_the_summary_tables() -> None:
    assert set(RefreshCheckpoint.objects.values_list("indicator", flat=True)) == {
        i.code for i in indicators.available()
    }


def the_analysis_finds_the_generated_effects() -> None:
    online = _impact("recruited_online").fit
    home = _impact("private_home").fit
    cases = _impact("new_cases")
    assert online is not None
    assert home is not None
    assert cases.fit is not None
    low, high = online.ci("level_change")
    assert 0 < low <= 100 * (0.40 - 0.16) <= high
    low, high = home.ci("level_change")
    assert 0 < low <= _expected_private_home_effect() <= high
    # A third of the detections never happen while the crisis lasts.
    before = [v for p, v in zip(cases.periods, cases.values, strict=True) if p < generate.CRISIS_START]
    low, high = cases.fit.ci("level_change")
    assert low <= -0.35 * sum(before) / len(before) <= high < 0


def the_dashboard_shows_the_crisis(settings: object) -> None:
    settings.LANTERN_REQUIRE_2FA = False  # type: ignore[attr-defined]
    client = Client()
    client.force_login(User.objects.get(username="coordinator"))
    page = client.get("/insights/?start=2019-01&end=2022-12").content.decode()
    # The cases' three charts over the pandemic (the demo's referrals and stays are of this year).
    for key in ("new_cases", "online_private_home", "platforms"):
        chart = page.split(f'id="chart-{key}"', 1)[1].split("</figure>", 1)[0]
        assert "<svg" in chart
        # The measures are numbered on the time axis, and their words listed once above the charts.
        assert re.search(r">1(\u2013\d+)?</text>", chart)
    measures = page.split('class="measures"', 1)[1].split("</ol>", 1)[0]
    assert "Border closure" in measures
    assert "Lockdown" in measures

"""What the dashboards write around their charts (insights/dashboards.py, charts.py, forms.py): values as the
withholding rule writes them, groups in words and in the order of their code list, the measures numbered and
staggered so that close ones stay readable, and the impact form offering first what can be analysed."""

from __future__ import annotations

from datetime import date, datetime

from django.utils import translation

from lantern.crisis import services as crisis
from lantern.insights import charts, indicators
from lantern.insights.dashboards import cell_text, group_label, group_order
from lantern.insights.forms import ImpactForm
from lantern.insights.impact import analyse, change_of
from lantern.insights.refresh import refresh
from lantern.insights.selectors import Band, Point, Timeline, viewer_for, withheld
from tests.conftest import World
from tests.helpers import Generated


def _indicator(code: str) -> indicators.Indicator:
    found = indicators.get(code)
    assert found is not None
    return found


def test_a_withheld_count_reads_under_eleven_and_a_withheld_share_reads_withheld() -> None:
    month = date(2021, 3, 1)
    assert cell_text(withheld(month, ""), _indicator("new_cases")) == "<11"
    # A share over a protected count is never "<11", which would read as a percentage below 11.
    assert cell_text(withheld(month, ""), _indicator("recruited_online")) == "withheld"
    assert cell_text(Point(month, "", 3, 12, 25.0), _indicator("recruited_online")) == "25%"
    with translation.override("fr"):
        assert cell_text(withheld(month, ""), _indicator("recruited_online")) == "non communiqué"


def test_groups_are_words_from_the_code_lists_in_their_order() -> None:
    assert group_order("age_band", ["18-20", "48+", "0-8", "9-17", "", "30-38"]) == [
        "0-8", "9-17", "18-20", "30-38", "48+", ""
    ]  # fmt: skip
    assert group_label("form", "ForcedBegging") == "Forced begging"
    assert group_label("border", "cross_border") == "Cross-border"
    assert group_label("sex", "") == "Not known"
    # A dimension without a code list (one a later indicator adds) keeps its codes, ordered by their numbers.
    assert group_order("new_dimension", ["b", "10 or more", "2 to 9", "a"]) == ["2 to 9", "10 or more", "a", "b"]


def test_close_measures_share_a_label_and_labels_that_would_touch_are_staggered() -> None:
    timeline = Timeline(
        measures=[
            Band("Lockdown", date(2020, 3, 16), None),
            Band("School closure", date(2020, 3, 16), None),
            Band("Border closure", date(2020, 3, 20), None),
            Band("Shelter intake freeze", date(2020, 4, 5), None),
            Band("Curfew", date(2020, 11, 7), None),
            Band("Before the window", date(2010, 1, 1), None),
        ]
    )
    marks = charts.measure_marks(timeline, date(2018, 1, 1), date(2022, 12, 1), width=charts.WIDE)
    assert [m.number for m in marks] == [1, 2, 3, 4, 5]
    assert [m.text for m in marks] == ["1\u20133", "", "", "4", "5"]
    # The label of the fourth would touch the first cluster's on the first row: it goes up one.
    assert [m.level for m in marks] == [0, 0, 0, 1, 0]


def test_a_month_without_a_value_is_a_gap_not_a_line_to_its_neighbours() -> None:
    months = [date(2021, m, 1) for m in range(1, 8)]
    values: list[float | None] = [5.0, 6.0, None, 7.0, None, 8.0, 9.0]
    svg = charts.line_chart(
        title="", y_title="cases", lines=[charts.Line("A", list(zip(months, values, strict=True)))],
        timeline=Timeline(), start=months[0], end=months[-1], width=charts.NARROW, in_svg_legend=False,
    )  # fmt: skip
    # Three pieces of line (Jan to Feb, April, Jun to Jul): the line starts afresh ("M") after each gap, and April,
    # which no line reaches, has a dot of its own (the larger, paler one).
    line = next(p for p in svg.split("<path")[1:] if 'aria-roledescription="line mark"' in p)
    assert line.split(' d="')[1].split('"')[0].count("M") == 3
    dots = [p for p in svg.split("<path")[1:] if 'aria-roledescription="point"' in p and 'opacity="0.7"' in p]
    assert len(dots) == 1
    assert "value: 7" in dots[0]


def test_the_impact_form_offers_first_what_can_be_analysed_with_its_months(
    world: World, generated: Generated, at_now: datetime
) -> None:
    covid = crisis.crisis_declare(
        actor=None, name="COVID-19 pandemic", kind="pandemic", country="GR", starts_on=date(2020, 3, 10)
    )
    refresh()
    viewer = viewer_for(world.coordinator)
    form = ImpactForm(viewer=viewer, today=at_now.date())
    groups = form.fields["indicator"].choices  # type: ignore[attr-defined]
    assert groups[0][0] == "Enough months to analyse"
    first_code, first_label = groups[0][1][0]
    assert "months before" in first_label
    change = change_of(f"crisis:{covid.pk}")
    assert change is not None
    assert analyse(viewer, _indicator(first_code), change, today=at_now.date()).fit is not None
    if len(groups) > 1:
        assert groups[1][0] == "Not enough months with data"
        code, _label = groups[1][1][0]
        reason = analyse(viewer, _indicator(code), change, today=at_now.date()).reason
        assert "before the change and" in reason
        assert "at least three on each side" in reason

"""Insights pages: the dashboard of the role (national, or the supervisor's organisation), the registry of
indicators with their definitions and refresh state, and the measure-impact analysis. Charts are SVG made on the
server, each with its table."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from lantern.core.permissions import can
from lantern.core.views import page_user
from lantern.insights import charts, indicators
from lantern.insights.dashboards import BORDER_NAMES, DIMENSION_NAMES, Chart, Dashboard, cell_text, dashboard
from lantern.insights.forms import FilterForm, ImpactForm
from lantern.insights.impact import Impact, analyse, change_of
from lantern.insights.permissions import InsightAction
from lantern.insights.selectors import (
    SMALL_CELL,
    Band,
    Filters,
    Point,
    Timeline,
    refresh_checkpoints,
    regions,
    viewer_for,
)


def _filters(form: FilterForm) -> Filters:
    if not form.is_valid():
        return Filters()
    data = form.cleaned_data
    return Filters(start=data.get("start"), end=data.get("end"), region=data.get("region") or "")


def _whole(chart: Chart) -> bool:
    """Whether the chart's axis ticks in whole numbers: counts (never 0.2 of a case) and days."""
    return bool(chart.series) and all(
        s.indicator.kind == "count" or s.indicator.unit == indicators.Unit.DAYS for s in chart.series
    )


def _rendered(board: Dashboard) -> list[dict[str, Any]]:
    """Each chart drawn for a wide screen and for a phone, with what the page writes in words around it: its
    title, its legend, why its lines have gaps, and its table (groups in words, values as the rule writes them)."""
    rendered: list[dict[str, Any]] = []
    for chart in board.charts:
        points = [p for s in chart.series for p in s.points]
        lines = [charts.Line(label=s.label, points=[(p.period, p.value) for p in s.points]) for s in chart.series]
        months = sorted({p.period for p in points})
        by_month: list[tuple[date, list[str | None]]] = []
        cells = {(s.label, p.period): cell_text(p, s.indicator) for s in chart.series for p in s.points}
        suppressed = {(s.label, p.period) for s in chart.series for p in s.points if p.suppressed}
        for month in months:
            by_month.append((month, [cells.get((s.label, month)) for s in chart.series]))
        # When every figure of the page is withheld the page says so once and draws nothing: a chart of the months
        # that counted nothing (0) would read as a figure.
        drawn = any(p.value is not None for p in points) and not board.all_withheld
        svgs = {
            name: charts.line_chart(
                title="",
                y_title=chart.y_title,
                lines=lines,
                timeline=board.timeline,
                start=board.start,
                end=board.end,
                width=width,
                in_svg_legend=False,
                whole=_whole(chart),
            )
            if drawn
            else ""
            for name, width in (("wide", charts.WIDE), ("narrow", charts.NARROW))
        }
        rendered.append(
            {
                "key": chart.key,
                "title": chart.title,
                "unit": chart.y_title,
                "svg": svgs["wide"],
                "svg_narrow": svgs["narrow"],
                "legend": charts.legend(lines) if len(lines) > 1 else [],
                "withheld_months": len({period for _label, period in suppressed}),
                "all_withheld": bool(points) and not drawn and bool(suppressed),
                "quiet": board.all_withheld,
                "groups": [s.label for s in chart.series],
                "rows": [
                    (
                        month,
                        [
                            (text, (label, month) in suppressed)
                            for label, text in zip([s.label for s in chart.series], texts, strict=True)
                        ],
                    )
                    for month, texts in by_month
                ],
            }
        )
    return rendered


@login_required
def dashboard_view(request: HttpRequest) -> HttpResponse:
    user = page_user(request, InsightAction.VIEW)
    viewer = viewer_for(user)
    form = FilterForm(request.GET or None)
    board = dashboard(viewer, _filters(form), today=timezone.localdate())
    context = {
        "form": form,
        "board": board,
        "charts": _rendered(board),
        "marks": charts.measure_marks(board.timeline, board.start, board.end),
        "regions": regions(viewer),
        "small_cell": SMALL_CELL,
        "border_names": BORDER_NAMES,
        "may_analyse": can_analyse(user),
    }
    return render(request, "insights/dashboard.html", context)


def can_analyse(user: object) -> bool:
    return can(user, InsightAction.IMPACT)


@login_required
def indicators_view(request: HttpRequest) -> HttpResponse:
    page_user(request, InsightAction.VIEW)
    checkpoints = refresh_checkpoints()
    rows = [
        (
            indicator,
            indicators.UNIT_LABELS[indicator.unit],
            checkpoints.get(indicator.code),
            [str(DIMENSION_NAMES[d]) for d in indicator.disaggregations],
        )
        for indicator in indicators.REGISTRY.values()
    ]
    return render(request, "insights/indicators.html", {"rows": rows})


def _impact_chart(impact: Impact) -> dict[str, Any]:
    """The impact chart as the dashboards draw theirs: full width on a screen, narrow on a phone, its title and
    whole legend written in the page (translated, never cut), not inside the drawing."""
    fit = impact.fit
    assert fit is not None
    t0 = fit.t0
    observed = [
        (period, p.value if p is not None else None) for period, p in zip(impact.periods, impact.shown, strict=True)
    ]
    before = [(impact.periods[i], float(fit.fitted[i])) for i in range(t0)]
    after = [(impact.periods[i], float(fit.fitted[i])) for i in range(t0, fit.n)]
    without = [(impact.periods[i], float(fit.counterfactual[i])) for i in range(t0 - 1, fit.n)]
    unit = str(indicators.UNIT_LABELS[impact.indicator.unit])
    title = _("%(indicator)s around %(change)s") % {"indicator": impact.indicator.label, "change": impact.change.label}
    lines = [
        charts.Line(str(_("Observed")), observed),
        charts.Line(str(_("Fitted, before")), before),
        charts.Line(str(_("Fitted, after")), after),
        charts.Line(str(_("Had nothing changed")), without, dashed=True),
    ]
    timeline = Timeline(
        crises=[Band(impact.change.label, impact.change.starts_on, impact.change.ends_on)],
        measures=[Band(impact.change.label, impact.change.starts_on, None)],
    )
    drawn = {
        name: charts.line_chart(
            title="",
            y_title=unit,
            lines=lines,
            timeline=timeline,
            start=impact.periods[0],
            end=impact.periods[-1],
            width=width,
            in_svg_legend=False,
        )
        for name, width in (("wide", charts.WIDE), ("narrow", charts.NARROW))
    }
    return {
        "title": str(title),
        "unit": unit,
        "svg": drawn["wide"],
        "svg_narrow": drawn["narrow"],
        "legend": charts.legend(lines),
    }


@login_required
def impact_view(request: HttpRequest) -> HttpResponse:
    user = page_user(request, InsightAction.IMPACT)
    viewer = viewer_for(user)
    form = ImpactForm(request.GET or None, viewer=viewer, today=timezone.localdate())
    impact, chart, reason = None, None, ""
    if form.is_valid():
        change = change_of(form.cleaned_data["change"])
        indicator = indicators.get(form.cleaned_data["indicator"])
        if change is None or indicator is None:  # pragma: no cover - the form's choices exclude it
            raise PermissionDenied
        impact = analyse(viewer, indicator, change, today=timezone.localdate(), region=form.cleaned_data["region"])
        if impact.fit is not None:
            chart = _impact_chart(impact)
        else:
            reason = impact.reason
    terms = []
    if impact is not None and impact.fit is not None:
        labels = {
            "level_change": _("Change in level when it started"),
            "slope_change": _("Change in slope, per month"),
            "trend": _("Trend before, per month"),
            "intercept": _("Level at the start of the window"),
        }
        for term in ("level_change", "slope_change", "trend", "intercept"):
            low, high = impact.fit.ci(term)
            terms.append((labels[term], impact.fit.estimate(term), impact.fit.se(term), low, high))
    rows = []
    if impact is not None and impact.fit is not None:
        for i, period in enumerate(impact.periods):
            shown: Point | None = impact.shown[i]
            rows.append((period, shown, float(impact.fit.fitted[i]), i >= impact.fit.t0))
    context = {
        "form": form,
        "impact": impact,
        "chart": chart,
        "reason": reason,
        "terms": terms,
        "rows": rows,
        # A literal "95%": these two texts are not %-formatted (no-python-format in the catalogues, for msgfmt).
        # xgettext:no-python-format
        "method": _(
            "An interrupted time series: the monthly values before a measure (or a crisis) and while it lasted, each "
            "side fitted with a straight line. The change in level when it started is the effect reported, with a 95% "
            "confidence interval that allows for months that resemble their neighbours (Newey-West)."
        ),
        # xgettext:no-python-format
        "interval_heading": _("95% confidence interval"),
    }
    return render(request, "insights/impact.html", context)

"""The simulator's page: the ready pandemic wave without and with the contingency plan when it opens; a few
numbers that write both scenarios again, or the TOML itself; the two side by side with charts and the sentence.

A small run is computed in the request and kept in this process by the hash of its scenario, so opening the page
again costs nothing; a larger one (forms.PAGE_MAX_WORK) is queued for the worker and has a page of its own that
shows its progress, then the same comparison."""

from __future__ import annotations

import hashlib
from collections import OrderedDict
from dataclasses import dataclass
from datetime import date, timedelta
from threading import Lock
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext
from django.views.decorators.http import require_http_methods

from lantern.core.views import page_user
from lantern.insights import charts
from lantern.insights.selectors import Band, Timeline
from lantern.simulate import report
from lantern.simulate.engine import COURTS, SHELTER, Estimate, Result, run
from lantern.simulate.forms import PAGE_MAX_WORK, BuildForm, TomlForm, as_toml
from lantern.simulate.permissions import SimulateAction
from lantern.simulate.ready import BASELINE, WITH_PLAN, ready_scenarios
from lantern.simulate.scenario import Scenario, ScenarioError
from lantern.simulate.selectors import run_get_for_user
from lantern.simulate.services import run_queue, run_results, work_of

KEPT = 16
_kept: OrderedDict[str, Result] = OrderedDict()
_lock = Lock()
# A point a week is enough for a two-year chart, and keeps the SVG small.
CHART_STEP_DAYS = 7


def _run(scenario: Scenario) -> Result:
    key = hashlib.sha256(scenario.model_dump_json().encode()).hexdigest()
    with _lock:
        if key in _kept:
            _kept.move_to_end(key)
            return _kept[key]
    result = run(scenario)
    with _lock:
        _kept[key] = result
        while len(_kept) > KEPT:
            _kept.popitem(last=False)
    return result


@dataclass
class Row:
    title: str
    cells: list[str]


@dataclass
class Chart:
    key: str
    title: str
    svg: str


FIGURES: list[tuple[str, str, Any, str]] = [
    # (group, figure, title, format); "*" repeats the row for every service
    ("*", "median_wait_days", gettext_lazy("%(service)s: median wait (days)"), "days"),
    ("*", "mean_wait_days", gettext_lazy("%(service)s: mean wait (days)"), "days"),
    ("*", "within_deadline", gettext_lazy("%(service)s: started within the package deadline"), "share"),
    ("minimum_package", "compliance", gettext_lazy("Minimum package met in time"), "share"),
    (SHELTER, "median_wait_days", gettext_lazy("Shelter: median wait for a bed (days)"), "days"),
    (SHELTER, "occupancy_rate", gettext_lazy("Shelter: beds occupied"), "share"),
    (SHELTER, "overflow_days", gettext_lazy("Shelter: days with people waiting for a bed"), "days"),
    (SHELTER, "max_waiting_for_repatriation", gettext_lazy("Most people waiting for repatriation"), "days"),
    ("quarantine_wing", "median_wait_days", gettext_lazy("Quarantine wing: median wait (days)"), "days"),
    (COURTS, "mean_backlog", gettext_lazy("Courts: proceedings open (mean)"), "days"),
    (COURTS, "max_backlog", gettext_lazy("Courts: proceedings open (highest)"), "days"),
    ("cost", "total", gettext_lazy("Cost"), "money"),
]


def _cell(est: Estimate | None, kind: str) -> str:
    if est is None:
        return report.DASH
    if kind == "share":
        return f"{est.mean:.0%} ({est.low:.0%}{report.DASH}{est.high:.0%})"
    if kind == "money":
        return f"{est.mean:,.0f}"
    return report.with_interval(est)


def _rows(results: list[Result]) -> list[Row]:
    rows = []
    for group, key, title, kind in FIGURES:
        groups = [s.type for s in results[0].scenario.services] if group == "*" else [group]
        for g in groups:
            if not any(key in r.figures.get(g, {}) for r in results):
                continue
            name = report.service_name(g)
            label = str(title) % {"service": name[:1].upper() + name[1:]} if group == "*" else str(title)
            rows.append(Row(label, [_cell(r.figures.get(g, {}).get(key), kind) for r in results]))
    return rows


def _timeline(scenario: Scenario, start: date) -> Timeline:
    def on(day: int) -> date:
        return start + timedelta(days=day)

    timeline = Timeline()
    for crisis in scenario.crisis:
        timeline.crises.append(Band(crisis.name, on(crisis.start_day), on(crisis.end_day)))
    for w in scenario.court_suspensions:
        timeline.measures.append(Band(_("courts closed"), on(w.start_day), on(w.end_day)))
    for w in scenario.border_closures:
        timeline.measures.append(Band(_("borders closed"), on(w.start_day), on(w.end_day)))
    return timeline


def _charts(results: list[Result]) -> list[Chart]:
    first = results[0].scenario
    start = date.fromisoformat(first.start_date)
    end = start + timedelta(days=first.horizon_days)
    timeline = _timeline(first, start)
    wanted: list[tuple[str, str, str, str]] = [
        (s.type, "waiting", _("People waiting for %(service)s") % {"service": report.service_name(s.type)}, _("people"))
        for s in first.services
    ]
    wanted += [
        (SHELTER, "occupied", _("Shelter beds occupied"), _("beds")),
        (SHELTER, "waiting", _("People waiting for a shelter bed"), _("people")),
        (SHELTER, "waiting_for_repatriation", pgettext("simulate", "People waiting for repatriation"), _("people")),
        (COURTS, "backlog", _("Court proceedings open"), _("proceedings")),
    ]
    out = []
    for group, key, title, unit in wanted:
        lines = []
        for i, result in enumerate(results):
            values = result.series.get(group, {}).get(key)
            if values is None:
                continue
            points = [
                (start + timedelta(days=day + 1), float(values[day])) for day in range(0, len(values), CHART_STEP_DAYS)
            ]
            name = report.shown(result.scenario.label or result.scenario.name)[:60]
            lines.append(charts.Line(label=f"{_letter(i)}: {name}",
                                     points=points, dashed=i == 1))  # fmt: skip
        if lines:
            svg = charts.line_chart(title=title, y_title=unit, lines=lines, timeline=timeline, start=start, end=end)
            out.append(Chart(key=f"{group}-{key}", title=title, svg=svg))
    return out


def _letter(i: int) -> str:
    return "AB"[i]


def _context(results: list[Result]) -> dict[str, Any]:
    return {
        "results": [(_letter(i), r, report.shown(r.scenario.name)) for i, r in enumerate(results)],
        "rows": _rows(results) if results else [],
        "charts": _charts(results) if results else [],
        "sentence": report.sentence(results[0], results[1]) if len(results) == 2 else "",
    }


@login_required
@require_http_methods(["GET", "POST"])
def simulate_view(request: HttpRequest) -> HttpResponse:
    user = page_user(request, SimulateAction.RUN)
    ready = ready_scenarios()
    build = BuildForm(initial={})
    toml = TomlForm(initial={"scenario": as_toml(ready[BASELINE]), "compare": as_toml(ready[WITH_PLAN])})
    scenarios: list[Scenario] = [ready[BASELINE], ready[WITH_PLAN]]
    texts: list[str] = []
    status = 200
    if request.method == "POST":
        if request.POST.get("action") == "build":
            build = BuildForm(request.POST)
            if build.is_valid():
                try:
                    scenarios = list(build.scenarios())
                except ScenarioError as exc:
                    build.add_error(None, str(exc))
            if build.is_valid():
                texts = [as_toml(s) for s in scenarios]
                toml = TomlForm(initial={"scenario": texts[0], "compare": texts[1]})
        else:
            toml = TomlForm(request.POST)
            if toml.is_valid():
                scenarios = [toml.cleaned_data["scenario"]]
                texts = [toml.data["scenario"]]
                if toml.cleaned_data["compare"] is not None:
                    scenarios.append(toml.cleaned_data["compare"])
                    texts.append(toml.data["compare"])
        if build.errors or toml.errors:
            status = 400
        elif sum(work_of(s) for s in scenarios) > PAGE_MAX_WORK:
            # Too long for a request: the worker computes it, and the run's page shows how far it got.
            try:
                queued = run_queue(actor=user, scenario=texts[0], compare=texts[1] if len(texts) == 2 else "")
            except ValidationError as exc:
                toml = TomlForm(request.POST if request.POST.get("action") != "build" else None,
                                initial={"scenario": texts[0], "compare": texts[-1]})  # fmt: skip
                toml.is_valid()
                toml.add_error("scenario", " ".join(exc.messages))
                status = 400
            else:
                return redirect("simulate:run", run_id=queued.pk)
    results = [_run(s) for s in scenarios] if status == 200 else []
    context = {"build": build, "toml": toml, **_context(results)}
    return render(request, "simulate/page.html", context, status=status)


@login_required
@require_http_methods(["GET"])
def run_view(request: HttpRequest, run_id: int) -> HttpResponse:
    user = page_user(request, SimulateAction.RUN)
    queued = run_get_for_user(user, run_id)
    results = run_results(queued)
    return render(request, "simulate/run.html", {"run": queued, **_context(results)})

"""Charts rendered on the server: a Vega-Lite specification built with Altair, turned into SVG by vl-convert, put
in the page inline (no script, no request to anyone else). The crisis periods are shaded on the time axis and the
measures drawn as labelled rules.

The same specification always gives the same SVG, and the summary tables change only when they are refreshed, so
the SVG of a specification is kept (in this process, a bounded number of them)."""

from __future__ import annotations

import hashlib
import json
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache
from threading import Lock
from typing import Any

import altair as alt
import vl_convert

from lantern.insights.selectors import Point, Timeline

WIDTH = 620
HEIGHT = 200
# Okabe-Ito colours: distinguishable with the common colour-vision deficiencies.
PALETTE = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9"]
MAX_KEPT = 256
SHORT_SERIES = 36


@dataclass(frozen=True)
class Line:
    """One series of a chart: its label and its points (None: no value shown, e.g. a suppressed cell)."""

    label: str
    points: Sequence[tuple[date, float | None]]
    dashed: bool = False


_kept: OrderedDict[str, str] = OrderedDict()
_lock = Lock()


def forget_rendered() -> None:
    with _lock:
        _kept.clear()


def svg(spec: dict[str, Any]) -> str:
    key = hashlib.sha256(json.dumps(spec, sort_keys=True, default=str).encode()).hexdigest()
    with _lock:
        if key in _kept:
            _kept.move_to_end(key)
            return _kept[key]
    rendered = vl_convert.vegalite_to_svg(spec)
    # The chart's own accessible name comes from the figure around it; the SVG is decoration for screen readers
    # that read the table instead.
    rendered = rendered.replace("<svg ", '<svg aria-hidden="true" focusable="false" ', 1)
    with _lock:
        _kept[key] = rendered
        while len(_kept) > MAX_KEPT:
            _kept.popitem(last=False)
    return rendered


CONFIG = {
    "axis": {"labelFontSize": 12, "titleFontSize": 12},
    "legend": {"labelFontSize": 12, "symbolSize": 80},
}


@lru_cache(maxsize=256)
def _skeleton(
    title: str, y_title: str, labels: tuple[str, ...], dashed: tuple[bool, ...], domain: tuple[str, str],
    shaded: bool, rules: bool, points: bool,
) -> str:  # fmt: skip
    """The chart's Vega-Lite specification without its data (named datasets filled in per request): Altair builds it
    once per shape of chart, since building it (deep copies, schema checks) costs far more than drawing it."""
    x = alt.X("month:T", title=None, scale=alt.Scale(domain=list(domain)), axis=alt.Axis(format="%Y", tickCount="year"))
    colour = alt.Color(
        "series:N",
        title=None,
        scale=alt.Scale(domain=list(labels), range=PALETTE[: len(labels)]),
        legend=alt.Legend(orient="top", direction="horizontal") if len(labels) > 1 else None,
    )
    dashes = alt.StrokeDash(
        "series:N", scale=alt.Scale(domain=list(labels), range=[[4, 3] if d else [1, 0] for d in dashed]), legend=None
    )
    series = (
        alt.Chart(alt.NamedData(name="series"))
        # Dots mark the months of a short series; on a long one they crowd the line (and cost a mark each).
        .mark_line(point=alt.OverlayMarkDef(size=12) if points else False, strokeWidth=2)
        .encode(x=x, y=alt.Y("value:Q", title=y_title), color=colour, strokeDash=dashes)
    )
    layers: list[Any] = []
    if shaded:
        layers.append(
            alt.Chart(alt.NamedData(name="crises"))
            .mark_rect(color="#999999", opacity=0.15)
            .encode(x=alt.X("start:T", scale=alt.Scale(domain=list(domain))), x2="end:T")
        )
    if rules:
        rule = alt.Chart(alt.NamedData(name="measures")).encode(
            x=alt.X("start:T", scale=alt.Scale(domain=list(domain)))
        )
        layers.append(rule.mark_rule(color="#555555", strokeDash=[2, 2]))
        layers.append(
            rule.mark_text(
                angle=270, align="right", baseline="bottom", dx=-2, dy=-2, fontSize=11, color="#333333"
            ).encode(text="label:N", y=alt.value(0))
        )
    chart = alt.layer(*layers, series).properties(
        title=alt.Title(title, anchor="start", fontSize=15), width=WIDTH, height=HEIGHT
    )
    spec = chart.to_dict()
    spec["config"] = {**spec.get("config", {}), **CONFIG}
    return json.dumps(spec)


def line_chart(*, title: str, y_title: str, lines: list[Line], timeline: Timeline, start: date, end: date) -> str:
    data = [
        {"month": period.isoformat(), "value": value, "series": line.label}
        for line in lines
        for period, value in line.points
        if value is not None
    ]
    shaded = [
        {"start": max(b.starts_on, start).isoformat(), "end": min(b.ends_on or end, end).isoformat(), "label": b.label}
        for b in timeline.crises
        if (b.ends_on or end) >= start and b.starts_on <= end
    ]
    rules = [
        {"start": b.starts_on.isoformat(), "label": b.label} for b in timeline.measures if start <= b.starts_on <= end
    ]
    domain = (start.isoformat(), (end + timedelta(days=27)).isoformat())
    spec = json.loads(
        _skeleton(
            title,
            y_title,
            tuple(line.label for line in lines),
            tuple(line.dashed for line in lines),
            domain,
            bool(shaded),
            bool(rules),
            max((len(line.points) for line in lines), default=0) <= SHORT_SERIES,
        )
    )
    spec["datasets"] = {"series": data, "crises": shaded, "measures": rules}
    return svg(spec)


def lines_of(points: list[Point], *, names: dict[str, str] | None = None) -> list[Line]:
    groups: dict[str, list[tuple[date, float | None]]] = {}
    for p in points:
        groups.setdefault(p.group, []).append((p.period, p.value))
    return [Line(label=(names or {}).get(group, group), points=values) for group, values in groups.items()]

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

from lantern.insights.selectors import Band, Point, Timeline

WIDTH = 620
HEIGHT = 200
# The dashboards draw every chart twice, for a wide screen and for a phone, and the page shows the one that fits
# (a wide chart shrunk to a phone's width has unreadable 4-pixel labels).
WIDE = 1000
NARROW = 300
MEASURE_LEVELS = 5  # rows of measure numbers above the plot, so that close measures do not print over each other
MEASURE_ROW = 13  # pixels per row
# Okabe-Ito colours: distinguishable with the common colour-vision deficiencies.
PALETTE = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9"]
MAX_KEPT = 256
SHORT_SERIES = 36
Y_FLOOR = 1  # the least top of the value axis
# Vega asks for about five ticks and may then place them half a unit apart on a short axis (0 to 1 or 2): never more
# ticks than whole units.
WHOLE_TICKS = "max(1, min(5, floor(domain('y')[1])))"


@dataclass(frozen=True)
class Mark:
    """A measure drawn on a chart: its number (the chart prints the number, the page lists the words). Measures
    that start within a few days of each other share one printed label ("2-5", with an en dash), printed with the
    first of them."""

    number: int
    starts_on: date
    label: str
    level: int
    text: str


def measure_marks(timeline: Timeline, start: date, end: date, *, width: int = WIDE) -> list[Mark]:
    """The measures of the window, numbered in date order. Those closer than a label's width are one cluster with
    one label; each cluster's label goes on the lowest row where it does not touch the previous label of that row."""
    span = max((end - start).days + 27, 1)
    days_per_pixel = span / width
    inside = sorted(
        (b for b in timeline.measures if start <= b.starts_on <= end + timedelta(days=27)), key=lambda b: b.starts_on
    )
    clusters: list[list[tuple[int, Band]]] = []
    for number, band in enumerate(inside, start=1):
        if clusters and (band.starts_on - clusters[-1][0][1].starts_on).days <= 4 * days_per_pixel:
            clusters[-1].append((number, band))
        else:
            clusters.append([(number, band)])
    last_on_row: list[tuple[date, int] | None] = [None] * MEASURE_LEVELS
    marks = []
    for index, cluster in enumerate(clusters):
        first, last = cluster[0][0], cluster[-1][0]
        text = str(first) if first == last else f"{first}\u2013{last}"
        on = cluster[0][1].starts_on
        level = next(
            (
                row
                for row, previous in enumerate(last_on_row)
                if previous is None or (on - previous[0]).days > (previous[1] + len(text)) * 4 * days_per_pixel
            ),
            index % MEASURE_LEVELS,
        )
        last_on_row[level] = (on, len(text))
        marks += [Mark(n, b.starts_on, b.label, level, text if n == first else "") for n, b in cluster]
    return marks


@dataclass(frozen=True)
class Swatch:
    """One entry of a legend written in the page: the series' words, its colour (the index in PALETTE, which the
    stylesheet repeats as .swatch.c0 … .c5: the pages allow no inline style) and whether it is dashed."""

    label: str
    colour: int
    dashed: bool


def legend(lines: Sequence[Line]) -> list[Swatch]:
    return [Swatch(line.label, i % len(PALETTE), line.dashed) for i, line in enumerate(lines)]


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
    shaded: bool, rules: bool, points: bool, width: int = WIDTH, in_svg_legend: bool = True, isolated: bool = False,
    whole: bool = False,
) -> str:  # fmt: skip
    """The chart's Vega-Lite specification without its data (named datasets filled in per request): Altair builds it
    once per shape of chart, since building it (deep copies, schema checks) costs far more than drawing it."""
    x = alt.X(
        "month:T",
        title=None,
        scale=alt.Scale(domain=list(domain)),
        axis=alt.Axis(format="%Y", tickCount="year", labelOverlap="greedy"),
    )
    colour = alt.Color(
        "series:N",
        title=None,
        scale=alt.Scale(domain=list(labels), range=PALETTE[: len(labels)]),
        legend=alt.Legend(orient="top", direction="horizontal", labelLimit=0)
        if len(labels) > 1 and in_svg_legend
        else None,
    )
    dashes = alt.StrokeDash(
        "series:N", scale=alt.Scale(domain=list(labels), range=[[4, 3] if d else [1, 0] for d in dashed]), legend=None
    )
    # The value axis starts at 0 and reaches at least Y_FLOOR, so a chart of zeros has a readable axis rather than
    # ticks a millionth apart; counts (and whole days) tick in whole numbers, never 0.2 of a case.
    y = alt.Y(
        "value:Q",
        title=y_title,
        scale=alt.Scale(domain={"unionWith": [0, Y_FLOOR]}),
        axis=alt.Axis(tickMinStep=1, format=",d", tickCount={"expr": WHOLE_TICKS}) if whole else alt.Axis(),
    )
    series = (
        alt.Chart(alt.NamedData(name="series"))
        # Dots mark the months of a short series; on a long one they crowd the line (and cost a mark each).
        .mark_line(point=alt.OverlayMarkDef(size=12) if points else False, strokeWidth=2)
        .encode(x=x, y=y, color=colour, strokeDash=dashes)
    )
    layers: list[Any] = []
    if isolated:
        # A month between two gaps would draw no line at all: a dot shows it.
        layers.append(
            alt.Chart(alt.NamedData(name="isolated"))
            .mark_point(filled=True, size=30)
            .encode(x=x, y=alt.Y("value:Q"), color=colour)
        )
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
        if in_svg_legend:
            layers.append(
                rule.mark_text(
                    angle=270, align="right", baseline="bottom", dx=-2, dy=-2, fontSize=11, color="#333333"
                ).encode(text="label:N", y=alt.value(0))
            )
        else:
            # The measures' numbers, staggered on rows above the plot; the page lists what each number is.
            layers.append(
                rule.mark_text(
                    align="center", baseline="bottom", fontSize=11, fontWeight="bold", color="#222222"
                ).encode(text="number:N", y=alt.Y("top:Q", scale=None, axis=None))
            )
    properties: dict[str, Any] = {"width": width, "height": HEIGHT}
    if title:
        properties["title"] = alt.Title(title, anchor="start", fontSize=15)
    chart = alt.layer(*layers, series).properties(**properties)
    spec = chart.to_dict()
    spec["config"] = {**spec.get("config", {}), **CONFIG}
    return json.dumps(spec)


def line_chart(
    *, title: str, y_title: str, lines: list[Line], timeline: Timeline, start: date, end: date,
    width: int = WIDTH, in_svg_legend: bool = True, whole: bool = False,
) -> str:  # fmt: skip
    """A line per series. A month without a value (suppressed, or nothing to divide by) is a gap in its line, never
    a straight line between its neighbours. With in_svg_legend=False the page writes the title, the legend and the
    measures' words itself (whole, translated, wrapped) and the chart prints only the measures' numbers. With
    whole=True (counts, days) the value axis ticks in whole numbers."""
    data = []
    isolated = []
    for line in lines:
        values = list(line.points)
        for i, (period, value) in enumerate(values):
            # A null value breaks the line (Vega-Lite leaves a gap); a value with no neighbour is drawn as a dot.
            data.append({"month": period.isoformat(), "value": value, "series": line.label})
            before = values[i - 1][1] if i > 0 else None
            after = values[i + 1][1] if i + 1 < len(values) else None
            if value is not None and before is None and after is None and len(values) > 1:
                isolated.append(data[-1])
    shaded = [
        {"start": max(b.starts_on, start).isoformat(), "end": min(b.ends_on or end, end).isoformat(), "label": b.label}
        for b in timeline.crises
        if (b.ends_on or end) >= start and b.starts_on <= end
    ]
    rules: list[dict[str, Any]]
    if in_svg_legend:
        rules = [
            {"start": b.starts_on.isoformat(), "label": b.label}
            for b in timeline.measures
            if start <= b.starts_on <= end
        ]
    else:
        rules = [
            {"start": m.starts_on.isoformat(), "number": m.text, "top": -4 - m.level * MEASURE_ROW}
            for m in measure_marks(timeline, start, end, width=width)
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
            width,
            in_svg_legend,
            bool(isolated),
            whole,
        )
    )
    spec["datasets"] = {"series": data, "crises": shaded, "measures": rules, "isolated": isolated}
    return svg(spec)


def lines_of(points: list[Point], *, names: dict[str, str] | None = None) -> list[Line]:
    groups: dict[str, list[tuple[date, float | None]]] = {}
    for p in points:
        groups.setdefault(p.group, []).append((p.period, p.value))
    return [Line(label=(names or {}).get(group, group), points=values) for group, values in groups.items()]

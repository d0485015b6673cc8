"""The radar chart of pillar scores, drawn on the server as SVG (no script; the same drawing in the page and in
the PDF). Each axis is a pillar, from 0 at the centre to 5 at the rim."""

from __future__ import annotations

import math
from dataclasses import dataclass

from lantern.preparedness.selectors import PillarScore

SIZE = 420
CENTRE = SIZE / 2
RADIUS = 130
MAX_LEVEL = 5


@dataclass(frozen=True)
class Axis:
    label: str
    x: float
    y: float
    label_x: float
    label_y: float
    anchor: str


@dataclass(frozen=True)
class Radar:
    size: int
    axes: list[Axis]
    rings: list[str]  # polygon points of the rings 1..5
    series: list[tuple[str, str]]  # (css class, polygon points)


def _point(index: int, count: int, value: float) -> tuple[float, float]:
    angle = -math.pi / 2 + 2 * math.pi * index / count
    r = RADIUS * value / MAX_LEVEL
    return round(CENTRE + r * math.cos(angle), 1), round(CENTRE + r * math.sin(angle), 1)


def _polygon(values: list[float]) -> str:
    return " ".join(f"{x},{y}" for x, y in (_point(i, len(values), v) for i, v in enumerate(values)))


def radar(*series: tuple[str, list[PillarScore]]) -> Radar:
    first = series[0][1]
    count = len(first)
    axes = []
    for i, score in enumerate(first):
        x, y = _point(i, count, MAX_LEVEL)
        lx, ly = _point(i, count, MAX_LEVEL + 0.9)
        anchor = "middle" if abs(lx - CENTRE) < 20 else ("start" if lx > CENTRE else "end")
        axes.append(Axis(score.pillar.label, x, y, lx, ly, anchor))
    rings = [_polygon([level] * count) for level in range(1, MAX_LEVEL + 1)]
    drawn = [(css, _polygon([s.mean or 0 for s in scores])) for css, scores in series]
    return Radar(SIZE, axes, rings, drawn)

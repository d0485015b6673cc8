"""The chart of a published table: Vega-Lite through Altair, rendered to SVG on the server by vl-convert (the browser
fetches nothing from anyone). It shows only what the table publishes: in k mode the published margins of the first
one or two dimensions (a suppressed margin is a gap, never a value worked out from the cells), in differential
privacy mode the sums of the noisy cells (post-processing, which costs no privacy)."""

from __future__ import annotations

from typing import Any

import numpy as np

MAX_BARS = 30
MAX_SERIES = 8


def chart_points(
    values: np.ndarray, published: np.ndarray | None, labels: list[list[str]], sizes: list[int]
) -> list[dict[str, Any]]:
    """The points the chart draws, also shown as its table: one per category of the first dimension (and of the
    second, as series, when there is one). `values` is either the table with its margins (k mode: the margins are
    the last index of each dimension that has one, `published` says which values are published) or the noisy
    cells (differential privacy: `published` is None). `sizes` are the numbers of categories, totals left out."""
    if published is not None:
        # Take the published margin over every dimension after the first two.
        index: list[Any] = [slice(None)] * values.ndim
        for axis in range(2, values.ndim):
            index[axis] = -1  # the total over that dimension (or its only category)
        index[0] = slice(0, sizes[0])
        if values.ndim >= 2:
            index[1] = slice(0, sizes[1])
        grid = np.where(published[tuple(index)], values[tuple(index)], -1)
    else:
        grid = values.sum(axis=tuple(range(2, values.ndim))) if values.ndim > 2 else values
    if grid.ndim == 1:
        grid = grid[:, None]
        series_labels = [""]
    else:
        series_labels = labels[1]
    totals = np.where(grid < 0, 0, grid).sum(axis=1)
    # Categories with nothing to show (all zero) are left out of the chart; the table has them.
    something = (totals > 0) | (grid < 0).any(axis=1)
    ranked = [i for i in np.argsort(-totals, kind="stable") if something[i]]
    keep_x = np.sort(np.array(ranked[:MAX_BARS], dtype=np.int64))
    series_totals = np.where(grid < 0, 0, grid).sum(axis=0)
    keep_s = np.sort(np.argsort(-series_totals, kind="stable")[:MAX_SERIES])
    points = []
    for i in keep_x:
        for j in keep_s:
            value = int(grid[i, j])
            points.append(
                {
                    "category": labels[0][i],
                    "series": series_labels[j],
                    "count": None if value < 0 else value,
                }
            )
    return points


def chart_svg(points: list[dict[str, Any]], dimensions: list[str], *, title: str) -> str:
    import altair as alt
    import vl_convert

    data = [p for p in points if p["count"] is not None]
    encoding: dict[str, Any] = {
        "x": alt.X("category:N", title=dimensions[0], sort=None),
        "y": alt.Y("count:Q", title="count"),
        "tooltip": ["category:N", "count:Q"],
    }
    if len(dimensions) > 1:
        encoding["color"] = alt.Color("series:N", title=dimensions[1])
        encoding["xOffset"] = "series:N"
    chart = (
        alt.Chart(alt.Data(values=data), title=title)
        .mark_bar()
        .encode(**encoding)
        .properties(width=max(240, min(900, 24 * len({p["category"] for p in points}))), height=260)
    )
    return str(vl_convert.vegalite_to_svg(chart.to_dict()))

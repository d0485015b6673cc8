"""Publication pages for analysts and the national coordinator: choose a source, the dimensions and the protection;
see the chart, its table, the methodology note and the budget left; download the table, chart, note, and the
k-anonymous CTDC file. Only aggregated or de-identified data is ever shown."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from lantern.core.permissions import can
from lantern.core.views import form_errors, page_user
from lantern.publication import labels, selectors
from lantern.publication.chart import MAX_BARS, MAX_SERIES
from lantern.publication.crosstab import TableError, read_csv
from lantern.publication.forms import MinimumKForm, PublicationForm
from lantern.publication.models import LANTERN_DATASET, LANTERN_DATASET_LABEL
from lantern.publication.permissions import PublicationAction
from lantern.publication.services import (
    MAX_PUBLISHED_CELLS,
    budget_spent,
    ctdc_k_export,
    dataset_key_for_file,
    lantern_records,
    minimum_k,
    minimum_k_set,
    publish,
)
from lantern.publication.suppression import AUDIT_NOT_DONE

PREVIEW_ROWS = 200
NOTE_HEADING_SHIFT = 2  # the note's # is an h3 on the page, under its h2


@login_required
def publication_view(request: HttpRequest) -> HttpResponse:
    user = page_user(request, PublicationAction.PUBLISH)
    form = PublicationForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        by: list[str] = data["by"]
        k = data["k"] if data["mode"] == "k" else None
        epsilon = data["epsilon"] if data["mode"] == "dp" else None
        try:
            if data["source"] == "lantern":
                records = lantern_records(by)
                key, label = LANTERN_DATASET, LANTERN_DATASET_LABEL
                source = "Lantern's cases consented to statistics"
            else:
                content = data["upload"].read()
                records = read_csv(content, by)
                key, label = dataset_key_for_file(content, data["dataset"])
                source = f"the uploaded file {data['upload'].name[:100]}"
            release = publish(
                actor=user,
                dataset_key=key,
                dataset_label=label,
                records=records,
                by=by,
                k=k,
                epsilon=epsilon,
                source=source,
                max_cells=MAX_PUBLISHED_CELLS,
            )
        except TableError as exc:
            form.add_error("by" if "column" in str(exc) else "upload", str(exc))
        except ValidationError as exc:
            form_errors(form, exc)
        else:
            return redirect("publication:release", release_id=release.pk)
    return render(
        request,
        "publication/publish.html",
        {
            "form": form,
            "budgets": selectors.budgets(user),
            "releases": selectors.releases_visible_to(user)[:20],
            "minimum_k": minimum_k(),
            "minimum_k_form": MinimumKForm(initial={"minimum_k": minimum_k()})
            if can(user, PublicationAction.POLICY)
            else None,
        },
        status=422 if request.method == "POST" else 200,
    )


@login_required
def publication_policy_view(request: HttpRequest) -> HttpResponse:
    """The national coordinator sets the smallest k of every publication."""
    user = page_user(request, PublicationAction.POLICY)
    form = MinimumKForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            minimum_k_set(actor=user, minimum=form.cleaned_data["minimum_k"])
        except ValidationError as exc:
            form_errors(form, exc)
        else:
            messages.success(request, _("The minimum k is saved."))
            return redirect("publication:publish")
    return render(request, "publication/policy.html", {"form": form}, status=422 if form.errors else 200)


@login_required
def publication_release_view(request: HttpRequest, release_id: int) -> HttpResponse:
    user = page_user(request, PublicationAction.PUBLISH)
    release = selectors.release_get_for_user(user, release_id)
    summary = summarise(release.table_csv, k_mode=release.mode == "k")
    spent = budget_spent(release.dataset)
    dims = release.dimensions
    note_language, note = note_for(release, get_language() or "en")
    return render(
        request,
        "publication/release.html",
        {
            "release": release,
            "dataset_name": release.dataset.name,
            "header": [labels.dimension(c) for c in summary.header],
            "rows": shown_rows(summary, dims),
            "non_empty": summary.non_empty,
            "more_rows": summary.non_empty > len(summary.rows),
            "charted": [labels.dimension(d) for d in dims[:2]],
            "left_out": [labels.dimension(d) for d in dims[2:]],
            "labels": [labels.dimension(d) for d in dims],
            **chart_limits(summary, dims),
            "note_html": render_note(note),
            "note_language": note_language,
            "note_untranslated": note_language != (get_language() or "en"),
            "unaudited": release.mode == "k" and AUDIT_NOT_DONE in release.note,
            "points": shown_points(release.chart_data, dims),
            "has_series": len(dims) > 1,
            "spent": spent,
            "left": max(release.dataset.budget - spent, 0),
        },
    )


@dataclass
class TableSummary:
    """What the release page shows of a published table: its header, the first PREVIEW_ROWS rows whose count is
    not 0 (suppressed ones and totals included), how many such rows there are, and per column its categories
    (margin left out), the categories that have a non-empty row, and which value is its margin (k mode)."""

    header: list[str]
    rows: list[list[str]]
    non_empty: int
    categories: list[int]
    non_empty_categories: list[int]
    margins: list[str | None]


def summarise(table_csv: str, *, k_mode: bool) -> TableSummary:
    """A table over full code lists is mostly empty combinations, which the download keeps and the page leaves
    out."""
    reader = csv.reader(io.StringIO(table_csv))
    header = next(reader)
    columns = len(header) - 1
    seen: list[set[str]] = [set() for _ in range(columns)]
    filled: list[set[str]] = [set() for _ in range(columns)]
    rows: list[list[str]] = []
    count = 0
    for row in reader:
        if not row:
            continue
        for i in range(columns):
            seen[i].add(row[i])
        if row[-1] != "0":
            count += 1
            for i in range(columns):
                filled[i].add(row[i])
            if len(rows) < PREVIEW_ROWS:
                rows.append(row)
    margins = [labels.margin_of(values) if k_mode else None for values in seen]
    return TableSummary(
        header,
        rows,
        count,
        [len(values - {margins[i]}) for i, values in enumerate(seen)],
        [len(values - {margins[i]}) for i, values in enumerate(filled)],
        margins,
    )


def shown_rows(summary: TableSummary, dimensions: list[str]) -> list[list[str]]:
    """The preview rows with their values shown as labels (labels.value) and the count as it is."""
    n = len(dimensions)
    return [
        [labels.value(dimensions[i], row[i], summary.margins[i]) for i in range(n)] + row[n:] for row in summary.rows
    ]


def shown_points(points: list[dict[str, Any]], dimensions: list[str]) -> list[dict[str, Any]]:
    """The chart's points, for its table, with their categories shown as labels."""
    return [
        {
            "category": labels.value(dimensions[0], p["category"]),
            "series": labels.value(dimensions[1], p["series"]) if len(dimensions) > 1 else "",
            "count": p["count"],
        }
        for p in points
    ]


def chart_limits(summary: TableSummary, dimensions: list[str]) -> dict[str, int]:
    """How many bars and series the chart keeps when the table has more (chart.MAX_BARS, chart.MAX_SERIES): it
    draws the largest, the table has them all. 0: the chart draws every one."""
    bars = summary.non_empty_categories[0] if summary.non_empty_categories else 0
    series = summary.categories[1] if len(dimensions) > 1 and len(summary.categories) > 1 else 0
    return {
        "largest_bars": MAX_BARS if bars > MAX_BARS else 0,
        "largest_series": MAX_SERIES if series > MAX_SERIES else 0,
    }


def render_note(note: str) -> SafeString:
    """The methodology note's Markdown as HTML; raw HTML in it is escaped, never passed through, and it makes no
    link or image (the note links nowhere; user text in it is escaped where the note is written, and this is the
    second lock). Its headings are put two levels down (# is an h3) under the page's "Methodology note" (an h2), the
    page keeping the only h1."""
    from markdown_it import MarkdownIt

    md = MarkdownIt("commonmark", {"html": False}).disable(["link", "image", "autolink", "reference"])
    tokens = md.parse(note)
    for token in tokens:
        if token.type in ("heading_open", "heading_close"):
            token.tag = f"h{min(int(token.tag[1:]) + NOTE_HEADING_SHIFT, 6)}"
    return mark_safe(md.renderer.render(tokens, md.options, {}))  # noqa: S308 - html is off, links and images too


def note_for(release: Any, language: str) -> tuple[str, str]:
    """(language, Markdown) of the release's methodology note for a reader: in her language when the release has
    it, else the English one (a release older than translated notes)."""
    translated = (release.notes or {}).get(language.split("-")[0])
    return (language.split("-")[0], translated) if translated else ("en", release.note)


DOWNLOADS = {
    "table.csv": ("table_csv", "text/csv; charset=utf-8"),
    "chart.svg": ("chart_svg", "image/svg+xml"),
    "note.md": ("note", "text/markdown; charset=utf-8"),
}


@login_required
def publication_download_view(request: HttpRequest, release_id: int, name: str) -> HttpResponse:
    user = page_user(request, PublicationAction.PUBLISH)
    if name not in DOWNLOADS:
        raise Http404
    release = selectors.release_get_for_user(user, release_id)
    field, content_type = DOWNLOADS[name]
    # The note is downloaded in the reader's language, like the page shows it.
    body = note_for(release, get_language() or "en")[1] if field == "note" else getattr(release, field)
    response = HttpResponse(body, content_type=content_type)
    disposition = "inline" if name == "chart.svg" else "attachment"
    response["Content-Disposition"] = f'{disposition}; filename="release-{release.pk}-{name}"'
    return response


@login_required
def ctdc_download_view(request: HttpRequest) -> HttpResponse:
    from lantern.publication.ctdc_k import ctdc_k_response

    return ctdc_k_response(ctdc_k_export(actor=page_user(request, PublicationAction.CTDC_EXPORT)))

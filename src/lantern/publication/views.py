"""Publication pages for analysts and the national coordinator: choose a source, the dimensions and the protection;
see the chart, its table, the methodology note and the budget left; download the table, chart, note, and the
k-anonymous CTDC file. Only aggregated or de-identified data is ever shown."""

from __future__ import annotations

import csv
import io

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from lantern.core.permissions import can
from lantern.core.views import form_errors, page_user
from lantern.publication import selectors
from lantern.publication.crosstab import TableError, read_csv
from lantern.publication.forms import DIMENSIONS, MinimumKForm, PublicationForm
from lantern.publication.permissions import PublicationAction
from lantern.publication.services import (
    LANTERN_DATASET,
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
                key, label = LANTERN_DATASET, "Lantern (cases consented to statistics)"
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
    header, rows, non_empty = non_empty_rows(release.table_csv)
    spent = budget_spent(release.dataset)
    shown = release.dimensions[:2]
    return render(
        request,
        "publication/release.html",
        {
            "release": release,
            "header": header,
            "rows": rows,
            "non_empty": non_empty,
            "more_rows": non_empty > len(rows),
            "charted": [label_of(d) for d in shown],
            "left_out": [label_of(d) for d in release.dimensions[2:]],
            "labels": [label_of(d) for d in release.dimensions],
            "note_html": render_note(release.note),
            "unaudited": release.mode == "k" and AUDIT_NOT_DONE in release.note,
            "points": release.chart_data,
            "has_series": len(release.dimensions) > 1,
            "spent": spent,
            "left": max(release.dataset.budget - spent, 0),
        },
    )


def non_empty_rows(table_csv: str) -> tuple[list[str], list[list[str]], int]:
    """The header, the first PREVIEW_ROWS rows whose count is not 0 (suppressed ones and totals included), and how
    many such rows the table has: a table over full code lists is mostly empty combinations, which the download
    keeps and the page leaves out."""
    reader = csv.reader(io.StringIO(table_csv))
    header = next(reader)
    rows: list[list[str]] = []
    count = 0
    for row in reader:
        if row and row[-1] != "0":
            count += 1
            if len(rows) < PREVIEW_ROWS:
                rows.append(row)
    return header, rows, count


def label_of(column: str) -> str:
    return str(dict(DIMENSIONS).get(column, column))


def render_note(note: str) -> SafeString:
    """The methodology note's Markdown as HTML; raw HTML in it is escaped, never passed through, and it makes no
    link or image (the note links nowhere; user text in it is escaped where the note is written, and this is the
    second lock)."""
    from markdown_it import MarkdownIt

    renderer = MarkdownIt("commonmark", {"html": False}).disable(["link", "image", "autolink", "reference"])
    return mark_safe(renderer.render(note))  # noqa: S308 - html is off, links and images too


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
    response = HttpResponse(getattr(release, field), content_type=content_type)
    disposition = "inline" if name == "chart.svg" else "attachment"
    response["Content-Disposition"] = f'{disposition}; filename="release-{release.pk}-{name}"'
    return response


@login_required
def ctdc_download_view(request: HttpRequest) -> HttpResponse:
    from lantern.publication.ctdc_k import ctdc_k_response

    return ctdc_k_response(ctdc_k_export(actor=page_user(request, PublicationAction.CTDC_EXPORT)))

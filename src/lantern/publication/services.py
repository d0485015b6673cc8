"""Privacy-safe publication of statistics: a table of counts from de-identified records, protected by small-cell
suppression (k threshold) or by differential privacy, with its chart and its methodology note, and the ledger of
the privacy budget each dataset has spent.

`publish(...)` is the one write: it tabulates and protects outside any transaction, then, in one transaction,
locks the dataset's ledger row, refuses a release that would spend past the budget, and writes the release (which
is the ledger entry) with its audit event. A refused release leaves nothing behind and shows nothing.
"""

from __future__ import annotations

import hashlib
import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext

from lantern.core.audit import MAX_DETAIL_TEXT, audit_record
from lantern.core.exports import csv_writer
from lantern.core.models import User
from lantern.core.permissions import require
from lantern.publication import dp
from lantern.publication.chart import chart_points, chart_svg
from lantern.publication.crosstab import MAX_CELLS, OTHER, Records, Table, TableError, crosstab, read_csv
from lantern.publication.ctdc_k import Anonymised, anonymise, lantern_ctdc_rows
from lantern.publication.models import PublicationDataset, PublicationMode, PublicationPolicy, PublicationRelease
from lantern.publication.permissions import PublicationAction
from lantern.publication.suppression import AUDIT_NOT_DONE, AUDIT_SECONDS, Protection, ProtectionFailed, protect

MAX_UPLOAD = 20 * 1024 * 1024  # bytes of an uploaded CSV file (page and API)
MAX_PUBLISHED_CELLS = 200_000  # cells of a table published from the page or the API
DEFAULT_K = 11  # as CTDC publishes
MAX_K = 100
MAX_EPSILON = 10.0
TOTAL = "Total"

Progress = Callable[[str], None]


@dataclass
class Published:
    """A protected table before it is recorded: the CSV, the chart's points and what the note needs to say."""

    table: Table
    labels: list[list[str]]
    csv_text: str
    points: list[dict[str, Any]]
    suppressed: int
    protection: Protection | None = None
    noisy: dp.NoisyCounts | None = None


def check_parameters(*, k: int | None, epsilon: float | None) -> None:
    if (k is None) == (epsilon is None):
        raise ValidationError({"k": "Choose exactly one: a k threshold or an epsilon."})
    if k is not None and not 2 <= k <= MAX_K:
        raise ValidationError({"k": f"k must be from 2 to {MAX_K}."})
    if epsilon is not None and not (0 < epsilon <= MAX_EPSILON):
        raise ValidationError({"epsilon": f"epsilon must be more than 0 and at most {MAX_EPSILON:g}."})
    check_minimum_k(k)


def minimum_k() -> int:
    """The smallest k anyone may publish with, set by the national coordinator (DEFAULT_K until she does)."""
    policy = PublicationPolicy.objects.filter(id=1).first()
    return policy.minimum_k if policy is not None else DEFAULT_K


def check_minimum_k(k: int | None) -> None:
    floor = minimum_k()
    if k is not None and k < floor:
        raise ValidationError(
            {
                "k": _("k must be at least %(minimum)d, the minimum set by the national coordinator.")
                % {"minimum": floor}
            }
        )


def minimum_k_set(*, actor: User | None, minimum: int) -> PublicationPolicy:
    """The national coordinator sets the smallest k of every publication (the console's operator may too)."""
    if actor is not None:
        require(actor, PublicationAction.POLICY)
    if not 2 <= minimum <= MAX_K:
        raise ValidationError({"minimum_k": _("From 2 to %(max)d.") % {"max": MAX_K}})
    with transaction.atomic():
        policy = PublicationPolicy.objects.select_for_update().get_or_create(id=1)[0]
        previous = policy.minimum_k
        policy.minimum_k = minimum
        policy.updated_at = timezone.now()
        policy.updated_by = actor
        policy.save()
        audit_record(
            action="insights.minimum_k",
            actor=actor,
            actor_label="" if actor else "console",
            object_type="insights.publicationpolicy",
            object_id=policy.pk,
            detail={"minimum_k": minimum, "previous": previous},
        )
    return policy


def dataset_key_for_file(content: bytes, name: str = "") -> tuple[str, str]:
    """The ledger key and label of an uploaded file: its name when given (so revised versions of the same
    records share one budget), otherwise the SHA-256 of its bytes."""
    name = name.strip()
    if name:
        return f"name:{name[:90]}", name[:200]
    digest = hashlib.sha256(content).hexdigest()
    return f"sha256:{digest[:64]}", f"file {digest[:12]}"


def audit_dataset_key(key: str) -> str:
    """The ledger key as an audit detail holds it: whole when it fits, otherwise its start and a digest of it
    (a name typed in the form may be longer than an audit detail's text)."""
    if len(key) <= MAX_DETAIL_TEXT:
        return key
    digest = hashlib.sha256(key.encode()).hexdigest()[:16]
    return f"{key[: MAX_DETAIL_TEXT - len(digest) - 1]}~{digest}"


def lantern_records(by: Sequence[str]) -> Records:
    """Lantern's own de-identified data: the CTDC rows of every case consented to statistics (the same mapping
    as `lantern export ctdc`), tabulated here and never shown as rows."""
    from lantern.cases.htcds import ctdc_cases, export_ctdc
    from lantern.cases.models import Case

    out = io.StringIO()
    export_ctdc(ctdc_cases(Case.objects.all()).iterator(chunk_size=5000), out)
    out.seek(0)
    try:
        return read_csv(out, by)
    except TableError as exc:
        if "no records" in str(exc):
            raise TableError("Lantern holds no case consented to statistics yet") from None
        raise


def _labels(table: Table, totals: tuple[bool, ...] | None) -> list[list[str]]:
    labels = []
    for axis, domain in enumerate(table.domains):
        names = list(domain.categories)
        if totals is not None and totals[axis]:
            names.append("(total)" if TOTAL in names else TOTAL)
        labels.append(names)
    return labels


_SMALL_TEXTS = 4096


def _field(text: str) -> str:
    """One CSV field, quoted as the csv module quotes it, made inert for spreadsheets (core.exports)."""
    out = io.StringIO()
    csv_writer(out, lineterminator="").writerow([text])
    return out.getvalue()


def _csv(dimensions: list[str], labels: list[list[str]], values: np.ndarray, published: np.ndarray | None) -> str:
    """Dimension columns then `count`, one row a cell (suppressed: empty), in the order of the cells.

    Built as the Cartesian product it is: the row prefixes of the first dimensions are joined once and extended
    dimension by dimension (numpy object arrays: C loops, no Python loop over the cells)."""
    prefixes = np.array([""], dtype=object)
    for names in labels:
        fields = np.array([_field(name) + "," for name in names], dtype=object)
        prefixes = np.add.outer(prefixes, fields).ravel()
    flat = values.ravel()
    texts = np.array([str(v) for v in range(_SMALL_TEXTS)], dtype=object)
    counts = texts[np.minimum(flat, _SMALL_TEXTS - 1)]
    large = np.flatnonzero(flat >= _SMALL_TEXTS)
    counts[large] = [str(v) for v in flat[large].tolist()]  # margins and big cells: few
    if published is not None:
        counts = np.where(published.ravel(), counts, "")
    header = ",".join(_field(name) for name in [*dimensions, "count"])
    lines = prefixes + counts
    return header + "\n" + "\n".join(lines.tolist()) + "\n"


def protect_table(
    records: Records,
    by: Sequence[str],
    *,
    k: int | None = None,
    epsilon: float | None = None,
    progress: Progress | None = None,
    max_cells: int = MAX_CELLS,
    audit_seconds: float = AUDIT_SECONDS,
) -> Published:
    """Tabulate and protect, without touching the database (the benchmark times this)."""
    check_parameters(k=k, epsilon=epsilon)
    say = progress or (lambda _message: None)
    try:
        table = crosstab(records, by, pool_below=k, max_cells=max_cells)
    except TableError as exc:
        raise ValidationError({"by": str(exc)}) from None
    say(f"counted {table.records:,} records into {table.cells:,} cells")
    if k is not None:
        try:
            protection = protect(table.counts, k, audit_seconds=audit_seconds, progress=progress)
        except ProtectionFailed as exc:
            raise ValidationError({"by": str(exc)}) from None
        say(f"suppressed {protection.suppressed:,} values ({protection.secondary:,} to protect the others)")
        labels = _labels(table, protection.totals)
        published = ~protection.mask
        text = _csv(list(by), labels, protection.extended, published)
        points = chart_points(protection.extended, published, labels, list(table.counts.shape))
        return Published(table, labels, text, points, protection.suppressed, protection=protection)
    assert epsilon is not None
    noisy = dp.release(table.counts, epsilon)
    say(f"added discrete Laplace noise of scale {noisy.scale:g} to {table.cells:,} cells")
    labels = _labels(table, None)
    text = _csv(list(by), labels, noisy.counts, None)
    points = chart_points(noisy.counts, None, labels, list(table.counts.shape))
    return Published(table, labels, text, points, 0, noisy=noisy)


def budget_spent(dataset: PublicationDataset) -> float:
    return float(
        dataset.releases.filter(mode=PublicationMode.DIFFERENTIAL_PRIVACY).aggregate(s=Sum("epsilon"))["s"] or 0
    )


def budget_message(label: str, *, spent: float, budget: float, asked: float) -> str:
    return _(
        "The privacy budget of %(dataset)s would be exceeded: epsilon %(spent)s of %(budget)s is spent, %(left)s is "
        "left, and this release asks for %(asked)s."
    ) % {
        "dataset": label,
        "spent": format(spent, "g"),
        "budget": format(budget, "g"),
        "left": format(max(budget - spent, 0), "g"),
        "asked": format(asked, "g"),
    }


def publish(
    *,
    actor: User | None,
    dataset_key: str,
    dataset_label: str,
    records: Records,
    by: Sequence[str],
    k: int | None = None,
    epsilon: float | None = None,
    source: str,
    progress: Progress | None = None,
    before_commit: Callable[[PublicationRelease], None] | None = None,
    max_cells: int = MAX_CELLS,
) -> PublicationRelease:
    """Protect a table and record its release; with epsilon, spend that much of the dataset's budget or refuse.

    `before_commit` runs inside the transaction once the release is written (the console command moves its files
    into place there, so that files and ledger entry exist together or not at all)."""
    by = list(by)
    check_parameters(k=k, epsilon=epsilon)
    published = protect_table(records, by, k=k, epsilon=epsilon, progress=progress, max_cells=max_cells)
    title = f"{' x '.join(by)} ({'k = ' + str(k) if k else 'epsilon = ' + format(epsilon, 'g')})"
    svg = chart_svg(published.points, by, title=title)
    with transaction.atomic():
        dataset, _ = PublicationDataset.objects.get_or_create(
            key=dataset_key, defaults={"label": dataset_label, "budget": settings.LANTERN_DP_BUDGET}
        )
        dataset = PublicationDataset.objects.select_for_update().get(pk=dataset.pk)
        spent = budget_spent(dataset)
        if epsilon is not None and spent + epsilon > dataset.budget + 1e-9:
            raise ValidationError(
                {"epsilon": budget_message(dataset.name, spent=spent, budget=dataset.budget, asked=epsilon)}
            )
        after = spent + (epsilon or 0)
        has_k_releases = dataset.releases.filter(mode=PublicationMode.K_THRESHOLD).exists() or k is not None
        facts = {"published": published, "by": by, "k": k, "epsilon": epsilon, "source": source, "dataset": dataset,
                 "spent_after": after, "has_k_releases": has_k_releases}  # fmt: skip
        with translation.override("en"):
            note = methodology_note(**facts)  # type: ignore[arg-type]
        notes = methodology_notes(**facts)
        release = PublicationRelease.objects.create(
            dataset=dataset,
            mode=PublicationMode.K_THRESHOLD if k is not None else PublicationMode.DIFFERENTIAL_PRIVACY,
            k=k,
            epsilon=epsilon,
            dimensions=by,
            records=published.table.records,
            cells=published.table.cells,
            suppressed=published.suppressed,
            table_csv=published.csv_text,
            note=note,
            notes=notes,
            chart_svg=svg,
            chart_data=published.points,
            created_by=actor,
        )
        audit_record(
            action="insights.publish",
            actor=actor,
            actor_label="" if actor else "console",
            object_type="insights.publicationrelease",
            object_id=release.pk,
            detail={
                "dataset": audit_dataset_key(dataset.key),
                "mode": release.mode,
                "k": k,
                "epsilon": None if epsilon is None else format(epsilon, "g"),
                "dimensions": by,
                "cells": release.cells,
                "suppressed": release.suppressed,
            },
        )
        if before_commit is not None:
            before_commit(release)
    return release


_MARKDOWN_PUNCTUATION = frozenset("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~")


def _one_line(text: str) -> str:
    """User text on one line: a line break or other control character would start a new Markdown block."""
    return "".join(" " if ord(char) < 32 or 127 <= ord(char) < 160 or char in "\u2028\u2029" else char for char in text)


def md_text(text: str) -> str:
    """User text (a dataset's name, a file's name, a column) as literal Markdown: every ASCII punctuation character
    backslash-escaped, so that no link, image, emphasis or heading can be made of it."""
    return "".join("\\" + char if char in _MARKDOWN_PUNCTUATION else char for char in _one_line(text))


def md_code(text: str) -> str:
    """User text as a Markdown code span: fenced by one backtick more than its longest run of backticks."""
    text = _one_line(text)
    run = longest = 0
    for char in text:
        run = run + 1 if char == "`" else 0
        longest = max(longest, run)
    fence = "`" * (longest + 1)
    pad = " " if text[:1] in ("`", " ") or text[-1:] in ("`", " ") else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def _dimension_name(column: str) -> str:
    """A dimension by its name in the active language (the release page's label), a column Lantern has no label for
    (one of an uploaded file) as the analyst typed it, escaped."""
    from lantern.publication.labels import dimension  # labels reads the form, which reads this module

    return md_text(dimension(column))


def _domain_lines(published: Published, k: int | None) -> list[str]:
    lines = []
    for column, domain in zip(published.table.dimensions, published.table.domains, strict=True):
        n = len(domain.categories)
        if domain.known:
            where = ngettext(
                "the CTDC code list (%(n)s category, listed, empty or not)",
                "the CTDC code list (%(n)s categories, every one listed, empty or not)",
                n,
            ) % {"n": n}
        else:
            where = ngettext(
                "the values seen in the data (%(n)s category)", "the values seen in the data (%(n)s categories)", n
            ) % {"n": n}
            if domain.pooled:
                where += _(
                    "; %(pooled)s value(s) seen fewer than %(k)s times are pooled into `%(other)s`, so that no rare "
                    "value is named"
                ) % {"pooled": len(domain.pooled), "k": k, "other": OTHER}
        recoded = published.table.recoded.get(column)
        extra = (
            _("; %(recoded)s record(s) with a value outside the list are counted under `%(code)s`")
            % {"recoded": f"{recoded:,}", "code": domain.unknown_code}
            if recoded
            else ""
        )
        named = _dimension_name(column)
        label = md_code(column) if named == md_text(column) else f"{named} ({md_code(column)})"  # the download's code
        lines.append(f"- {label}: {where}{extra}.")
    return lines


def methodology_note(
    published: Published,
    *,
    by: list[str],
    k: int | None,
    epsilon: float | None,
    source: str,
    dataset: PublicationDataset,
    spent_after: float,
    has_k_releases: bool,
) -> str:
    """The note in the active language: its fixed text is translated (publication's catalogues); what the analyst
    typed (the source, the dataset's name, the columns) stays as written, escaped."""
    table = published.table
    lines = [
        "# " + _("Methodology: %(dimensions)s") % {"dimensions": " x ".join(_dimension_name(column) for column in by)},
        "",
        _("Source: %(source)s. Dataset in the privacy ledger: %(dataset)s (%(key)s).")
        % {"source": md_text(source), "dataset": md_text(dataset.label), "key": md_code(dataset.key)},
        "",
        _("Unit: one row a person (one person is one record). Dimensions, and where their categories come from:"),
        "",
        *_domain_lines(published, k),
        "",
    ]
    if k is not None and published.protection is not None:
        protection = published.protection
        total = int(table.counts.sum())
        lines += [
            "## " + _("Method: small-cell suppression, k = %(k)s") % {"k": k},
            "",
            _(
                "The table is published with all its margins: rows whose dimension reads %(total)s (`%(code)s` "
                "in the download) are totals over that dimension (one-way, two-way, ... margins and the grand total)."
            )
            % {"total": pgettext("statistics", "Total"), "code": TOTAL},
            "- "
            + _("Primary suppression: every cell or margin from 1 to %(top)s is left empty. %(count)s value(s).")
            % {"top": k - 1, "count": f"{int(protection.primary.sum()):,}"},
            "- "
            + _(
                "Secondary suppression: every line of the table (the values that differ in one dimension only, with "
                "its total) that held one suppressed value got a second, the smallest non-zero one, until every line "
                "has none or at least two. %(count)s more value(s)."
            )
            % {"count": f"{protection.secondary:,}"},
            "- " + _("Zero counts are published as 0; empty combinations are listed like the others."),
        ]
        if protection.audited:
            lines.append(
                "- "
                + _(
                    "Audit: for every suppressed value, linear programming over what is published (the cells, the "
                    "margins, that every line adds up, that counts are not negative) found a range of possible "
                    "values at least one person wide; %(rounds)s round(s) of extra suppression were needed for that."
                )
                % {"rounds": protection.rounds}
            )
        else:
            # AUDIT_NOT_DONE stays in English in every language: the release page looks for it to warn as well.
            lines.append(
                f"- {AUDIT_NOT_DONE}: "
                + _(
                    "the table has %(count)s suppressed values and the audit did not finish in its %(seconds)s "
                    "seconds. **Only the pattern rule above protects it, which in two or more dimensions does not "
                    "rule out every exact recovery: publish fewer dimensions when this matters.**"
                )
                % {"count": f"{protection.suppressed:,}", "seconds": f"{AUDIT_SECONDS:g}"}
            )
        lines += [
            "",
            _("Published total: %(total)s records.") % {"total": f"{total:,}"}
            if total == 0 or total >= k
            else _("Published total: suppressed."),
            "",
            "## " + _("Limits"),
            "",
            "- "
            + _(
                "Suppression hides small counts; it does not protect against what an attacker knows from elsewhere "
                "about the people counted, nor against comparing this table with other tables of the same data that "
                "were suppressed differently."
            ),
            "- "
            + _(
                "The audit uses continuous ranges; in three or more dimensions the range of whole numbers can in rare "
                "cases be narrower."
            ),
            "- " + _("Suppression is not differential privacy."),
        ]
    elif epsilon is not None and published.noisy is not None:
        noisy = published.noisy
        bias = dp.clamped_zero_mean(noisy.scale)
        lines += [
            "## " + _("Method: differential privacy, epsilon = %(epsilon)s") % {"epsilon": f"{epsilon:g}"},
            "",
            "- "
            + _(
                "Neighbouring datasets differ by one person added or removed; each person is one record, counted in "
                "exactly one cell, so the sensitivity of the table (L1) is 1. Changing one person's record counts as "
                "two steps (2 x epsilon = %(double)s)."
            )
            % {"double": f"{2 * epsilon:g}"},
            "- "
            + _(
                "Mechanism: discrete Laplace noise of scale 1/epsilon = %(scale)s added to every one of the "
                "%(cells)s cells, empty ones included (standard deviation %(sd)s per cell). Integer noise: nothing "
                "leaks through floating-point low bits."
            )
            % {
                "scale": f"{noisy.scale:g}",
                "cells": f"{table.cells:,}",
                "sd": f"{dp.noise_variance(noisy.scale) ** 0.5:.2f}",
            },
            "- "
            + _(
                "Sampler: exact at every table size. Lantern's vectorised discrete Laplace sampler (Canonne, Kamath "
                "and Steinke 2020, Algorithm 2, with Bernoulli(exp(-gamma)) trials of rational gamma) uses integer "
                "arithmetic only, on random bytes from the operating system's cryptographic generator; the scale is "
                "the exact fraction %(fraction)s (1/epsilon as written). Its distribution and variance are checked "
                "against OpenDP's discrete Laplace in the tests."
            )
            % {"fraction": dp.exact_scale(epsilon)},
            "- "
            + _(
                "Post-processing: negative noisy counts are published as 0. This costs no privacy, but biases every "
                "small cell upward: a cell whose true count is 0 is published as %(bias)s on average."
            )
            % {"bias": f"{bias:.2f}"},
            "- "
            + _(
                "**Do not add cells to get totals.** Margins are not published, and a sum of published cells is "
                "biased upward by up to %(bias)s for every cell in it that is truly empty: summed over the "
                "%(cells)s cells of this table, that can be %(people)s people who do not exist. For a total, publish "
                "it as a table of its own with fewer dimensions (it spends budget, with far less error)."
            )
            % {"bias": f"{bias:.2f}", "cells": f"{table.cells:,}", "people": f"{bias * table.cells:,.0f}"},
            "- "
            + _(
                "Privacy budget of the dataset: %(spent)s of %(budget)s spent after this release; Lantern refuses a "
                "release that would spend past it."
            )
            % {"spent": f"{spent_after:g}", "budget": f"{dataset.budget:g}"},
            "",
            "## " + _("Limits"),
            "",
            "- " + _("The guarantee assumes one record a person; a person registered twice counts twice."),
        ]
        if any(not d.known for d in table.domains):
            lines.append(
                "- "
                + _(
                    "The categories of a dimension without a code list are the values seen in the data: their list "
                    "itself is not protected by differential privacy (a value that appears only once is named)."
                )
            )
        if has_k_releases:
            lines.append(
                "- "
                + _(
                    "Tables of this dataset were also published by small-cell suppression, which is not "
                    "differentially private: epsilon bounds what the differentially private releases reveal, not "
                    "those."
                )
            )
    return "\n".join(lines) + "\n"


def methodology_notes(**kwargs: Any) -> dict[str, str]:
    """The note in each staff language but English (the release's `note`, which the API and the downloads give)."""
    notes = {}
    for language, _name in settings.LANGUAGES:
        if language != "en":
            with translation.override(language):
                notes[language] = methodology_note(**kwargs)
    return notes


def ctdc_k_export(*, actor: User | None, k: int | None = None) -> Anonymised:
    """The k-anonymous CTDC file of Lantern's data, audited (who exported how many rows; never their content).
    Without `k`, CTDC's 11 or the coordinator's minimum if higher; a `k` below that minimum is refused."""
    if k is None:
        k = max(11, minimum_k())
    check_minimum_k(k)
    rows, columns = lantern_ctdc_rows()
    anonymised = anonymise(rows, columns, k=k)
    with transaction.atomic():
        audit_record(
            action="insights.ctdc_export",
            actor=actor,
            actor_label="" if actor else "console",
            detail={
                "rows": anonymised.records_out,
                "left_out": anonymised.steps.get("records left out", 0),
                "k": k,
                "format": "ctdc",
                "personal_data": False,
            },
        )
    return anonymised

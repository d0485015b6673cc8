"""Cross-tabulation of de-identified records for publication: reading the columns of a CSV, the categories of each
dimension (the known CTDC code lists, or the values seen), and the counts of every combination of categories.

Everything after reading is vectorised: each column is encoded against its sorted categories with
`np.searchsorted`, the codes are combined into one flat cell index, and `np.bincount` counts the cells. A million
records are counted in a fraction of a second; no Python loop runs over the records.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from operator import itemgetter

import numpy as np
from django.utils import timezone

from lantern.cases.htcds import CTDC_COLUMNS, CTDC_CONTROL, CTDC_EXPLOITATION, CTDC_LABOUR, CTDC_RELATION, CTDC_SEX
from lantern.core.codes import country_codes

MAX_DIMENSIONS = 6
MAX_CELLS = 5_000_000  # a table larger than this is refused: nobody reads it, and it would not fit in memory well
FIRST_CTDC_YEAR = 2002  # the first year of registration in the CTDC global dataset

# A derived dimension: the form of exploitation of a record, from the CTDC flags (CTDC has no single column).
EXPLOITATION_COLUMN = "typeOfExploitation"
EXPLOITATION_FORMS = {  # checked in this order; the first flag set to 1 names the form
    "isSexAndLabour": "SexAndLabour",
    "isSexualExploit": "SexualExploitation",
    "isForcedLabour": "ForcedLabour",
    "isForcedMarriage": "ForcedMarriage",
    "isForcedMilitary": "ForcedMilitary",
    "isOrganRemoval": "OrganRemoval",
    "isOtherExploit": "OtherExploit",
}


class TableError(ValueError):
    """The file or the choice of dimensions cannot be tabulated; the message says why, in one line."""


@dataclass(frozen=True)
class Domain:
    """The categories of one dimension, in the order they are shown, and where they come from."""

    categories: tuple[str, ...]
    known: bool  # True: a code list fixed in advance (its categories reveal nothing about the data)
    unknown_code: str | None = None  # where a value outside a known list is counted (None: such a value is refused)
    pooled: tuple[str, ...] = ()  # values seen that were pooled into OTHER (k mode, rare values of unknown columns)


OTHER = "(other)"


def _years() -> tuple[str, ...]:
    return tuple(str(year) for year in range(FIRST_CTDC_YEAR, timezone.now().year + 1))


FLAG = ("0", "1", "-99")
AGE_BROAD = ("0--8", "9--17", "18--20", "21--23", "24--26", "27--29", "30--38", "39--47", "48+", "Unknown")


def known_domain(column: str) -> Domain | None:
    """The CTDC code list of a column, or None for a column Lantern does not know."""
    flags = {*CTDC_EXPLOITATION, "isSexAndLabour", *CTDC_CONTROL, *CTDC_LABOUR, *CTDC_SEX, *CTDC_RELATION}
    flags |= {"isAbroad", "recruitedOnline"}
    if column == "yearOfRegistration":
        return Domain(_years(), known=True)
    if column == "gender":
        return Domain(("Female", "Male", "Unknown"), known=True, unknown_code="Unknown")
    if column == "ageBroad":
        return Domain(AGE_BROAD, known=True, unknown_code="Unknown")
    if column == "majorityStatus":
        return Domain(("Adult", "Minor", "Unknown"), known=True, unknown_code="Unknown")
    if column in ("citizenship", "CountryOfExploitation"):
        return Domain((*sorted(country_codes()), "00"), known=True, unknown_code="00")
    if column == EXPLOITATION_COLUMN:
        return Domain((*EXPLOITATION_FORMS.values(), "Unknown"), known=True, unknown_code="Unknown")
    if column in flags:
        return Domain(FLAG, known=True, unknown_code="-99")
    return None


@dataclass
class Records:
    """The columns that a table needs, as arrays of text, one entry a record."""

    columns: dict[str, np.ndarray]
    count: int
    header: list[str] = field(default_factory=list)


def read_csv(source: str | bytes | io.TextIOBase | Iterable[str], by: Sequence[str]) -> Records:
    """The columns named in `by` of a CSV of de-identified records (UTF-8, with or without BOM, header first).

    `typeOfExploitation` may be asked for in a CTDC file that has no such column: it is derived from the flags.
    """
    if isinstance(source, bytes):
        try:
            source = source.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise TableError("the file is not UTF-8 text") from None
    if isinstance(source, str):
        source = io.StringIO(source.removeprefix("\ufeff"))
    reader = csv.reader(source)
    try:
        header = [name.strip().removeprefix("\ufeff") for name in next(reader)]
    except StopIteration:
        raise TableError("the file is empty: a header row is needed") from None
    except csv.Error as exc:
        raise TableError(f"the file is not a readable CSV ({exc})") from None
    wanted = list(dict.fromkeys(by))
    derive = EXPLOITATION_COLUMN in wanted and EXPLOITATION_COLUMN not in header
    needed = [c for c in wanted if not (derive and c == EXPLOITATION_COLUMN)]
    if derive:
        flags = [c for c in EXPLOITATION_FORMS if c in header and c not in needed]
        if not flags and not any(c in EXPLOITATION_FORMS for c in needed):
            raise TableError(
                f"no column {EXPLOITATION_COLUMN!r}, nor the CTDC flags it is derived from (isForcedLabour, ...)"
            )
        needed += flags
    missing = [c for c in needed if c not in header]
    if len(wanted) > MAX_DIMENSIONS:
        raise TableError(f"at most {MAX_DIMENSIONS} dimensions")
    if missing:
        shown = ", ".join(header[:12]) + (", ..." if len(header) > 12 else "")
        raise TableError(f"no column {missing[0]!r} in the file (its columns: {shown})")
    positions = [header.index(c) for c in needed]
    width = max(positions) + 1
    pick = itemgetter(*positions)
    values: list[object] = []
    try:
        for number, row in enumerate(reader, start=2):
            if len(row) < width:
                if not any(cell.strip() for cell in row):
                    continue
                raise TableError(f"row {number} has {len(row)} fields, the header {len(header)}")
            values.append(pick(row))
    except csv.Error as exc:
        raise TableError(f"the file is not a readable CSV ({exc})") from None
    count = len(values)
    if count == 0:
        raise TableError("the file has a header but no records")
    if len(needed) == 1:
        arrays = {needed[0]: np.char.strip(np.array(values, dtype=str))}
    else:
        matrix = np.array(values, dtype=str).reshape(count, len(needed))
        arrays = {name: np.char.strip(matrix[:, i]) for i, name in enumerate(needed)}
    if derive:
        arrays[EXPLOITATION_COLUMN] = derive_exploitation(arrays)
    return Records({c: arrays[c] for c in wanted}, count, header)


def derive_exploitation(columns: dict[str, np.ndarray]) -> np.ndarray:
    """The form of exploitation of each record from the CTDC flags (vectorised; the first flag set wins)."""
    first = next(iter(columns.values()))
    result = np.full(first.shape, "Unknown", dtype="<U18")
    decided = np.zeros(first.shape, dtype=bool)
    for flag, form in EXPLOITATION_FORMS.items():
        if flag not in columns:
            continue
        hit = (columns[flag] == "1") & ~decided
        result[hit] = form
        decided |= hit
    return result


@dataclass
class Table:
    dimensions: list[str]
    domains: list[Domain]
    counts: np.ndarray  # int64, one axis a dimension, in the order of each domain's categories
    records: int
    recoded: dict[str, int] = field(default_factory=dict)  # column -> records outside the code list, recoded

    @property
    def cells(self) -> int:
        return int(self.counts.size)


def domains_for(records: Records, by: Sequence[str], *, pool_below: int | None = None) -> list[Domain]:
    """Known code lists where Lantern has them; otherwise the values seen (sorted). With `pool_below` (k mode),
    values of an unknown column seen fewer than that many times are pooled into one "(other)" category, so that
    the list of categories itself names no rare value."""
    result = []
    for column in by:
        domain = known_domain(column)
        if domain is None:
            values, counts = np.unique(records.columns[column], return_counts=True)
            if pool_below is not None:
                rare = values[(counts > 0) & (counts < pool_below)]
                kept = tuple(str(v) for v in values[counts >= pool_below])
                domain = Domain((*kept, OTHER) if len(rare) else kept, known=False, pooled=tuple(str(v) for v in rare))
            else:
                domain = Domain(tuple(str(v) for v in values), known=False)
        result.append(domain)
    return result


def encode(values: np.ndarray, domain: Domain, column: str) -> tuple[np.ndarray, int]:
    """The index of each value in the domain's categories, and how many values were recoded (outside a known
    list, into its unknown code; pooled values, into "(other)")."""
    categories = np.array(domain.categories, dtype=str)
    order = np.argsort(categories, kind="stable")
    sorted_categories = categories[order]
    position = np.searchsorted(sorted_categories, values)
    position = np.minimum(position, len(sorted_categories) - 1)
    found = sorted_categories[position] == values
    codes = order[position]
    outside = ~found
    recoded = int(outside.sum())
    if recoded:
        fallback = OTHER if domain.pooled else domain.unknown_code
        if fallback is None:
            bad = str(values[np.flatnonzero(outside)[0]])
            raise TableError(f"{column}: {bad!r} is not one of its codes ({domain.categories[0]}...)")
        codes = np.where(outside, domain.categories.index(fallback), codes)
        if domain.pooled:
            recoded = 0  # pooling is stated separately
    return codes.astype(np.int64), recoded


def crosstab(
    records: Records, by: Sequence[str], *, pool_below: int | None = None, max_cells: int = MAX_CELLS
) -> Table:
    """Counts of every combination of the categories of `by`, including the empty ones."""
    if not by:
        raise TableError("choose at least one dimension")
    if len(by) > MAX_DIMENSIONS:
        raise TableError(f"at most {MAX_DIMENSIONS} dimensions")
    if len(set(by)) != len(by):
        raise TableError("a dimension is named twice")
    domains = domains_for(records, by, pool_below=pool_below)
    shape = tuple(len(d.categories) for d in domains)
    cells = int(np.prod(shape, dtype=np.int64))
    if cells > max_cells:
        raise TableError(f"the table would have {cells:,} cells (at most {max_cells:,}): choose fewer dimensions")
    codes = []
    recoded: dict[str, int] = {}
    for column, domain in zip(by, domains, strict=True):
        column_codes, outside = encode(records.columns[column], domain, column)
        codes.append(column_codes)
        if outside:
            recoded[column] = outside
    flat = np.ravel_multi_index(tuple(codes), shape) if len(codes) > 1 else codes[0]
    counts = np.bincount(flat, minlength=cells).astype(np.int64).reshape(shape)
    return Table(list(by), domains, counts, records.count, recoded)


def ctdc_columns() -> list[str]:
    """The columns of Lantern's own CTDC export, and the derived form of exploitation."""
    return [*CTDC_COLUMNS, EXPLOITATION_COLUMN]

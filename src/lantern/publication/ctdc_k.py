"""CTDC-format de-identified microdata that is k-anonymous (k = 11, as CTDC publishes) on its quasi-identifiers.

The rows come from the cases' own CTDC mapping (`lantern.cases.htcds.ctdc_row`, the cases consented to
statistics). Quasi-identifiers are what someone who knows a victim could know: year of registration, gender, age
band and majority status, citizenship, country of exploitation and the forms of exploitation. Each step below is
taken only while some combination of quasi-identifiers describes fewer than k people, and every step is counted in
the summary:

1. citizenships and countries of exploitation held by fewer than k people become "00" (unknown);
2. age bands are widened to 0--17, 18--29, 30--47, 48+;
3. in the combinations still too small, the exploitation flags are blanked (-99, missing);
4. then their citizenship becomes "00";
5. then their age band becomes "Unknown";
6. the records still in a combination of fewer than k are left out.

Rows are sorted by their values, so the order says nothing about when a case was registered. The other columns
(means of control, types of labour and of sexual exploitation, relation to the recruiter, abroad, recruited
online) are kept as they are: k-anonymity does not stop a combination whose k people share one of those values
from revealing it (no l-diversity), which is why this file goes to analysts and not to the public.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from lantern.cases.htcds import CTDC_COLUMNS, CTDC_EXPLOITATION, ctdc_row
from lantern.core.exports import csv_writer

QUASI_IDENTIFIERS = [
    "yearOfRegistration",
    "gender",
    "ageBroad",
    "majorityStatus",
    "citizenship",
    "CountryOfExploitation",
    *CTDC_EXPLOITATION,
    "isSexAndLabour",
]
EXPLOITATION_FLAGS = [*CTDC_EXPLOITATION, "isSexAndLabour"]
WIDE_AGE = {"0--8": "0--17", "9--17": "0--17", "18--20": "18--29", "21--23": "18--29", "24--26": "18--29",
            "27--29": "18--29", "30--38": "30--47", "39--47": "30--47"}  # fmt: skip


@dataclass
class Anonymised:
    columns: list[str]
    rows: np.ndarray  # text, one row a record, in `columns` order
    k: int
    records_in: int
    steps: dict[str, int] = field(default_factory=dict)  # step -> records (or values) it changed

    @property
    def records_out(self) -> int:
        return int(self.rows.shape[0])


def _group_sizes(rows: np.ndarray, qi: list[int]) -> np.ndarray:
    """For each record, how many records share its quasi-identifiers (vectorised: one np.unique over the rows)."""
    if rows.shape[0] == 0:
        return np.zeros(0, dtype=np.int64)
    _, inverse, counts = np.unique(rows[:, qi], axis=0, return_inverse=True, return_counts=True)
    return counts[inverse.ravel()]


def anonymise(rows: np.ndarray, columns: list[str], *, k: int = 11) -> Anonymised:
    rows = rows.astype(str).copy()
    position = {name: i for i, name in enumerate(columns)}
    qi = [position[c] for c in QUASI_IDENTIFIERS]
    result = Anonymised(columns, rows, k, rows.shape[0])

    def small() -> np.ndarray:
        return _group_sizes(rows, qi) < k

    for column in ("citizenship", "CountryOfExploitation"):
        if not small().any():
            break
        _, inverse, counts = np.unique(rows[:, position[column]], return_inverse=True, return_counts=True)
        rare = (counts[inverse.ravel()] < k) & (rows[:, position[column]] != "00")
        rows[rare, position[column]] = "00"
        result.steps[f"rare {column} to 00"] = int(rare.sum())
    if small().any():
        age = rows[:, position["ageBroad"]]
        widened = np.array([WIDE_AGE.get(a, a) for a in np.unique(age)])
        lookup = dict(zip(np.unique(age), widened, strict=True))
        changed = np.array([lookup[a] != a for a in age]) if age.size else np.zeros(0, dtype=bool)
        rows[:, position["ageBroad"]] = np.vectorize(lookup.get, otypes=[str])(age) if age.size else age
        result.steps["age bands widened"] = int(changed.sum())
    local_steps = [
        ("exploitation flags blanked", [position[c] for c in EXPLOITATION_FLAGS], "-99"),
        ("citizenship to 00", [position["citizenship"]], "00"),
        ("age band to Unknown", [position["ageBroad"]], "Unknown"),
    ]
    for name, targets, value in local_steps:
        too_small = small()
        if not too_small.any():
            break
        for target in targets:
            rows[too_small, target] = value
        result.steps[name] = int(too_small.sum())
    too_small = small()
    if too_small.any():
        result.steps["records left out"] = int(too_small.sum())
        rows = rows[~too_small]
    if rows.shape[0]:
        order = np.lexsort(rows.T[::-1])
        rows = rows[order]
    result.rows = rows
    return result


def lantern_ctdc_rows() -> tuple[np.ndarray, list[str]]:
    """Lantern's cases consented to statistics and its anonymous notifications, as CTDC rows (the cases app's own
    mapping)."""
    from lantern.cases.htcds import ctdc_cases, ctdc_notification_row
    from lantern.cases.identification.selectors import notifications_in_scope
    from lantern.cases.models import Case

    rows = [ctdc_row(case, case.person.citizenship) for case in ctdc_cases(Case.objects.all()).iterator(2000)]
    rows += [ctdc_notification_row(n) for n in notifications_in_scope(None).iterator(2000)]  # adults who declined
    array = np.array(rows, dtype=str) if rows else np.zeros((0, len(CTDC_COLUMNS)), dtype=str)
    return array, list(CTDC_COLUMNS)


def to_csv(anonymised: Anonymised) -> str:
    out = io.StringIO()
    writer = csv_writer(out, lineterminator="\n")
    writer.writerow(anonymised.columns)
    writer.writerows(anonymised.rows.tolist())
    return out.getvalue()


def ctdc_k_response(anonymised: Anonymised) -> Any:
    """The k-anonymous CTDC file as a download (the page and the API, after their own permission check and the
    audited export, `services.ctdc_k_export`)."""
    from django.http import HttpResponse

    response = HttpResponse(to_csv(anonymised), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="ctdc-k11.csv"'
    return response

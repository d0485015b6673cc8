"""The CTDC export for analysts is k-anonymous: every combination of its quasi-identifiers has at least 11 rows."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import numpy as np
import pytest
from django.core.management import call_command
from django.test import Client

from lantern.cases.generate import generate_cases
from lantern.cases.htcds import CTDC_COLUMNS
from lantern.core.models import AuditEvent
from lantern.publication.ctdc_k import QUASI_IDENTIFIERS, anonymise
from tests.conftest import World

K = 11


def assert_k_anonymous(text: str, k: int = K) -> int:
    rows = list(csv.DictReader(io.StringIO(text)))
    groups: dict[tuple[str, ...], int] = {}
    for row in rows:
        key = tuple(row[c] for c in QUASI_IDENTIFIERS)
        groups[key] = groups.get(key, 0) + 1
    assert all(size >= k for size in groups.values()), min(groups.values())
    return len(rows)


def _synthetic(n: int, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    rows = np.full((n, len(CTDC_COLUMNS)), "0", dtype="<U12")
    at = {c: i for i, c in enumerate(CTDC_COLUMNS)}
    rows[:, at["yearOfRegistration"]] = rng.integers(2018, 2024, n).astype(str)
    rows[:, at["gender"]] = rng.choice(["Female", "Male", "Unknown"], n, p=[0.6, 0.38, 0.02])
    rows[:, at["ageBroad"]] = rng.choice(["0--8", "9--17", "18--20", "24--26", "30--38", "48+"], n)
    rows[:, at["majorityStatus"]] = rng.choice(["Adult", "Minor"], n)
    rows[:, at["citizenship"]] = rng.choice(["RO", "BG", "NG", "AL", "PK", "SY"], n, p=[0.3, 0.2, 0.2, 0.2, 0.07, 0.03])
    rows[:, at["CountryOfExploitation"]] = rng.choice(["GR", "IT", "CY"], n, p=[0.8, 0.18, 0.02])
    rows[:, at["isForcedLabour"]] = rng.choice(["0", "1"], n)
    rows[:, at["isSexualExploit"]] = rng.choice(["0", "1"], n)
    return rows


@pytest.mark.parametrize(("n", "seed"), [(50, 1), (800, 2), (5000, 3)])
def test_every_quasi_identifier_combination_has_at_least_k_records(n: int, seed: int) -> None:
    result = anonymise(_synthetic(n, seed), list(CTDC_COLUMNS), k=K)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CTDC_COLUMNS)
    writer.writerows(result.rows.tolist())
    kept = assert_k_anonymous(out.getvalue())
    assert kept == result.records_out == n - result.steps.get("records left out", 0)
    if n >= 800:
        assert kept > n * 0.5  # generalisation first: most records survive


def test_a_rare_citizenship_is_generalised_not_named() -> None:
    rows = _synthetic(2000, 4)
    rows[:3, list(CTDC_COLUMNS).index("citizenship")] = "IS"
    result = anonymise(rows, list(CTDC_COLUMNS), k=K)
    assert "IS" not in set(result.rows[:, list(CTDC_COLUMNS).index("citizenship")])
    assert result.steps["rare citizenship to 00"] == 3


@pytest.fixture
def generated(world: World) -> None:
    generate_cases(count=500, seed=3, organisations=[world.ngo_a])


def test_the_command_exports_lantern_cases_k_anonymous(generated: None, tmp_path: Path) -> None:
    out = tmp_path / "ctdc.csv"
    stdout = io.StringIO()
    call_command("stats", "ctdc", "--out", str(out), "--json", stdout=stdout, stderr=io.StringIO())
    summary = json.loads(stdout.getvalue())
    assert summary["k"] == K
    assert summary["rows"] == assert_k_anonymous(out.read_text())
    assert out.stat().st_mode & 0o077 == 0
    assert AuditEvent.objects.filter(action="insights.ctdc_export").count() == 1


def test_analysts_download_it_from_the_page_and_the_api(
    generated: None, staff: dict[str, Client], api_client: dict[str, Client]
) -> None:
    page = staff["analyst"].get("/insights/publication/ctdc-k11.csv")
    assert page.status_code == 200
    assert page["Content-Type"].startswith("text/csv")
    assert_k_anonymous(page.content.decode())
    api = api_client["coordinator"].get("/api/v1/insights/publication/ctdc")
    assert api.status_code == 200
    header = api.content.decode().splitlines()[0].split(",")
    assert header == list(CTDC_COLUMNS)  # the cases app's CTDC mapping, reused
    assert not {"prs_FirstName", "lt_Reference"} & set(header)

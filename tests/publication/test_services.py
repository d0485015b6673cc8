"""Publishing statistics: the service and its ledger, the console command, the pages and the API."""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.test import Client

from lantern.cases.models import Case
from lantern.core.models import AuditEvent
from lantern.publication.crosstab import read_csv
from lantern.publication.models import LANTERN_DATASET, PublicationDataset, PublicationRelease
from lantern.publication.services import dataset_key_for_file, publish
from tests.conftest import World
from tests.helpers import Generated, generate
from tests.publication.helpers import csv_base64, records_csv

K = 11


def _rows(release: PublicationRelease) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(release.table_csv)))


def _publish(content: bytes, by: list[str], **mode: object) -> PublicationRelease:
    key, label = dataset_key_for_file(content)
    return publish(
        actor=None, dataset_key=key, dataset_label=label, records=read_csv(content, by), by=by, source="test",
        **mode,  # type: ignore[arg-type]
    )  # fmt: skip


def test_k_mode_publishes_cells_and_margins_with_nothing_from_1_to_k_minus_1(db: None) -> None:
    release = _publish(records_csv(), ["citizenship", "gender"], k=K)
    rows = _rows(release)
    assert list(rows[0]) == ["citizenship", "gender", "count"]
    values = [int(r["count"]) for r in rows if r["count"] != ""]
    assert all(v == 0 or v >= K for v in values)
    total = next(r for r in rows if r["citizenship"] == "Total" and r["gender"] == "Total")
    assert total["count"] == "600"
    assert release.suppressed == sum(1 for r in rows if r["count"] == "")
    pk = [r for r in rows if r["citizenship"] == "PK" and r["gender"] in ("Female", "Male")]
    assert any(r["count"] == "" for r in pk)  # PK is rare: its cells are suppressed
    assert "k = 11" in release.note
    assert "Audit: for every suppressed value" in release.note
    assert release.chart_svg.startswith("<svg")
    # The chart draws the published margins by citizenship and gender: no small value, no Total bar.
    assert all(p["count"] is None or p["count"] == 0 or p["count"] >= K for p in release.chart_data)
    assert "Total" not in {p["category"] for p in release.chart_data} | {p["series"] for p in release.chart_data}


def test_dp_mode_releases_every_combination_including_empty_ones_and_spends_the_budget(db: None) -> None:
    release = _publish(records_csv(), ["gender", "citizenship"], epsilon=0.5)
    rows = _rows(release)
    # Every code of the CTDC lists, not only those seen: 3 genders x every country and "00".
    assert len(rows) == release.cells > 3 * 200
    assert {r["gender"] for r in rows} == {"Female", "Male", "Unknown"}
    assert all(r["count"].isdigit() for r in rows)  # non-negative integers, none withheld
    assert "Total" not in {r["gender"] for r in rows}
    dataset = release.dataset
    assert dataset.budget == 1.0
    assert "epsilon = 0.5" in release.note
    assert "sensitivity" in release.note
    assert "0.5 of 1 spent" in release.note


def test_the_ledger_refuses_a_release_past_the_budget_and_writes_nothing(db: None) -> None:
    content = records_csv()
    _publish(content, ["gender"], epsilon=0.7)
    releases, events = PublicationRelease.objects.count(), AuditEvent.objects.count()
    with pytest.raises(ValidationError) as refused:
        _publish(content, ["ageBroad"], epsilon=0.4)
    assert "would be exceeded" in str(refused.value)
    assert "0.3 is left" in str(refused.value).replace("0.30", "0.3")
    assert PublicationRelease.objects.count() == releases
    assert AuditEvent.objects.count() == events
    _publish(content, ["ageBroad"], epsilon=0.3)  # what is left can still be spent
    _publish(content, ["ageBroad"], k=K)  # suppression spends no epsilon
    assert PublicationDataset.objects.get().releases.count() == 3


def test_the_budget_comes_from_settings(db: None, settings: pytest.FixtureRequest) -> None:
    settings.LANTERN_DP_BUDGET = 0.2  # type: ignore[attr-defined]
    with pytest.raises(ValidationError, match="exceeded"):
        _publish(records_csv(), ["gender"], epsilon=0.25)


def test_bad_parameters_are_refused(db: None) -> None:
    content = records_csv()
    with pytest.raises(ValidationError, match="exactly one"):
        _publish(content, ["gender"], k=K, epsilon=1.0)
    with pytest.raises(ValidationError, match="from 2"):
        _publish(content, ["gender"], k=1)


# --- the console command ---------------------------------------------------------------------------------------


def _stats(*args: str) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("stats", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_the_command_writes_table_chart_and_note_and_a_json_summary(db: None, tmp_path: Path) -> None:
    source = tmp_path / "ctdc.csv"
    source.write_bytes(records_csv())
    out = tmp_path / "table.csv"
    stdout, stderr = _stats("publish", "--input", str(source), "--by", "gender,ageBroad", "--epsilon", "0.25",
                            "--out", str(out), "--json", "--dataset", "CTDC 2024")  # fmt: skip
    summary = json.loads(stdout)
    assert summary["mode"] == "dp"
    assert summary["budget_left"] == pytest.approx(0.75)
    assert summary["dataset"] == "name:CTDC 2024"
    assert out.read_text().startswith("gender,ageBroad,count\n")
    assert (tmp_path / "table.svg").read_text().startswith("<svg")
    assert (tmp_path / "table.md").read_text().startswith("# Methodology")
    assert "counted 600 records" in stderr  # progress


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["--by", "gender", "--k", "1"], "k must be from 2"),
        (["--by", "nowhere", "--k", "11"], "no column 'nowhere'"),
        (["--by", "gender", "--epsilon", "0"], "epsilon must be more than 0"),
        (["--by", " , ", "--k", "11"], "--by names no column"),
    ],
)
def test_the_command_refuses_bad_arguments_with_exit_2_and_writes_nothing(
    db: None, tmp_path: Path, arguments: list[str], message: str
) -> None:
    source = tmp_path / "in.csv"
    source.write_bytes(records_csv())
    out = tmp_path / "out.csv"
    with pytest.raises(CommandError, match=message) as refused:
        _stats("publish", "--input", str(source), "--out", str(out), *arguments)
    assert refused.value.returncode == 2
    assert list(tmp_path.iterdir()) == [source]
    assert not PublicationRelease.objects.exists()


def test_the_command_refuses_a_bad_file_and_an_existing_output(db: None, tmp_path: Path) -> None:
    empty = tmp_path / "empty.csv"
    empty.write_text("")
    with pytest.raises(CommandError, match="empty") as refused:
        _stats("publish", "--input", str(empty), "--by", "gender", "--k", "11", "--out", str(tmp_path / "o.csv"))
    assert refused.value.returncode == 2
    good = tmp_path / "good.csv"
    good.write_bytes(records_csv())
    (tmp_path / "o.md").write_text("already here")
    with pytest.raises(CommandError, match="exists"):
        _stats("publish", "--input", str(good), "--by", "gender", "--k", "11", "--out", str(tmp_path / "o.csv"))
    assert not (tmp_path / "o.csv").exists()


def test_the_command_refuses_past_the_budget_with_exit_2(db: None, tmp_path: Path) -> None:
    source = tmp_path / "in.csv"
    source.write_bytes(records_csv())
    _stats("publish", "--input", str(source), "--by", "gender", "--epsilon", "1", "--out", str(tmp_path / "a.csv"))
    with pytest.raises(CommandError, match=r"budget .* would be exceeded") as refused:
        _stats(
            "publish", "--input", str(source), "--by", "gender", "--epsilon", "0.1", "--out", str(tmp_path / "b.csv")
        )
    assert refused.value.returncode == 2
    assert not (tmp_path / "b.csv").exists()
    assert not (tmp_path / "b.md").exists()


# --- Lantern's own data ----------------------------------------------------------------------------------------


@pytest.fixture
def generated(world: World) -> Generated:
    return generate(count=400, seed=11, organisations=[world.ngo_a, world.ngo_b])


def test_the_api_publishes_from_lantern_data_and_refuses_past_the_budget(
    generated: Generated, api_client: dict[str, Client]
) -> None:
    client = api_client["analyst"]
    body = {"source": "lantern", "by": ["gender", "typeOfExploitation"], "epsilon": 0.6}
    response = client.post("/api/v1/insights/publication/releases", body, content_type="application/json")
    assert response.status_code == 201, response.content
    release = response.json()
    assert release["dataset"] == LANTERN_DATASET
    assert release["budget_spent"] == pytest.approx(0.6)
    assert release["table_csv"].startswith("gender,typeOfExploitation,count")
    refused = client.post("/api/v1/insights/publication/releases", body, content_type="application/json")
    assert refused.status_code == 422
    assert refused["Content-Type"] == "application/problem+json"
    assert refused.json()["errors"][0]["field"] == "epsilon"
    budgets = client.get("/api/v1/insights/publication/budgets").json()
    assert budgets[0]["key"] == LANTERN_DATASET
    assert budgets[0]["left"] == pytest.approx(0.4)
    assert client.get(f"/api/v1/insights/publication/releases/{release['id']}").json()["note"] == release["note"]
    # Nothing a person could be recognised by: no case reference anywhere in what the analyst got.
    references = list(Case.objects.values_list("reference", flat=True)[:50])
    assert not any(ref in response.content.decode() for ref in references)


def test_the_api_refuses_a_bad_upload_with_the_field(world: World, api_client: dict[str, Client]) -> None:
    client = api_client["coordinator"]
    bad = {"source": "csv", "csv_base64": "@@@", "by": ["gender"], "k": 11}
    response = client.post("/api/v1/insights/publication/releases", bad, content_type="application/json")
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "csv_base64"
    no_column = {"source": "csv", "csv_base64": csv_base64(), "by": ["nope"], "k": 11}
    response = client.post("/api/v1/insights/publication/releases", no_column, content_type="application/json")
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "by"


# --- the pages -------------------------------------------------------------------------------------------------


def test_an_analyst_publishes_an_upload_and_sees_chart_table_note_and_budget(
    world: World, staff: dict[str, Client]
) -> None:
    client = staff["analyst"]
    page = client.get("/insights/publication/")
    assert page.status_code == 200
    assert b"Privacy budget by dataset" in page.content
    upload = SimpleUploadedFile("ctdc.csv", records_csv(), content_type="text/csv")
    response = client.post(
        "/insights/publication/",
        {"source": "upload", "upload": upload, "by": ["citizenship", "gender"], "mode": "k", "k": "11", "epsilon": ""},
    )
    assert response.status_code == 302
    result = client.get(response["Location"])
    body = result.content.decode()
    assert result.status_code == 200
    assert "chart.svg" in body
    assert "Methodology" in body
    assert "suppressed" in body
    release = PublicationRelease.objects.get()
    table = client.get(f"/insights/publication/{release.pk}/table.csv")
    assert table["Content-Type"].startswith("text/csv")
    assert table.content.decode() == release.table_csv
    chart = client.get(f"/insights/publication/{release.pk}/chart.svg")
    assert chart["Content-Type"] == "image/svg+xml"
    assert client.get(f"/insights/publication/{release.pk}/note.md").content.decode() == release.note
    assert client.get(f"/insights/publication/{release.pk}/other.txt").status_code == 404


def test_the_form_keeps_what_was_typed_and_says_why_it_refused(world: World, staff: dict[str, Client]) -> None:
    client = staff["coordinator"]
    upload = SimpleUploadedFile("ctdc.csv", records_csv(), content_type="text/csv")
    response = client.post(
        "/insights/publication/",
        {"source": "upload", "upload": upload, "by": ["gender"], "other": "region", "mode": "dp", "epsilon": "0.3",
         "dataset": "Field survey"},
    )  # fmt: skip
    assert response.status_code == 422
    body = response.content.decode()
    assert "no column &#x27;region&#x27;" in body
    assert 'value="region"' in body
    assert re.search(r'value="gender"[^>]*checked', body)
    assert 'value="Field survey"' in body
    assert 'value="0.3"' in body
    response = client.post("/insights/publication/", {"source": "upload", "by": "gender", "mode": "k", "k": "11"})
    assert "Choose the CSV file" in response.content.decode()


def test_the_budget_refusal_is_shown_on_the_page(generated: Generated, staff: dict[str, Client]) -> None:
    client = staff["analyst"]
    form = {"source": "lantern", "by": "gender", "mode": "dp", "epsilon": "0.8"}
    assert client.post("/insights/publication/", form).status_code == 302
    refused = client.post("/insights/publication/", form)
    assert refused.status_code == 422
    assert "would be exceeded" in refused.content.decode()
    assert PublicationRelease.objects.count() == 1


@pytest.mark.parametrize("persona", ["caseworker", "supervisor", "police", "auditor", "sysadmin", "outsider"])
def test_only_analysts_and_the_coordinator_reach_the_pages(
    world: World, staff: dict[str, Client], persona: str
) -> None:
    client = staff[persona]
    assert client.get("/insights/publication/").status_code == 403
    assert client.get("/insights/publication/ctdc-k11.csv").status_code == 403


@pytest.mark.parametrize(
    "body",
    [
        {"source": "lantern", "by": ["gender"], "k": 11},  # no case consented to statistics yet
        {"source": "csv", "csv_base64": csv_base64(b"gender\n"), "by": ["gender"], "k": 11},
        {"source": "csv", "csv_base64": csv_base64(b"\xff\xfe\x00garbage"), "by": ["gender"], "k": 11},
        {"source": "csv", "csv_base64": csv_base64(), "by": ["gender", "gender"], "k": 11},
        {"source": "csv", "csv_base64": csv_base64(), "by": [""], "epsilon": 0.1},
        {"source": "csv", "csv_base64": csv_base64(), "by": ["gender"], "k": 11, "epsilon": 0.1},
        {"source": "csv", "csv_base64": csv_base64(), "by": ["gender"]},
        {"source": "csv", "csv_base64": csv_base64(b"a,b\n1\n"), "by": ["b"], "k": 11},
    ],
)
def test_bad_requests_get_a_4xx_with_nothing_recorded(
    world: World, api_client: dict[str, Client], body: dict[str, object]
) -> None:
    response = api_client["analyst"].post(
        "/api/v1/insights/publication/releases", body, content_type="application/json"
    )
    assert response.status_code == 422, response.content
    assert response["Content-Type"] == "application/problem+json"
    assert not PublicationRelease.objects.exists()


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_two_releases_at_once_cannot_both_spend_the_last_of_the_budget() -> None:
    import threading

    from django.db import connection

    content = records_csv()
    records = read_csv(content, ["gender"])
    key, label = dataset_key_for_file(content)
    start = threading.Barrier(2)
    outcomes: list[str] = []

    def release() -> None:
        try:
            start.wait()
            publish(actor=None, dataset_key=key, dataset_label=label, records=records, by=["gender"], epsilon=0.6,
                    source="test")  # fmt: skip
            outcomes.append("published")
        except ValidationError:
            outcomes.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=release) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["published", "refused"]
    assert PublicationRelease.objects.count() == 1
    assert PublicationDataset.objects.get().releases.get().epsilon == 0.6


def test_the_budget_list_costs_the_same_queries_for_many_datasets(
    world: World, api_client: dict[str, Client], django_assert_max_num_queries: object
) -> None:
    for seed in range(4):
        _publish(records_csv(60, seed=seed), ["gender"], epsilon=0.1)
    with django_assert_max_num_queries(6):  # type: ignore[operator]
        response = api_client["analyst"].get("/api/v1/insights/publication/budgets")
    assert len(response.json()) == 5  # Lantern's own and the four files


def test_the_demo_publishes_one_table_once(generated: Generated) -> None:
    from lantern.publication import demo as publication_demo

    publication_demo.load()
    publication_demo.load()
    release = PublicationRelease.objects.get()
    assert release.dimensions == ["yearOfRegistration", "gender", "typeOfExploitation"]
    assert release.k == 11

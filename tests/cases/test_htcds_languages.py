"""HTCDS specifies ISO 639-2 language codes: an import with Edo (`bin`), Nigerian Pidgin (`pcm`), Dari (`prs`) or
Sorani (`ckb`) imports (it crashed with Babel's UnknownLocaleError), bibliographic codes become the stored ones,
and an unknown code is a named row error, never a crash."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from lantern.cases.models import Case
from tests.conftest import World

HEADER = ["prs_FirstName", "prs_Gender", "prs_PrimaryLanguage", "prs_SecondaryLanguage", "prs_Citizenship",
          "vic_TypeOfExploitation", "lt_IdentifiedOn", "lt_ExploitationCountry"]  # fmt: skip


def _file(path: Path, languages: list[tuple[str, str]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADER)
        for i, (primary, other) in enumerate(languages):
            writer.writerow([f"Person{i}", "Feminine", primary, other, "NG", "SexualExploitation", "2025-06-01", "IT"])
    return path


def test_iso_639_2_and_3_codes_import(world: World, tmp_path: Path, clock: object) -> None:
    path = _file(tmp_path / "cases.csv", [("bin", "pcm;eng"), ("prs", "per"), ("ckb", "ara"), ("rum", "")])
    call_command("import", "htcds", str(path), "--org", world.ngo_a.name, stdout=io.StringIO())
    languages = sorted(
        (person.primary_language, person.other_languages)
        for person in (case.person for case in Case.objects.select_related("person"))
    )
    assert languages == [("bin", ["pcm", "en"]), ("ckb", ["ar"]), ("prs", ["fa"]), ("ro", [])]


@pytest.mark.parametrize("code", ["zzz", "xx", "und"])
def test_an_unknown_language_is_a_row_error_not_a_crash(world: World, tmp_path: Path, code: str) -> None:
    path = _file(tmp_path / "cases.csv", [("bin", ""), (code, "")])
    stderr = io.StringIO()
    with pytest.raises(CommandError):
        call_command("import", "htcds", str(path), "--org", world.ngo_a.name, stderr=stderr)
    assert "row 3: prs_PrimaryLanguage: not ISO 639 language codes" in stderr.getvalue()
    assert not Case.objects.exists()

"""The methodology note in the reader's language: its fixed text is written with the release in each staff
language, what the analyst typed (the source, the columns) stays as written, and a release made before notes were
translated shows its English note and says so."""

from __future__ import annotations

from django.test import Client

from lantern.publication.crosstab import read_csv
from lantern.publication.models import PublicationRelease
from lantern.publication.services import dataset_key_for_file, publish
from tests.conftest import World
from tests.publication.helpers import records_csv


def _release(**mode: object) -> PublicationRelease:
    content = records_csv()
    key, label = dataset_key_for_file(content)
    by = ["citizenship", "gender"]
    return publish(
        actor=None, dataset_key=key, dataset_label=label, records=read_csv(content, by), by=by,
        source="Registre national 2025 *brut*", **mode,  # type: ignore[arg-type]
    )  # fmt: skip


def test_the_note_is_written_in_every_staff_language_and_the_analysts_words_stay_as_typed(db: None) -> None:
    release = _release(k=11)
    assert release.note.startswith("# Methodology: Citizenship x Sex\n")
    assert "- Citizenship (`citizenship`): " in release.note  # the download's code beside the name
    assert sorted(release.notes) == ["ar", "es", "fr", "ru", "uk"]
    french = release.notes["fr"]
    assert french.startswith("# Méthodologie : Nationalité x Sexe\n")
    assert "## Méthode : suppression des petites cellules, k = 11" in french
    assert "Audit : pour chaque valeur masquée" in french
    # The source as the analyst typed it, escaped as Markdown in every language.
    assert r"Registre national 2025 \*brut\*" in french
    assert r"Registre national 2025 \*brut\*" in release.notes["ar"]
    assert "المنهجية" in release.notes["ar"]
    dp = _release(epsilon=0.5)
    assert "## Método: privacidad diferencial, épsilon = 0.5" in dp.notes["es"]
    assert "Механизм: дискретный шум Лапласа" in dp.notes["ru"]


def test_the_release_page_shows_the_note_in_the_readers_language_or_says_it_is_english(
    world: World, staff: dict[str, Client]
) -> None:
    release = _release(k=11)
    client = staff["analyst"]
    page = client.get(f"/insights/publication/{release.pk}/", HTTP_ACCEPT_LANGUAGE="ar").content.decode()
    assert '<div class="note" lang="ar" dir="rtl">' in page
    assert "الطريقة: حجب الخلايا الصغيرة" in page
    note = client.get(f"/insights/publication/{release.pk}/note.md", HTTP_ACCEPT_LANGUAGE="uk").content.decode()
    assert note == release.notes["uk"]
    # A release older than the translated notes: its English note, with a sentence saying why.
    PublicationRelease.objects.filter(pk=release.pk).update(notes={})
    page = client.get(f"/insights/publication/{release.pk}/", HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert '<div class="note" lang="en" dir="ltr">' in page
    assert "Cette note est en anglais" in page
    english = client.get(f"/insights/publication/{release.pk}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "This note is in English" not in english


def test_the_notes_dimensions_and_total_are_in_the_readers_language_not_codes(db: None) -> None:
    """An outside reviewer read "yearOfRegistration x gender" and "Total" in the Arabic and Ukrainian notes."""
    release = _release(k=11)
    for language in ("ar", "uk"):
        note = release.notes[language]
        title = note.splitlines()[0]
        assert "citizenship" not in title, title
        assert "gender" not in title, title
        assert "`Total`" in note  # the code, once, to find the rows in the download
        assert "Total " not in note.replace("`Total`", ""), note
    assert "الجنسية" in release.notes["ar"].splitlines()[0]
    assert "Громадянство" in release.notes["uk"].splitlines()[0]
    assert "«Усього»" in release.notes["uk"], release.notes["uk"]

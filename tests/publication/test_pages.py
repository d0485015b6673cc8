"""The publication pages as the analyst uses them: dimensions ticked from a list with their labels, radio buttons
beside their labels, the release page with the non-empty cells and totals only (and the whole table to download),
the methodology note rendered from its Markdown, the chart saying which dimensions it leaves out, ISO dates, and
a table the audit could not finish said to be so."""

from __future__ import annotations

import re

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from lantern.publication.models import PublicationRelease
from lantern.publication.suppression import AUDIT_NOT_DONE
from tests.conftest import World
from tests.publication.helpers import records_csv

BY = ["yearOfRegistration", "gender", "citizenship"]


def _publish(client: Client) -> PublicationRelease:
    upload = SimpleUploadedFile("ctdc.csv", records_csv(), content_type="text/csv")
    response = client.post(
        "/insights/publication/", {"source": "upload", "upload": upload, "by": BY, "mode": "k", "k": "11"}
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    return PublicationRelease.objects.get()


def test_the_dimensions_are_ticked_from_a_list_with_their_labels(world: World, staff: dict[str, Client]) -> None:
    body = staff["analyst"].get("/insights/publication/").content.decode()
    assert re.search(r'<input type="checkbox" name="by" value="citizenship"[^>]*>\s*Citizenship', body)
    assert re.search(r'<input type="checkbox" name="by" value="yearOfRegistration"[^>]*checked', body)
    # radio buttons sit in a fieldset with their legend, each inside its own label
    assert re.search(r'<fieldset class="choices"><legend>Protection</legend>', body)
    assert re.search(r'<label for="id_mode_0"><input type="radio"[^>]*>\s*Small-cell suppression', body)


def test_the_release_page_shows_the_non_empty_rows_the_rendered_note_and_what_the_chart_leaves_out(
    world: World, staff: dict[str, Client]
) -> None:
    client = staff["analyst"]
    release = _publish(client)
    body = client.get(f"/insights/publication/{release.pk}/").content.decode()
    table = body.split("The published table", 1)[1]
    rows = re.findall(r"<tr>(.*?)</tr>", table, flags=re.S)
    counts = [re.findall(r"<td>(.*?)</td>", row)[-1] for row in rows[1:]]
    assert counts
    assert "0" not in counts  # only non-empty cells and totals (suppressed ones included)
    assert any("Total" in row for row in rows)
    non_empty = sum(1 for line in release.table_csv.splitlines()[1:] if not line.endswith(",0"))
    assert f"{non_empty} non-empty rows" in body
    assert f'href="/insights/publication/{release.pk}/table.csv"' in body  # the whole table, empty rows too
    assert "<h3>Methodology: Year of registration x Sex x Citizenship</h3>" in body  # Markdown rendered, under the h2
    assert "<li>" in body.split("Methodology note", 1)[1]
    assert "# Methodology" not in body
    assert "The chart shows Year of registration, Sex and leaves out Citizenship" in body
    listing = client.get("/insights/publication/").content.decode()
    assert re.search(r"<time datetime=\"[^\"]+\">\d{4}-\d{2}-\d{2} \d{2}:\d{2}</time>", listing)


def test_a_note_that_says_the_audit_was_not_done_is_warned_about_on_the_page(
    world: World, staff: dict[str, Client]
) -> None:
    client = staff["analyst"]
    release = _publish(client)
    assert AUDIT_NOT_DONE not in release.note
    assert "not audited" not in client.get(f"/insights/publication/{release.pk}/").content.decode()
    release.note = release.note.replace("- Audit:", f"- {AUDIT_NOT_DONE}: <script>alert(1)</script>", 1)
    release.save(update_fields=["note"])
    body = client.get(f"/insights/publication/{release.pk}/").content.decode()
    assert 'role="alert"><strong>This table was not audited.</strong>' in body
    assert "<script>alert(1)</script>" not in body  # the note's Markdown never passes raw HTML through

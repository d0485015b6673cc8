"""What an analyst types or uploads is shown as text: a long dataset name is published (the audit keeps a short
form of its ledger key), and a name, a file name or a column that reads as a Markdown link stays literal text in
the methodology note, on the release page and in the API."""

from __future__ import annotations

import base64
import html

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from lantern.core.audit import MAX_DETAIL_TEXT
from lantern.core.models import AuditEvent
from lantern.publication.models import PublicationDataset, PublicationRelease
from lantern.publication.services import audit_dataset_key, md_code, md_text
from lantern.publication.views import render_note
from tests.conftest import World
from tests.publication.helpers import csv_base64, records_csv

LINK = "[ok](https://evil.example/)"
EVIL = 'href="https://evil.example/'


def _publish_page(client: Client, *, dataset: str = "", file_name: str = "ctdc.csv") -> PublicationRelease:
    upload = SimpleUploadedFile(file_name, records_csv(), content_type="text/csv")
    response = client.post(
        "/insights/publication/",
        {"source": "upload", "upload": upload, "by": ["gender"], "mode": "k", "k": "11", "dataset": dataset},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    return PublicationRelease.objects.get()


def _publish_audit_dataset() -> str:
    event = AuditEvent.objects.filter(action="insights.publish").latest("pk")
    dataset: str = event.detail["dataset"]
    return dataset


def test_a_dataset_name_of_up_to_200_characters_is_published_from_the_page(
    world: World, staff: dict[str, Client]
) -> None:
    name = "Survey of the northern border crossings, second wave, " + "x" * 146
    assert len(name) == 200
    release = _publish_page(staff["analyst"], dataset=name)
    assert release.dataset.label == name  # the ledger keeps the name as typed
    audited = _publish_audit_dataset()
    assert len(audited) <= MAX_DETAIL_TEXT
    assert audited == audit_dataset_key(release.dataset.key)
    assert audited.startswith("name:Survey of the northern border")


def test_a_dataset_name_of_76_to_200_characters_is_published_through_the_api(
    world: World, api_client: dict[str, Client]
) -> None:
    for length in (76, 90, 200):
        name = f"{length:03d}" + "n" * (length - 3)
        body = {"source": "csv", "csv_base64": csv_base64(), "dataset": name, "by": ["gender"], "k": 11}
        response = api_client["analyst"].post(
            "/api/v1/insights/publication/releases", body, content_type="application/json"
        )
        assert response.status_code == 201, response.content
        assert response.json()["dataset_label"] == name
        assert len(_publish_audit_dataset()) <= MAX_DETAIL_TEXT
    assert PublicationDataset.objects.filter(label__startswith="200").get().label == "200" + "n" * 197


def test_the_short_audit_form_of_two_long_keys_differs() -> None:
    first, second = "name:" + "a" * 89 + "b", "name:" + "a" * 89 + "c"
    assert audit_dataset_key(first) != audit_dataset_key(second)
    assert audit_dataset_key("name:short") == "name:short"


def test_a_dataset_and_file_name_that_read_as_a_link_are_shown_literally(
    world: World, staff: dict[str, Client]
) -> None:
    client = staff["analyst"]
    file_name = "[ok](evil.example) *bold*.csv"  # an upload's name keeps no "/"
    release = _publish_page(client, dataset=f"{LINK} ![img](https://evil.example/i.png)", file_name=file_name)
    body = client.get(f"/insights/publication/{release.pk}/").content.decode()
    assert EVIL not in body
    shown = body.split("Methodology note", 1)[1].split("</div>", 1)[0]
    assert "<img" not in shown
    assert "<a " not in shown
    assert "<em>" not in shown
    note = html.unescape(shown)
    assert f"the uploaded file {file_name}" in note
    assert f"{LINK} ![img](https://evil.example/i.png)" in note


def test_a_column_that_reads_as_a_link_or_breaks_its_code_span_stays_text(
    world: World, api_client: dict[str, Client]
) -> None:
    column = f"`{LINK}` <https://evil.example/>"
    content = f'"{column.replace(chr(34), chr(34) * 2)}",gender\n' + "a,Female\n" * 30
    body = {
        "source": "csv",
        "csv_base64": base64.b64encode(content.encode()).decode(),
        "by": [column, "gender"],
        "k": 11,
    }
    response = api_client["analyst"].post(
        "/api/v1/insights/publication/releases", body, content_type="application/json"
    )
    assert response.status_code == 201, response.content
    rendered = render_note(response.json()["note"])
    assert EVIL not in rendered
    assert html.escape(column, quote=False) in rendered or column in html.unescape(rendered)


def test_the_escapes_leave_no_markdown_and_the_renderer_makes_no_link() -> None:
    assert md_text("a\n# b [c](d)") == "a \\# b \\[c\\]\\(d\\)"
    assert md_code("x``y") == "```x``y```"
    assert md_code("`x") == "`` `x ``"
    rendered = render_note(f"{LINK} <https://evil.example/> ![i](https://evil.example/i.png)\n")
    assert EVIL not in rendered
    assert "<img" not in rendered

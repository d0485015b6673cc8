"""The release page in the reader's words: the dimensions by their names and Lantern's code values translated (the
download keeps the codes), Lantern's dataset named in the reader's language (the ledger keeps its English label),
the budget refusal translated, the chart saying when it keeps only the largest categories, one sentence per mode
for the non-empty rows, lists joined the reader's way, and the methodology note's headings under the page's."""

from __future__ import annotations

import re

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import translation

from lantern.publication import labels
from lantern.publication.crosstab import read_csv
from lantern.publication.models import LANTERN_DATASET, LANTERN_DATASET_LABEL, PublicationDataset, PublicationRelease
from lantern.publication.services import budget_message, dataset_key_for_file, publish
from lantern.publication.views import TableSummary, chart_limits, render_note
from tests.conftest import World
from tests.publication.helpers import records_csv

BY = ["yearOfRegistration", "gender", "citizenship"]


def _publish(client: Client, *, mode: str = "k") -> PublicationRelease:
    upload = SimpleUploadedFile("ctdc.csv", records_csv(), content_type="text/csv")
    data = {"source": "upload", "upload": upload, "by": BY, "mode": mode}
    data.update({"k": "11"} if mode == "k" else {"epsilon": "0.5"})
    response = client.post("/insights/publication/", data)
    assert response.status_code == 302, response.content.decode()[:2000]
    return PublicationRelease.objects.order_by("-pk").first()  # type: ignore[return-value]


def _headings(body: str) -> list[list[str]]:
    return [re.findall(r'<th scope="col">(.*?)</th>', head) for head in re.findall(r"<thead>(.*?)</thead>", body)]


def test_the_tables_head_their_columns_with_the_dimensions_names_and_show_the_codes_translated(
    world: World, staff: dict[str, Client]
) -> None:
    client = staff["analyst"]
    release = _publish(client)
    body = client.get(f"/insights/publication/{release.pk}/").content.decode()
    chart_table, published = _headings(body)
    assert chart_table == ["Year of registration", "Sex", "Count"]
    assert published == ["Year of registration", "Sex", "Citizenship", "Count"]
    ar = client.get(f"/insights/publication/{release.pk}/", HTTP_ACCEPT_LANGUAGE="ar").content.decode()
    chart_table, published = _headings(ar)
    assert chart_table == ["سنة التسجيل", "الجنس", "العدد"]
    assert published == ["سنة التسجيل", "الجنس", "الجنسية", "العدد"]
    assert "<td>أنثى</td>" in ar
    assert "<td>ذكر</td>" in ar
    assert "<td>المجموع</td>" in ar
    assert "<td>Female</td>" not in ar
    assert "<td>Total</td>" not in ar
    assert '<th scope="col">gender</th>' not in ar
    # Lists in running text the Arabic way, and the download keeps the codes.
    assert "سنة التسجيل، الجنس" in ar
    table = client.get(f"/insights/publication/{release.pk}/table.csv", HTTP_ACCEPT_LANGUAGE="ar").content.decode()
    assert table.startswith("yearOfRegistration,gender,citizenship,count\n")
    assert ",Female," in table
    assert ",Total," in table


def test_each_mode_has_its_own_sentence_for_the_non_empty_rows(world: World, staff: dict[str, Client]) -> None:
    client = staff["analyst"]
    k_body = client.get(f"/insights/publication/{_publish(client).pk}/").content.decode()
    assert "non-empty rows (cells and totals that are not 0, suppressed ones included)" in k_body
    dp_body = client.get(f"/insights/publication/{_publish(client, mode='dp').pk}/").content.decode()
    assert "non-empty rows (cells whose published count is not 0)" in dp_body
    assert "suppressed ones included" not in dp_body
    assert "totals" not in dp_body.split("The published table", 1)[1]


def test_the_chart_says_when_it_draws_only_the_largest_categories(world: World) -> None:
    summary = TableSummary(["citizenship", "gender", "count"], [], 0, [200, 3], [45, 3], [None, None])
    assert chart_limits(summary, ["citizenship", "gender"]) == {"largest_bars": 30, "largest_series": 0}
    summary = TableSummary(["gender", "citizenship", "count"], [], 0, [3, 200], [3, 45], [None, None])
    assert chart_limits(summary, ["gender", "citizenship"]) == {"largest_bars": 0, "largest_series": 8}
    summary = TableSummary(["gender", "count"], [], 0, [3], [3], [None])
    assert chart_limits(summary, ["gender"]) == {"largest_bars": 0, "largest_series": 0}


def test_the_release_page_says_so_for_a_dimension_with_many_categories(world: World, staff: dict[str, Client]) -> None:
    client = staff["analyst"]
    upload = SimpleUploadedFile("ctdc.csv", records_csv(), content_type="text/csv")
    data = {"source": "upload", "upload": upload, "by": ["gender", "citizenship"], "mode": "dp", "epsilon": "0.5"}
    assert client.post("/insights/publication/", data).status_code == 302
    release = PublicationRelease.objects.get()
    body = client.get(f"/insights/publication/{release.pk}/").content.decode()
    assert "The chart draws only the 8 largest categories of Citizenship" in body
    uk = client.get(f"/insights/publication/{release.pk}/", HTTP_ACCEPT_LANGUAGE="uk").content.decode()
    assert "Діаграма показує лише 8 найбільших категорій виміру «Громадянство»" in uk


def test_lanterns_dataset_is_named_in_the_readers_language_and_stored_in_english(db: None) -> None:
    dataset = PublicationDataset(key=LANTERN_DATASET, label=LANTERN_DATASET_LABEL, budget=1.0)
    other = PublicationDataset(key="name:x", label="Lantern (cases consented to statistics)", budget=1.0)
    with translation.override("ru"):
        assert dataset.name == "Lantern (случаи, по которым дано согласие на статистику)"
        assert other.name == "Lantern (cases consented to statistics)"  # an upload keeps the name it was given
    assert dataset.label == "Lantern (cases consented to statistics)"


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        ("fr", "Le budget de confidentialité de D serait dépassé : epsilon 0.7 sur 1 est dépensé, il reste 0.3,"),
        ("ar", "ستُتجاوز ميزانية الخصوصية لـ \u2068D\u2069: استُهلك من إبسيلون 0.7 من أصل 1، ويتبقى 0.3،"),
        ("en", "The privacy budget of D would be exceeded: epsilon 0.7 of 1 is spent, 0.3 is left,"),
    ],
)
def test_the_budget_refusal_is_translated(lang: str, expected: str) -> None:
    with translation.override(lang):
        assert budget_message("D", spent=0.7, budget=1.0, asked=0.4).startswith(expected)


def test_the_budget_refusal_names_lanterns_dataset_in_the_readers_language(db: None) -> None:
    content = records_csv()
    records = read_csv(content, ["gender"])
    publish(
        actor=None, dataset_key=LANTERN_DATASET, dataset_label=LANTERN_DATASET_LABEL, records=records,
        by=["gender"], epsilon=0.9, source="t",
    )  # fmt: skip
    with translation.override("uk"), pytest.raises(ValidationError) as refused:
        publish(
            actor=None, dataset_key=LANTERN_DATASET, dataset_label=LANTERN_DATASET_LABEL, records=records,
            by=["gender"], epsilon=0.5, source="t",
        )  # fmt: skip
    refusal = str(refused.value)
    assert "Бюджет приватності Lantern (справи, щодо яких надано згоду на статистику) було" in refusal
    assert dataset_key_for_file(content)[0] != LANTERN_DATASET


def test_the_values_shown_for_lanterns_codes() -> None:
    with translation.override("es"):
        assert labels.value("gender", "Female") == "Mujer"
        assert labels.value("gender", "Total", "Total") == "Total"
        assert labels.value("typeOfExploitation", "ForcedLabour") == "Trabajo forzoso"
        assert labels.value("isAbroad", "1") == "Sí"
        assert labels.value("citizenship", "00") == "Desconocido"
        assert labels.value("citizenship", "RO") == "RO"
        assert labels.value("ageBroad", "9--17") == "9\u201317"
        assert labels.value("myColumn", "Female") == "Female"  # an uploaded file's own column: as it is
        assert labels.value("myColumn", "(other)") == "(otros)"
        assert labels.dimension("count") == "Recuento"
        assert labels.dimension("gender") == "Sexo"


def test_the_methodology_notes_headings_sit_under_the_pages() -> None:
    html = str(render_note("# Methodology\n\n## Data\n\ntext\n\n###### deep\n"))
    assert "<h1>" not in html
    assert "<h2>" not in html
    assert "<h3>Methodology</h3>" in html
    assert "<h4>Data</h4>" in html
    assert "<h6>deep</h6>" in html

"""Preparedness pages: who sees what, forms that keep what was typed, the report as page and PDF, the comparison,
and 'your role now' on the crisis page and the home page during a crisis."""

from __future__ import annotations

import re
from datetime import date

import pytest
from django.test import Client
from django.utils import translation

from lantern.crisis.services import crisis_declare
from lantern.preparedness import checklist, pdf, services
from lantern.preparedness.models import Assessment, ItemAnswer
from tests.conftest import World
from tests.preparedness.pdftext import text_of

pytestmark = pytest.mark.django_db


def test_who_sees_an_assessment(staff: dict[str, Client], assessment: Assessment) -> None:
    url = f"/preparedness/{assessment.pk}/"
    for persona in ("coordinator", "analyst", "supervisor", "org_admin"):
        assert staff[persona].get(url).status_code == 200, persona
    for persona in ("outsider_admin", "caseworker", "police", "provider", "auditor"):
        assert staff[persona].get(url).status_code in (403, 404), persona


def test_a_hostile_item_is_refused_with_what_was_typed_kept(staff: dict[str, Client], assessment: Assessment) -> None:
    url = f"/preparedness/{assessment.pk}/items/{assessment.answers.get(item_id='COO-2').pk}/"
    typed = '<script>alert(1)</script> =HYPERLINK("http://x")'
    response = staff["supervisor"].post(url, {"level": "3", "evidence": typed, "link": "javascript:alert(1)"})
    assert response.status_code == 400
    body = response.content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body
    assert "<script>alert(1)" not in body
    assert ItemAnswer.objects.get(assessment=assessment, item_id="COO-2").level == 0
    ok = staff["supervisor"].post(url, {"level": "3", "evidence": typed, "link": "https://example.org/sop"})
    assert ok.status_code == 302
    page = staff["coordinator"].get(f"/preparedness/{assessment.pk}/report/").content.decode()
    assert "<script>alert(1)" not in page


def test_the_gap_report_is_a_pdf_with_the_pillar_names(staff: dict[str, Client], assessment: Assessment) -> None:
    if not pdf.available():
        pytest.skip("WeasyPrint's Pango is missing (tests/run.py installs it; CI never skips)")
    response = staff["coordinator"].get(f"/preparedness/{assessment.pk}/report.pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    text = text_of(response.content)
    for pillar in checklist.built_in().pillars:
        assert pillar.name["en"] in text.replace("\n", " ") or pillar.name["en"].split(",")[0] in text, pillar.id


def test_the_arabic_report_reads_right_to_left(staff: dict[str, Client], assessment: Assessment) -> None:
    page = staff["coordinator"].get(f"/preparedness/{assessment.pk}/report/", headers={"accept-language": "ar"})
    body = page.content.decode()
    assert 'dir="rtl"' in body
    # the radar's coordinates are numbers SVG reads, not numbers written the Arabic way (decimal comma)
    coordinates = re.findall(r'\b(?:x|y|x2|y2)="([^"]*)"', body)
    assert coordinates
    assert all(re.fullmatch(r"-?\d+(\.\d+)?", c) for c in coordinates), coordinates
    if not pdf.available():
        pytest.skip("WeasyPrint's Pango is missing")
    from lantern.preparedness import report

    with translation.override("ar"):
        context = report.report_context(assessment)
        from django.template.loader import render_to_string

        html = render_to_string("preparedness/report_pdf.html", context)
    assert 'dir="rtl"' in html
    assert 'lang="ar"' in html
    assert "البيانات والبحث" in html


def test_without_weasyprint_the_page_says_pdf_is_unavailable(
    staff: dict[str, Client], assessment: Assessment, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(pdf, "available", lambda: False)
    page = staff["coordinator"].get(f"/preparedness/{assessment.pk}/").content.decode()
    assert "PDF is unavailable" in page
    assert staff["coordinator"].get(f"/preparedness/{assessment.pk}/report.pdf").status_code == 503


def test_the_comparison_shows_what_improved_and_what_fell_back(
    world: World, staff: dict[str, Client], assessment: Assessment
) -> None:
    services.item_update(actor=world.coordinator, answer=assessment.answers.get(item_id="PRO-1"), level=2)
    services.item_update(actor=world.coordinator, answer=assessment.answers.get(item_id="JUS-1"), level=4)
    later = services.assessment_open(
        actor=world.coordinator, title="Greece 2027", country="GR", assessed_on=date(2026, 2, 1)
    )
    services.item_update(actor=world.coordinator, answer=later.answers.get(item_id="PRO-1"), level=4)
    services.item_update(actor=world.coordinator, answer=later.answers.get(item_id="JUS-1"), level=3)
    page = staff["coordinator"].get(f"/preparedness/compare/?older={assessment.pk}&newer={later.pk}")
    body = page.content.decode()
    improved, fell_back = body.split("What fell back")
    assert "PRO-1" in improved.split("What improved")[1]
    assert "JUS-1" in fell_back
    # levels read with their names, the overall score has its row, and the scale is said
    assert "2 Initial → 4 Established" in improved
    assert "4 Established → 3 Developing" in fell_back
    overall_row = re.search(r"<tfoot><tr><th scope=\"row\">Overall</th><td>([\d.]+)</td><td>([\d.]+)</td>", body)
    assert overall_row is not None
    assert "The mean level runs from 1 (Does not exist) to 5 (High performance)" in body
    # someone who sees only one of them sees no comparison
    assert staff["supervisor"].get(f"/preparedness/compare/?older={assessment.pk}&newer={later.pk}").status_code == 404


def test_your_role_now_shows_on_the_crisis_page_and_the_home_page(world: World, staff: dict[str, Client]) -> None:
    services.role_set(
        actor=world.coordinator, organisation=world.ngo_a, phase="declared", duty="Answer the hotline day and night"
    )
    services.role_set(actor=world.coordinator, organisation=world.ngo_a, phase="before", duty="Train volunteers")
    assert "Answer the hotline" not in staff["caseworker"].get("/").content.decode()
    crisis_declare(actor=None, name="Pandemic", kind="pandemic", country="GR", starts_on=date(2026, 1, 1))
    for url in ("/", "/crisis/"):
        body = staff["caseworker"].get(url).content.decode()
        assert "Your role now" in body, url
        assert "Answer the hotline day and night" in body, url
        assert "Train volunteers" not in body
    # another organisation's role is not shown
    other = staff["outsider"].get("/").content.decode()
    assert "Answer the hotline" not in other


def test_the_coordinator_reweighs_an_item_and_a_partner_cannot(
    staff: dict[str, Client], assessment: Assessment
) -> None:
    url = f"/preparedness/{assessment.pk}/items/{assessment.answers.get(item_id='DAT-4').pk}/"
    assert 'name="weight"' not in staff["supervisor"].get(url).content.decode()
    assert 'name="weight"' in staff["coordinator"].get(url).content.decode()
    response = staff["coordinator"].post(url, {"level": "2", "weight": "3"})
    assert response.status_code == 302
    assert ItemAnswer.objects.get(assessment=assessment, item_id="DAT-4").weight == 3
    staff["supervisor"].post(url, {"level": "2", "weight": "1"})  # a field the partner's form does not have
    assert ItemAnswer.objects.get(assessment=assessment, item_id="DAT-4").weight == 3


def test_a_partner_edits_only_her_organisations_items_on_the_page(
    world: World, staff: dict[str, Client], assessment: Assessment
) -> None:
    # Given the office's own item COO-1 and the NGO's item COO-2
    office_item = assessment.answers.get(item_id="COO-1")
    services.item_update(actor=world.coordinator, answer=office_item, owner=world.ministry)
    office_url = f"/preparedness/{assessment.pk}/items/{office_item.pk}/"
    own_url = f"/preparedness/{assessment.pk}/items/{assessment.answers.get(item_id='COO-2').pk}/"
    for persona in ("supervisor", "org_admin"):
        # the office's item is shown read-only to the NGO's lead, and a forged post is refused
        page = staff[persona].get(office_url).content.decode()
        assert 'name="level"' not in page
        assert "National Coordination Office" in page
        forged = {"level": "5", "owner": str(world.police_unit.pk), "lantern_decision": "overridden"}
        assert staff[persona].post(office_url, forged).status_code == 403
        # her own item has a form without the owner or Lantern's evidence, which the coordinator decides
        own = staff[persona].get(own_url).content.decode()
        assert 'name="level"' in own
        assert 'name="owner"' not in own
        assert 'name="lantern_decision"' not in own
    office_item.refresh_from_db()
    assert (office_item.level, office_item.owner_id, office_item.lantern_decision) == (0, world.ministry.pk, "")
    assert staff["supervisor"].post(own_url, {"level": "4", "owner": str(world.police_unit.pk)}).status_code == 302
    assert assessment.answers.get(item_id="COO-2").owner_id == world.ngo_a.pk  # the field she does not have
    coordinator_page = staff["coordinator"].get(office_url).content.decode()
    assert 'name="owner"' in coordinator_page
    assert 'name="lantern_decision"' in coordinator_page


def test_an_invalid_field_points_at_its_error_and_a_help_text_at_its_help(
    staff: dict[str, Client], assessment: Assessment
) -> None:
    url = f"/preparedness/{assessment.pk}/items/{assessment.answers.get(item_id='COO-2').pk}/"
    body = staff["coordinator"].post(url, {"level": "3", "weight": "2", "link": "javascript:alert(1)"}).content.decode()
    for name in ("link", "weight"):
        field = re.search(rf'<(?:input|select)[^>]*name="{name}"[^>]*>', body)
        assert field is not None, name
        described = re.search(r'aria-describedby="([^"]+)"', field.group(0))
        assert described is not None, name
        for target in described.group(1).split():
            assert body.count(f'id="{target}"') == 1, target
    assert 'id="id_link_error"' in body

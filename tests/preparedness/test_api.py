"""The preparedness API as its attackers would try it: a session without its CSRF token, values out of range or
huge, ids that are not the caller's; a refused write changes nothing."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from lantern.preparedness import services
from lantern.preparedness.models import Assessment, ItemAnswer
from tests.conftest import World

pytestmark = pytest.mark.django_db


def _coo1(assessment: Assessment) -> int:
    return assessment.answers.get(item_id="COO-1").pk


def test_a_session_without_its_csrf_token_cannot_write(world: World, assessment: Assessment, settings: object) -> None:
    settings.LANTERN_REQUIRE_2FA = False  # type: ignore[attr-defined]
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(world.coordinator)
    response = browser.patch(
        f"/api/v1/preparedness/assessments/{assessment.pk}/items/{_coo1(assessment)}",
        data=json.dumps({"level": 5}),
        content_type="application/json",
    )
    assert response.status_code in (401, 403)
    assert response["Content-Type"] == "application/problem+json"
    assert ItemAnswer.objects.get(assessment=assessment, item_id="COO-1").level == 0


@pytest.mark.parametrize(
    "body",
    [{"level": 9}, {"weight": 7}, {"evidence": "x" * 10_000_000}, {"link": "javascript:alert(1)"}, {"owner_id": 10**9}],
)
def test_bad_values_get_a_problem_and_change_nothing(
    api_client: dict[str, Client], assessment: Assessment, body: dict[str, object]
) -> None:
    response = api_client["coordinator"].patch(
        f"/api/v1/preparedness/assessments/{assessment.pk}/items/{_coo1(assessment)}",
        data=json.dumps(body),
        content_type="application/json",
    )
    assert response.status_code in (413, 422)  # 413: larger than the server reads at all
    assert response["Content-Type"] == "application/problem+json"
    answer = ItemAnswer.objects.get(assessment=assessment, item_id="COO-1")
    assert (answer.level, answer.link, answer.evidence, answer.owner_id) == (0, "", "", None)


def test_an_item_id_that_is_not_one_and_an_assessment_not_yours(
    api_client: dict[str, Client], assessment: Assessment
) -> None:
    hostile = api_client["coordinator"].get(f"/api/v1/preparedness/assessments/{assessment.pk}/items/..%2F..%2Fetc")
    assert hostile.status_code in (404, 405, 422)
    other = api_client["outsider_admin"].get(f"/api/v1/preparedness/assessments/{assessment.pk}")
    assert other.status_code == 404
    listed = api_client["outsider_admin"].get("/api/v1/preparedness/assessments").json()
    assert listed["items"] == []


def test_the_report_is_a_pdf_for_the_api_too(api_client: dict[str, Client], assessment: Assessment) -> None:
    from lantern.preparedness import pdf

    if not pdf.available():
        pytest.skip("WeasyPrint's Pango is missing")
    response = api_client["analyst"].get(f"/api/v1/preparedness/assessments/{assessment.pk}/report")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF-")


def test_a_partner_changes_only_her_organisations_items_through_the_api(
    world: World, api_client: dict[str, Client], assessment: Assessment
) -> None:
    # Given COO-1 owned by the coordinator's office and COO-2 owned by the NGO (the conftest's NGO_ITEMS)
    coo1 = assessment.answers.get(item_id="COO-1")
    services.item_update(actor=world.coordinator, answer=coo1, owner=world.ministry)
    coo2 = assessment.answers.get(item_id="COO-2")
    base = f"/api/v1/preparedness/assessments/{assessment.pk}/items"
    for persona in ("supervisor", "org_admin"):
        partner = api_client[persona]
        # When the NGO's lead sets the office's item, names an owner or decides on Lantern's evidence
        refused = [
            partner.patch(f"{base}/{coo1.pk}", data=json.dumps({"level": 5}), content_type="application/json"),
            partner.patch(
                f"{base}/{coo2.pk}",
                data=json.dumps({"owner_id": world.police_unit.pk}),
                content_type="application/json",
            ),
            partner.patch(
                f"{base}/{coo1.pk}",
                data=json.dumps({"lantern_decision": "overridden", "override_reason": "no", "level": 0}),
                content_type="application/json",
            ),
        ]
        # Then each is refused and nothing changes
        assert [r.status_code for r in refused] == [403, 403, 403], persona
    coo1.refresh_from_db()
    coo2.refresh_from_db()
    assert (coo1.level, coo1.owner_id, coo1.lantern_decision) == (0, world.ministry.pk, "")
    assert coo2.owner_id == world.ngo_a.pk
    # while her own item takes her answer
    ok = api_client["supervisor"].patch(
        f"{base}/{coo2.pk}", data=json.dumps({"level": 3, "evidence": "SOP adopted"}), content_type="application/json"
    )
    assert ok.status_code == 200
    assert ok.json()["level"] == 3

"""The case pages as the staff use them (Django's test client; the browser test drives the same pages)."""

from __future__ import annotations

import pytest
from django.test import Client

from lantern.cases import services
from lantern.cases.models import Case, Stage
from lantern.core.models import AuditEvent
from tests.conftest import World

FORM = {
    "first_name": "Elena",
    "second_name": "Ionescu",
    "birth_date": "2009-11-02",
    "gender": "Feminine",
    "primary_language": "ro",
    "other_languages": "",
    "citizenship": "RO, MD",
    "contact_route": "caseworker_only",
    "identified_on": "2026-02-20",
    "forms_of_exploitation": ["SexualExploitation"],
    "recruitment_methods": ["ThroughOnlineSocialNetworks"],
    "recruitment_platforms": ["Instagram"],
    "crisis_circumstances": ["exploited_in_private_home"],
    "recruitment_country": "MD",
    "exploitation_country": "GR",
    "consent_to_case_management": "on",
}


def test_registering_from_the_form(staff: dict[str, Client], clock: object) -> None:
    response = staff["caseworker"].post("/cases/new/", FORM)
    assert response.status_code == 302
    case = Case.objects.get()
    assert response["Location"] == f"/cases/{case.reference}/"
    assert case.is_minor is True
    assert case.age_band == "9-17"
    page = staff["caseworker"].get(response["Location"]).content.decode()
    assert "Elena Ionescu" in page
    assert "cross-border" in page
    assert AuditEvent.objects.filter(action="personal_data.read", object_id=case.reference).exists()


def test_a_wrong_answer_keeps_everything_typed(staff: dict[str, Client], clock: object) -> None:
    wrong = {**FORM, "citizenship": "RO, XX", "exploitation_country": "ZZ"}
    response = staff["caseworker"].post("/cases/new/", wrong)
    html = response.content.decode()
    assert response.status_code == 200
    assert "“XX” is not a country" in html
    assert 'value="Elena"' in html
    assert 'value="RO, XX"' in html
    assert 'value="Instagram" checked' in html or "checked" in html.split('value="Instagram"')[1][:40]
    assert not Case.objects.exists()


def test_the_list_shows_references_and_no_names(staff: dict[str, Client], clock: object, case: Case) -> None:
    html = staff["caseworker"].get("/cases/").content.decode()
    assert case.reference in html
    assert "Maria" not in html
    assert staff["caseworker"].get("/cases/?overdue=on&stage=referred").status_code == 200


@pytest.mark.parametrize("persona", ["outsider", "police", "analyst", "coordinator", "provider"])
def test_others_cannot_open_the_case(staff: dict[str, Client], case: Case, persona: str) -> None:
    response = staff[persona].get(f"/cases/{case.reference}/")
    assert response.status_code == 404
    assert "Maria" not in response.content.decode()


def test_the_case_page_actions(staff: dict[str, Client], case: Case, world: World) -> None:
    url = f"/cases/{case.reference}/"
    client = staff["caseworker"]
    assert client.post(url + "notes/", {"text": "She is safe tonight"}).status_code == 302
    assert client.post(url + "needs/", {"needs": ["medical", "legal_aid"]}).status_code == 302
    response = client.post(url + "consents/", {"purpose": "referral", "recipient": "", "channel": ""})
    assert response.status_code == 422
    assert "A referral consent names the organisation" in response.content.decode()
    assert client.post(url + "consents/", {"purpose": "referral", "recipient": world.legal_aid.pk}).status_code == 302
    refused = client.post(url + "refer/", {"legal_basis": ""})  # neither consent nor a legal basis
    assert refused.status_code == 422
    assert "legal basis" in refused.content.decode()
    assert client.post(url + "refer/", {"consent_given": "on"}).status_code == 302
    decision = {"kind": "reasonable_grounds", "outcome": "positive", "decided_on": "2026-03-02",
                "reasons": "Indicators of forced labour"}  # fmt: skip
    assert client.post(url + "decisions/", decision).status_code == 403
    assert staff["supervisor"].post(url + "decisions/", decision).status_code == 403  # the authority decides
    response = staff["authority_member"].post(url + "decisions/", decision)
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.stage == Stage.RECOVERY
    assert case.has_unmet_needs
    page = client.get(url).content.decode()
    assert "She is safe tonight" in page
    assert "Athens Legal Aid Clinic" in page
    assert client.post(url + "close/", {"reason": ""}).status_code == 422
    assert client.post(url + "close/", {"code": "other", "reason": ""}).status_code == 422
    refused = client.post(url + "close/", {"code": "other", "reason": "Moved to another country"})
    assert refused.status_code == 422  # the recovery period runs: a caseworker does not close
    assert "The recovery and reflection period runs until" in refused.content.decode()
    closing = {"code": "other", "reason": "Moved to another country", "override_reason": "She left the country"}
    assert staff["supervisor"].post(url + "close/", closing).status_code == 302
    case.refresh_from_db()
    assert case.stage == Stage.CLOSED


def test_navigation_shows_cases_to_those_who_work_on_them(staff: dict[str, Client], world: World) -> None:
    assert 'href="/cases/"' in staff["caseworker"].get("/").content.decode()
    assert 'href="/cases/"' not in staff["analyst"].get("/").content.decode()


def test_break_glass_onto_a_case_and_its_review(staff: dict[str, Client], case: Case, world: World) -> None:
    assert staff["outsider"].get(f"/cases/{case.reference}/").status_code == 404
    response = staff["outsider"].post(
        "/cases/break-glass/",
        {"reference": case.reference.lower(), "hours": 2, "reason": "She called our hotline and is in danger"},
    )
    assert response.status_code == 302
    assert staff["outsider"].get(f"/cases/{case.reference}/").status_code == 200
    review = staff["supervisor"].get("/break-glass/").content.decode()
    assert "outsider" in review
    assert "in danger" not in review  # the reason only on request
    grant = world.outsider.break_glass_grants.get()
    revealed = staff["supervisor"].post("/break-glass/", {"grant": grant.pk}).content.decode()
    assert "She called our hotline and is in danger" in revealed
    assert AuditEvent.objects.filter(action="personal_data.read", object_id=str(grant.pk)).exists()
    assert staff["caseworker"].get("/break-glass/").status_code == 403


def test_non_numeric_ids_in_forms_are_refused_not_crashed(staff: dict[str, Client], case: Case) -> None:
    assert staff["caseworker"].post("/alerts/", {"alert": "abc"}).status_code == 302
    response = staff["caseworker"].post(f"/referrals/case/{case.reference}/send/", {"offering": "abc"})
    assert response.status_code == 302


REFUSED = [
    ("caseworker", "notes/", {"text": ""}),
    ("caseworker", "consents/", {"purpose": "bogus", "recipient": "", "channel": ""}),
    ("caseworker", "needs/", {"needs": ["not_a_service"]}),
    ("caseworker", "risk/", {"risk_level": "bogus", "notes": "<script>alert(1)</script> typed"}),
    ("authority_member", "decisions/", {"kind": "bogus", "outcome": "positive", "decided_on": "2026-03-02"}),
    ("caseworker", "close/", {"reason": ""}),
]


@pytest.mark.parametrize(("persona_name", "action", "data"), REFUSED, ids=[a for _, a, _ in REFUSED])
def test_a_refused_case_action_shows_the_personal_data_only_as_an_audited_read(
    staff: dict[str, Client], case: Case, persona_name: str, action: str, data: dict
) -> None:
    if persona_name == "authority_member":  # the authority decides on the cases referred to it
        services.case_refer_to_authority(actor=case.created_by, case=case, consent_given=True)
    reads = AuditEvent.objects.filter(action="personal_data.read", object_id=case.reference)
    before = reads.count()
    response = staff[persona_name].post(f"/cases/{case.reference}/{action}", data)
    assert response.status_code == 422
    page = response.content.decode()
    assert "Maria" in page  # the case page again, with the form as typed beside its error
    assert reads.count() == before + 1
    read = reads.latest("seq")
    assert read.actor_label == persona_name
    assert "first_name" in read.detail["fields"]


def test_someone_of_another_organisation_gets_nothing_and_no_read_is_recorded(
    staff: dict[str, Client], case: Case
) -> None:
    for _, action, data in REFUSED:
        response = staff["outsider"].post(f"/cases/{case.reference}/{action}", data)
        assert response.status_code == 404
        assert "Maria" not in response.content.decode()
    assert not AuditEvent.objects.filter(action="personal_data.read", object_id=case.reference).exists()


def test_the_case_page_is_rendered_in_one_place_which_records_the_read() -> None:
    from pathlib import Path

    views = Path(__file__).resolve().parents[2] / "src" / "lantern" / "cases" / "views.py"
    assert views.read_text(encoding="utf-8").count('"cases/detail.html"') == 1

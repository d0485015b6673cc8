"""Decisions belong to the competent authority (OSCE/ODIHR NRM handbook; issue #19).

The coordinator designates one authority per country; a caseworker refers a case to it with the person's consent or
a legal basis, which lets the authority's members read that case and starts the reasonable-grounds deadline; only
they decide, with written reasons, the day and language the decision was served in, and reconsideration on request;
the trafficking status follows from their decisions and from nothing typed.
"""

from __future__ import annotations

import csv
import io
import json
from datetime import date
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test import Client

from lantern.cases import closure, services
from lantern.cases.models import Case, Consent, Decision, Stage
from lantern.core import services as core
from lantern.core.models import AuditEvent, OrganisationType
from tests.conftest import World

REASONS = "Passport taken, debt bondage, movements controlled: reasonable grounds to believe she was trafficked."
GROUNDS = "Her lawyer handed in the employer's messages, which the first decision did not have."


def _refer(world: World, case: Case, legal_basis: str = "") -> Case:
    """Referred on Friday 27 February, with the person's consent unless a legal basis is named."""
    return services.case_refer_to_authority(
        actor=world.caseworker,
        case=case,
        referred_on=date(2026, 2, 27),
        consent_given=not legal_basis,
        legal_basis=legal_basis,
    )


def _decide(
    world: World,
    case: Case,
    kind: str = "reasonable_grounds",
    outcome: str = "positive",
    *,
    decided_on: date | None = None,
    served_on: date | None = None,
    served_language: str = "",
    reconsiders: Decision | None = None,
    reconsideration_grounds: str = "",
) -> Decision:
    return services.case_decide(
        actor=world.authority_member,
        case=case,
        kind=kind,
        outcome=outcome,
        reasons=REASONS,
        decided_on=decided_on,
        served_on=served_on,
        served_language=served_language,
        reconsiders=reconsiders,
        reconsideration_grounds=reconsideration_grounds,
    )


# --- Who designates the authority --------------------------------------------------------------------------


def test_only_the_coordinator_designates_the_competent_authority(world: World) -> None:
    # An NGO's administrator cannot make her organisation the authority (it would certify its own clients), nor
    # can the system administrator: the coordinator answers for the mechanism.
    for actor in (world.org_admin, world.sysadmin):
        with pytest.raises(PermissionDenied):
            core.organisation_update(actor=actor, organisation=world.ngo_a, type=OrganisationType.COMPETENT_AUTHORITY)
    with pytest.raises(PermissionDenied):
        core.organisation_create(actor=world.sysadmin, name="Cyprus Panel", type="CompetentAuthority", country="CY")
    # One authority per country: Greece has one.
    with pytest.raises(ValidationError) as refused:
        core.organisation_create(actor=world.coordinator, name="Second Panel", type="CompetentAuthority", country="GR")
    assert "type" in refused.value.message_dict
    cyprus = core.organisation_create(
        actor=world.coordinator, name="Cyprus Panel", type="CompetentAuthority", country="CY"
    )
    assert AuditEvent.objects.filter(action="organisation.create", object_id=str(cyprus.pk)).exists()
    world.ngo_a.refresh_from_db()
    assert world.ngo_a.type == "NGO"


def test_the_coordinator_designates_it_through_the_api_and_an_administrator_is_refused(
    world: World, api_client: dict[str, Client]
) -> None:
    body = {"name": "Cyprus Panel", "type": "CompetentAuthority", "country": "CY"}
    assert api_client["sysadmin"].post("/api/v1/organisations", body, "application/json").status_code == 403
    assert api_client["coordinator"].post("/api/v1/organisations", body, "application/json").status_code == 201
    patch = json.dumps({"type": "CompetentAuthority"})
    response = api_client["org_admin"].patch(f"/api/v1/organisations/{world.ngo_a.pk}", patch, "application/json")
    assert response.status_code == 403


# --- Referral -------------------------------------------------------------------------------------------------


def test_a_referral_needs_the_persons_consent_or_a_legal_basis(case: Case, world: World) -> None:
    with pytest.raises(ValidationError) as refused:
        services.case_refer_to_authority(actor=world.caseworker, case=case)
    assert "legal_basis" in refused.value.message_dict
    case.refresh_from_db()
    assert case.stage == Stage.IDENTIFIED
    assert case.referred_to is None
    assert not AuditEvent.objects.filter(action="case.refer_to_authority").exists()

    _refer(world, case)
    assert case.referred_to == world.competent_authority
    assert case.stage == Stage.REFERRED
    assert case.reasonable_grounds_due == date(2026, 3, 6)  # Friday 27 February + 5 working days
    consent = case.consents.get(purpose=Consent.Purpose.REFERRAL)
    assert consent.recipient == world.competent_authority
    event = AuditEvent.objects.get(action="case.refer_to_authority")
    assert event.detail["basis"] == "consent"
    assert event.detail["authority"] == world.competent_authority.pk


def test_a_legal_basis_is_kept_encrypted(case: Case, world: World) -> None:
    _refer(world, case, legal_basis="Order 12/2026 of the Athens prosecutor for Maria Popescu")
    assert not case.consents.filter(purpose=Consent.Purpose.REFERRAL).exists()
    with connection.cursor() as cursor:
        cursor.execute("SELECT referral_legal_basis FROM cases_case WHERE id = %s", [case.pk])
        stored = cursor.fetchone()[0]
    assert stored.startswith("v1:")
    assert "Maria" not in stored
    assert "Maria" not in str(AuditEvent.objects.get(action="case.refer_to_authority").detail)


def test_without_an_authority_nothing_is_referred(case: Case, world: World) -> None:
    core.organisation_update(actor=world.coordinator, organisation=world.competent_authority, country="CY")
    with pytest.raises(ValidationError) as refused:
        _refer(world, case)
    assert "authority" in refused.value.message_dict
    assert Case.objects.get(pk=case.pk).stage == Stage.IDENTIFIED


def test_erasure_takes_the_reasons_and_the_legal_basis_too(case: Case, world: World) -> None:
    _refer(world, case, legal_basis="Order 12/2026 for Maria Popescu")
    _decide(world, case, decided_on=date(2026, 3, 2))
    services.case_erase(actor=world.supervisor, case=case, request_reference="Request 2026/4")
    case.refresh_from_db()
    assert case.referral_legal_basis == ""
    decision = case.decisions.get()
    assert (decision.reasons, decision.kind, decision.outcome) == ("", "reasonable_grounds", "positive")


# --- Who reads and who decides ------------------------------------------------------------------------------


def test_the_authority_reads_only_the_cases_referred_to_it(
    case: Case, world: World, api_client: dict[str, Client]
) -> None:
    url = f"/api/v1/cases/{case.reference}"
    assert api_client["authority_member"].get(url).status_code == 404  # not referred yet
    assert case.reference not in api_client["authority_member"].get("/api/v1/cases").content.decode()
    _refer(world, case)
    response = api_client["authority_member"].get(url)
    assert response.status_code == 200
    assert response.json()["person"]["first_name"] == "Maria"
    assert AuditEvent.objects.filter(action="personal_data.read", actor_id=world.authority_member.pk).exists()
    assert case.reference in api_client["authority_member"].get("/api/v1/cases").content.decode()
    # It reads; it does not change, assign, export or erase.
    patch = json.dumps({"context": {"exploitation_region": "Crete"}})
    assert api_client["authority_member"].patch(url, patch, "application/json").status_code == 404
    assert (
        api_client["authority_member"].post(url + "/erase", {"request_reference": "x"}, "application/json").status_code
        == 404
    )
    # Someone of another organisation still sees nothing.
    assert api_client["outsider"].get(url).status_code == 404


def test_withdrawing_the_consent_it_was_referred_on_ends_the_authoritys_access(
    case: Case, world: World, api_client: dict[str, Client]
) -> None:
    url = f"/api/v1/cases/{case.reference}"
    _refer(world, case)
    assert api_client["authority_member"].get(url).status_code == 200
    consent = case.consents.get(purpose=Consent.Purpose.REFERRAL, recipient=world.competent_authority)
    services.consent_withdraw(actor=world.caseworker, consent=consent)
    assert api_client["authority_member"].get(url).status_code == 404
    assert case.reference not in api_client["authority_member"].get("/api/v1/cases").content.decode()
    case.refresh_from_db()
    assert case.referred_to is None
    assert case.timeline.get(kind="consent_withdraw").detail["authority_access_ended"] is True


def test_a_legal_basis_keeps_the_authoritys_access_when_a_consent_is_withdrawn(
    case: Case, world: World, api_client: dict[str, Client]
) -> None:
    _refer(world, case, legal_basis="Law 4198/2013, article 6")
    services.consent_give(actor=world.caseworker, case=case, purpose="referral", recipient=world.competent_authority)
    consent = case.consents.get(purpose=Consent.Purpose.REFERRAL, recipient=world.competent_authority)
    services.consent_withdraw(actor=world.caseworker, consent=consent)
    assert api_client["authority_member"].get(f"/api/v1/cases/{case.reference}").status_code == 200


def test_the_authority_reads_the_indicator_checklists_it_decides_on(
    case: Case, world: World, api_client: dict[str, Client]
) -> None:
    from lantern.cases.identification import services as identification

    identification.checklist_record(
        actor=world.caseworker, case=case, answers={"gen_debt": "yes"}, observed_on=date(2026, 2, 20)
    )
    url = f"/api/v1/cases/{case.reference}/indicators"
    assert api_client["authority_member"].get(url).status_code == 404  # not referred yet
    _refer(world, case)
    response = api_client["authority_member"].get(url)
    assert response.status_code == 200
    assert "gen_debt" in response.content.decode()


def test_only_the_authority_decides(case: Case, world: World, api_client: dict[str, Client]) -> None:
    _refer(world, case)
    url = f"/api/v1/cases/{case.reference}/decisions"
    body = {"kind": "reasonable_grounds", "outcome": "positive", "reasons": REASONS, "decided_on": "2026-03-02",
            "served_on": "2026-03-02", "served_language": "ro"}  # fmt: skip
    assert api_client["supervisor"].post(url, body, "application/json").status_code == 403  # sees it, may not decide
    assert api_client["caseworker"].post(url, body, "application/json").status_code == 403
    assert api_client["outsider"].post(url, body, "application/json").status_code == 404
    assert api_client["coordinator"].post(url, body, "application/json").status_code == 404
    assert not Decision.objects.exists()
    response = api_client["authority_member"].post(url, body, "application/json")
    assert response.status_code == 201, response.content
    made = response.json()
    assert made["decided_by_organisation"] == "National Identification Panel"
    assert (made["served_on"], made["served_language"]) == ("2026-03-02", "ro")
    # The caseworker reads the decision with its reasons (an audited read).
    listed = api_client["caseworker"].get(url)
    assert listed.status_code == 200
    assert listed.json()[0]["reasons"] == REASONS
    assert AuditEvent.objects.filter(
        action="personal_data.read", actor_id=world.caseworker.pk, detail__fields=["decision_reasons"]
    ).exists()
    assert api_client["outsider"].get(url).status_code == 404


def test_a_decision_has_written_reasons_and_says_when_and_in_which_language_it_was_served(
    case: Case, world: World
) -> None:
    _refer(world, case)
    with pytest.raises(ValidationError) as refused:
        services.case_decide(
            actor=world.authority_member, case=case, kind="reasonable_grounds", outcome="positive", reasons="  ",
            served_on=date(2026, 2, 1), served_language="",
        )  # fmt: skip
    assert set(refused.value.message_dict) == {"reasons", "served_on", "served_language"}
    with pytest.raises(ValidationError, match="ISO 639-1"):
        _decide(world, case, served_on=date(2026, 3, 2), served_language="xx")
    decision = _decide(world, case, decided_on=date(2026, 3, 2), served_on=date(2026, 3, 2), served_language="RO")
    assert decision.served_language == "ro"
    assert decision.decided_by_organisation == world.competent_authority
    with connection.cursor() as cursor:
        cursor.execute("SELECT reasons FROM cases_decision WHERE id = %s", [decision.pk])
        assert cursor.fetchone()[0].startswith("v1:")  # encrypted like every free text about a person
    assert "Passport" not in str(AuditEvent.objects.get(action="case.decision").detail)


def test_a_decision_served_later_is_recorded_once_by_the_authority(
    case: Case, world: World, api_client: dict[str, Client], staff: dict[str, Client]
) -> None:
    _refer(world, case)
    decision = _decide(world, case, decided_on=date(2026, 3, 2))
    url = f"/api/v1/cases/{case.reference}/decisions/{decision.pk}/serve"
    body = {"served_on": "2026-03-02", "served_language": "ro"}
    assert api_client["caseworker"].post(url, body, "application/json").status_code == 403
    assert api_client["outsider"].post(url, body, "application/json").status_code == 404
    early = api_client["authority_member"].post(url, {**body, "served_on": "2026-03-01"}, "application/json")
    assert early.status_code == 422
    assert [e["field"] for e in early.json()["errors"]] == ["served_on"]
    served = api_client["authority_member"].post(url, body, "application/json")
    assert served.status_code == 200
    assert served.json()["served_language"] == "ro"
    again = api_client["authority_member"].post(url, body, "application/json")
    assert again.status_code == 422
    assert case.timeline.filter(kind="decision_serve").count() == 1
    page = staff["caseworker"].get(f"/cases/{case.reference}/").content.decode()
    assert "Served on the person on 2026-03-02, in Romanian." in page


def test_a_negative_conclusive_decision_cannot_end_the_recovery_period_before_its_minimum(
    case: Case, world: World, time_machine: object
) -> None:
    _refer(world, case)
    _decide(world, case, decided_on=date(2026, 3, 2))
    assert case.recovery_ends == date(2026, 4, 1)
    time_machine.move_to("2026-03-03 09:00Z", tick=False)  # type: ignore[attr-defined]
    with pytest.raises(ValidationError, match="not before 2026-04-01"):
        _decide(world, case, kind="conclusive_grounds", outcome="negative")
    assert Case.objects.get(pk=case.pk).stage == Stage.RECOVERY
    # A positive one may come early: it ends nothing for the person.
    time_machine.move_to("2026-04-01 09:00Z", tick=False)  # type: ignore[attr-defined]
    _decide(world, case, kind="conclusive_grounds", outcome="negative")
    assert case.stage == Stage.CONCLUSIVE_GROUNDS
    assert case.trafficking_status == "NotAVictimOfTrafficking"
    # The person asks to reconsider, with grounds; the authority does.
    latest = case.decisions.get(kind="conclusive_grounds")
    _decide(world, case, kind="conclusive_grounds", reconsiders=latest, reconsideration_grounds=GROUNDS)
    assert case.trafficking_status == "ActualVictimOfTrafficking"


def test_the_recovery_minimum_is_the_countrys(case: Case, world: World, time_machine: object) -> None:
    services.country_profile_update(country="GR", changes={"recovery_period_minimum_days": 45})
    _refer(world, case)
    _decide(world, case, decided_on=date(2026, 3, 2))
    time_machine.move_to("2026-04-02 09:00Z", tick=False)  # type: ignore[attr-defined]
    with pytest.raises(ValidationError, match="not before 2026-04-16"):
        _decide(world, case, kind="conclusive_grounds", outcome="negative")


# --- The status follows from decisions ------------------------------------------------------------------------


def test_the_trafficking_status_cannot_be_typed(case: Case, world: World, api_client: dict[str, Client]) -> None:
    url = f"/api/v1/cases/{case.reference}"
    patch = json.dumps({"context": {"trafficking_status": "ActualVictimOfTrafficking"}})
    response = api_client["caseworker"].patch(url, patch, "application/json")
    assert response.status_code == 422
    assert response["Content-Type"].startswith("application/problem+json")
    assert [e["field"] for e in response.json()["errors"]] == ["trafficking_status"]
    decider = json.dumps({"context": {"status_decided_by": "NGO", "exploitation_region": "Crete"}})
    response = api_client["caseworker"].patch(url, decider, "application/json")
    assert response.status_code == 422
    case.refresh_from_db()
    assert (case.trafficking_status, case.status_decided_by) == ("PossibleVictimOfTrafficking", "")
    assert case.exploitation_region == "Peloponnese"  # nothing half written
    same = json.dumps({"context": {"trafficking_status": "PossibleVictimOfTrafficking"}})
    assert api_client["caseworker"].patch(url, same, "application/json").status_code == 200  # no change: fine
    created = api_client["caseworker"].post(
        "/api/v1/cases", {"person": {}, "context": {"trafficking_status": "ActualVictimOfTrafficking"}},
        "application/json",
    )  # fmt: skip
    assert created.status_code == 422
    assert Case.objects.count() == 1


def test_an_htcds_import_keeps_what_another_systems_authority_decided(world: World, tmp_path: Path) -> None:
    path = tmp_path / "cases.csv"
    path.write_text(
        "prs_FirstName,vic_TraffickingStatus,vic_TraffickingStatusDecisionMakingOrg,lt_IdentifiedOn\n"
        "Ana,ActualVictimOfTrafficking,Police,2025-06-01\n"
    )
    report = services.case_import_htcds(path=path, organisation=world.ngo_a)
    assert report.imported == 1
    imported = Case.objects.get()
    assert (imported.trafficking_status, imported.status_decided_by) == ("ActualVictimOfTrafficking", "Police")


def test_the_htcds_export_names_the_authority_as_the_decision_maker(case: Case, world: World) -> None:
    _refer(world, case)
    _decide(world, case, decided_on=date(2026, 3, 2))
    _decide(world, case, kind="conclusive_grounds")
    out = io.StringIO()
    services.case_export_htcds(actor=world.supervisor, organisation=world.ngo_a, out=out)
    row = next(csv.DictReader(io.StringIO(out.getvalue())))
    assert row["vic_TraffickingStatus"] == "ActualVictimOfTrafficking"
    assert row["vic_TraffickingStatusDecisionMakingOrg"] == "NonPoliceGovernmentalOrganization"


# --- What the coordinator sees ------------------------------------------------------------------------------


def test_the_coordinator_follows_the_deadlines_without_the_person(
    case: Case, world: World, api_client: dict[str, Client], staff: dict[str, Client]
) -> None:
    _refer(world, case)
    response = api_client["coordinator"].get("/api/v1/cases/nrm")
    assert response.status_code == 200
    [row] = response.json()["items"]
    assert row["reference"] == case.reference
    assert row["reasonable_grounds_due"] == "2026-03-06"
    assert row["competent_authority"] == "National Identification Panel"
    assert "Maria" not in response.content.decode()
    assert api_client["coordinator"].get(f"/api/v1/cases/{case.reference}").status_code == 404  # not the file
    for persona in ("analyst", "caseworker", "supervisor", "outsider"):
        assert api_client[persona].get("/api/v1/cases/nrm").status_code == 403
    page = staff["coordinator"].get("/cases/nrm/")
    assert page.status_code == 200
    html = page.content.decode()
    assert case.reference in html
    assert "Maria" not in html
    assert staff["authority_member"].get("/cases/nrm/").status_code == 200
    assert staff["caseworker"].get("/cases/nrm/").status_code == 403


# --- The pages -----------------------------------------------------------------------------------------------


def test_the_case_page_shows_the_decision_with_its_reasons_escaped(
    case: Case, world: World, staff: dict[str, Client]
) -> None:
    url = f"/cases/{case.reference}/"
    assert staff["caseworker"].post(url + "refer/", {"consent_given": "on"}).status_code == 302
    page = staff["authority_member"].get(url).content.decode()
    assert "Record a decision" in page
    hostile = '<script>alert(1)</script> =HYPERLINK("x")'
    form = {"kind": "reasonable_grounds", "outcome": "positive", "decided_on": "2026-03-02", "reasons": hostile,
            "served_on": "2026-03-02", "served_language": "ro"}  # fmt: skip
    assert staff["authority_member"].post(url + "decisions/", {**form, "reasons": ""}).status_code == 422
    assert staff["authority_member"].post(url + "decisions/", form).status_code == 302
    page = staff["caseworker"].get(url).content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<script>alert(1)" not in page
    assert "Served on the person on 2026-03-02, in Romanian." in page
    assert "Record a decision" not in page  # the caseworker does not decide


def test_the_authority_is_told_referrals_to_services_are_not_its_to_see(
    case: Case, world: World, staff: dict[str, Client]
) -> None:
    """Not "No referral yet": the NGO may have sent her to a shelter; the authority deciding on her status does not
    see where."""
    url = f"/cases/{case.reference}/"
    assert staff["caseworker"].post(url + "refer/", {"consent_given": "on"}).status_code == 302
    page = staff["authority_member"].get(url).content.decode()
    assert "The referrals to services are not shown to your role." in page
    assert "No referral yet." not in page
    page = staff["caseworker"].get(url).content.decode()
    assert "The referrals to services are not shown to your role." not in page


def test_an_erased_case_is_not_filled_in_again_through_the_api(
    case: Case, world: World, api_client: dict[str, Client]
) -> None:
    closure.case_close(actor=world.supervisor, case=case, reason="Left the country")
    url = f"/api/v1/cases/{case.reference}"
    patch = json.dumps({"person": {"first_name": "Olena"}})
    assert api_client["caseworker"].patch(url, patch, "application/json").status_code == 422
    case.refresh_from_db()
    assert case.person.first_name == "Maria"

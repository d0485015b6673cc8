"""Handing a case over to another organisation (cases.services.case_transfer): a police unit's first responder
registers, nobody holds the case, and she hands it to a case-managing NGO with the person's consent; the NGO's
supervisor finds it unassigned in her list. Refused without consent; the history stays with the case."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client

from lantern.cases import services
from lantern.cases.models import Case
from lantern.core import services as core
from lantern.core.models import Alert, AuditEvent
from lantern.providers.services import offering_save, status_set
from lantern.referrals import services as referrals
from tests.conftest import World, labour_context, maria


@pytest.fixture
def police_case(world: World, clock: object) -> Case:
    return services.case_register(
        actor=world.police,
        organisation=world.police_unit,
        person=maria(),
        context=labour_context(),
        identified_on=date(2026, 2, 16),
        consent_to_case_management=True,
    )


def _consent(case: Case, world: World) -> None:
    services.consent_give(
        actor=world.police, case=case, purpose="referral", recipient=world.ngo_a, given_on=date(2026, 2, 17)
    )


def test_the_police_case_page_says_nobody_holds_it_and_offers_the_hand_over(
    police_case: Case, world: World, staff: dict[str, Client]
) -> None:
    html = staff["police"].get(f"/cases/{police_case.reference}/").content.decode()
    assert "Nobody holds this case yet" in html
    assert f'action="/cases/{police_case.reference}/transfer/"' in html
    hand_over = html.split('id="hand-over"')[1].split("</form>")[0]
    assert "Safe Passage NGO" in hand_over  # an organisation with caseworkers is offered
    assert "Public Prosecutor" not in hand_over  # one that holds no cases is not


def test_without_consent_the_hand_over_is_refused_and_nothing_changes(
    police_case: Case, world: World, staff: dict[str, Client], api_client: dict[str, Client]
) -> None:
    with pytest.raises(ValidationError, match="has not consented to hand the case over to Safe Passage NGO"):
        services.case_transfer(actor=world.police, case=police_case, to=world.ngo_a)
    page = staff["police"].post(
        f"/cases/{police_case.reference}/transfer/", {"organisation": world.ngo_a.pk, "confirmed": "yes"}
    )
    assert page.status_code == 422
    assert "has not consented to hand the case over" in page.content.decode()
    api = api_client["police"].post(
        f"/api/v1/cases/{police_case.reference}/transfer",
        {"organisation_id": world.ngo_a.pk},
        content_type="application/json",
    )
    assert api.status_code == 422
    assert api["Content-Type"] == "application/problem+json"
    police_case.refresh_from_db()
    assert police_case.organisation == world.police_unit
    assert not AuditEvent.objects.filter(action="case.transfer").exists()


def test_with_consent_the_ngo_holds_the_case_and_its_supervisor_finds_it_unassigned(
    police_case: Case, world: World, staff: dict[str, Client]
) -> None:
    _consent(police_case, world)
    url = f"/cases/{police_case.reference}/transfer/"
    asked = staff["police"].post(url, {"organisation": world.ngo_a.pk})
    assert "Yes, hand the case over" in asked.content.decode()  # a confirmation first, nothing written
    police_case.refresh_from_db()
    assert police_case.organisation == world.police_unit

    done = staff["police"].post(url, {"organisation": world.ngo_a.pk, "confirmed": "yes"})
    assert done.status_code == 302
    assert done["Location"] == "/cases/"
    police_case.refresh_from_db()
    assert (police_case.organisation, police_case.assigned_to) == (world.ngo_a, None)
    assert staff["police"].get(f"/cases/{police_case.reference}/").status_code == 404

    listed = staff["supervisor"].get("/cases/").content.decode()
    assert police_case.reference in listed
    page = staff["supervisor"].get(f"/cases/{police_case.reference}/").content.decode()
    assert "Nobody holds this case yet" not in page
    assert "Handed over to another organisation: Safe Passage NGO" in page
    assert "Registered" in page  # the history went with it
    assert Alert.objects.filter(recipient=world.supervisor, object_id=police_case.reference).exists()
    events = AuditEvent.objects.filter(action="case.transfer")
    assert {e.organisation_id for e in events} == {world.police_unit.pk, world.ngo_a.pk}


def test_only_those_who_may_hand_a_case_over_do_it(police_case: Case, world: World, case: Case) -> None:
    _consent(police_case, world)
    with pytest.raises(PermissionDenied):
        services.case_transfer(actor=world.outsider, case=police_case, to=world.ngo_b)
    services.consent_give(
        actor=world.caseworker, case=case, purpose="referral", recipient=world.ngo_b, given_on=date(2026, 2, 17)
    )
    with pytest.raises(PermissionDenied):  # a caseworker asks her supervisor
        services.case_transfer(actor=world.caseworker, case=case, to=world.ngo_b)
    with pytest.raises(ValidationError, match="does not hold cases"):
        services.case_transfer(actor=world.supervisor, case=case, to=world.prosecution)
    core.user_create(
        actor=None, username="other_supervisor", organisation=world.ngo_b, role="supervisor", password=None
    )
    services.case_transfer(actor=world.supervisor, case=case, to=world.ngo_b)
    case.refresh_from_db()
    assert case.organisation == world.ngo_b


def test_no_hand_over_to_an_organisation_that_could_not_take_it_up(police_case: Case, world: World) -> None:
    """Nobody would hold the case: an organisation without a supervisor, or one whose services are suspended."""
    services.consent_give(
        actor=world.police, case=police_case, purpose="referral", recipient=world.ngo_b, given_on=date(2026, 2, 17)
    )
    with pytest.raises(ValidationError, match="Other Shore NGO has no supervisor in Lantern"):
        services.case_transfer(actor=world.police, case=police_case, to=world.ngo_b)
    _consent(police_case, world)
    status_set(actor=None, organisation=world.ngo_a, status="suspended")
    with pytest.raises(ValidationError, match="Safe Passage NGO has suspended its services"):
        services.case_transfer(actor=world.police, case=police_case, to=world.ngo_a)
    police_case.refresh_from_db()
    assert police_case.organisation == world.police_unit
    status_set(actor=None, organisation=world.ngo_a, status="open")
    assert services.case_transfer(actor=world.police, case=police_case, to=world.ngo_a).organisation == world.ngo_a


def test_a_referral_to_the_new_holder_ends_and_providers_are_told_who_holds_the_case_now(
    case: Case, world: World, staff: dict[str, Client]
) -> None:
    """Safe Passage had referred its case to the legal aid clinic and to Other Shore; the case goes to Other Shore
    (given a supervisor): the referral to Other Shore ends, the clinic's page names the new holder."""
    other_supervisor = core.user_create(
        actor=None, username="other_supervisor", organisation=world.ngo_b, role="supervisor", password=None
    )
    for recipient, service_type in ((world.legal_aid, "legal_counselling"), (world.ngo_b, "psychological")):
        offering_save(
            actor=None,
            organisation=recipient,
            service_type=service_type,
            regions=["Attica"],
            delivery_modes=["in_person"],
            weekly_capacity=5,
        )
        services.consent_give(actor=world.caseworker, case=case, purpose="referral", recipient=recipient)
    to_clinic = referrals.referral_create(
        actor=world.caseworker, case=case, recipient=world.legal_aid, service_type="legal_counselling"
    )
    to_holder = referrals.referral_create(
        actor=world.caseworker, case=case, recipient=world.ngo_b, service_type="psychological"
    )
    services.case_transfer(actor=world.supervisor, case=case, to=world.ngo_b)
    to_holder.refresh_from_db()
    to_clinic.refresh_from_db()
    assert (to_holder.status, to_clinic.status) == ("cancelled", "pending")
    page = staff["provider"].get(f"/referrals/{to_clinic.public_id}/").content.decode()
    assert "The case has since been handed over to Other Shore NGO" in page
    assert world.caseworker.username not in page.split('id="who-heading"')[1].split("</section>")[0]
    assert Alert.objects.filter(recipient=other_supervisor, object_id=case.reference).exists()

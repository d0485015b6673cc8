"""A member of staff's work phone: set on her account page (checked, optional), shown with her work e-mail to the
provider she refers someone to, so that "call the referring caseworker" has a number."""

from __future__ import annotations

from django.test import Client

from lantern.cases.models import Case
from lantern.core.models import AuditEvent
from lantern.referrals import services as referrals
from tests.conftest import World


def test_a_wrong_number_is_refused_beside_the_field_as_typed_and_a_right_one_is_saved(
    world: World, staff: dict[str, Client]
) -> None:
    refused = staff["caseworker"].post("/account/", {"do": "work_phone", "work_phone": "call me"})
    html = refused.content.decode()
    assert "Write a phone number with 6 to 15 digits" in html
    assert 'value="call me"' in html
    world.caseworker.refresh_from_db()
    assert world.caseworker.work_phone == ""

    saved = staff["caseworker"].post("/account/", {"do": "work_phone", "work_phone": " +30 210  555 0100 "})
    assert saved.status_code == 302
    world.caseworker.refresh_from_db()
    assert world.caseworker.work_phone == "+30 210 555 0100"
    assert AuditEvent.objects.filter(action="account.work_phone", actor_id=world.caseworker.pk).exists()
    assert "+30 210 555 0100" in staff["caseworker"].get("/account/").content.decode()


def test_the_provider_sees_the_referring_caseworkers_work_phone_with_her_e_mail(
    consented_case: Case, world: World, offers: dict, staff: dict[str, Client]
) -> None:
    staff["caseworker"].post("/account/", {"do": "work_phone", "work_phone": "+30 210 555 0100"})
    referral = referrals.referral_create(
        actor=world.caseworker, case=consented_case, recipient=world.legal_aid, service_type="legal_counselling"
    )
    html = staff["provider"].get(f"/referrals/{referral.public_id}/").content.decode()
    assert 'href="tel:+302105550100"' in html
    assert "caseworker@example.org" in html

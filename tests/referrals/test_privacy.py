"""What a referral keeps from whom: nothing more for the recipient once consent is withdrawn, ids that tell
nothing about other referrals, and a decline reason that is encrypted and goes with an erasure."""

from __future__ import annotations

import re

from django.db import connection
from django.test import Client

from lantern.cases import services as cases
from lantern.cases.models import Case
from lantern.referrals import services
from lantern.referrals.models import Referral
from tests.conftest import World, consented_cases

REASON = "Maria Popescu is known to our staff member Ana, conflict of interest"


def _refer(case: Case, world: World) -> Referral:
    return services.referral_create(
        actor=world.caseworker, case=case, recipient=world.legal_aid, service_type="legal_counselling"
    )


def test_once_consent_is_withdrawn_the_recipient_gets_404_everywhere(
    consented_case: Case, world: World, offers: dict, api_client: dict[str, Client], staff: dict[str, Client]
) -> None:
    referral = _refer(consented_case, world)
    url = f"/api/v1/referrals/{referral.public_id}"
    assert api_client["provider"].get(url).status_code == 200
    cases.consent_withdraw(
        actor=world.caseworker, consent=consented_case.consents.get(purpose="referral", recipient=world.legal_aid)
    )
    response = api_client["provider"].get(url)
    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"
    assert "contact_route" not in response.content.decode()
    assert api_client["provider"].post(f"{url}/accept").status_code == 404
    assert api_client["provider"].post(f"{url}/decline", {"reason": "x"}, "application/json").status_code == 404
    assert referral.public_id not in api_client["provider"].get("/api/v1/referrals").content.decode()
    assert staff["provider"].post(f"/referrals/{referral.public_id}/accept/").status_code == 404
    # the organisation that sent it keeps its own record
    assert api_client["caseworker"].get(url).status_code == 200
    assert api_client["supervisor"].get(url).status_code == 200


def test_referral_ids_are_random_and_the_row_number_opens_nothing(
    consented_case: Case, world: World, offers: dict, api_client: dict[str, Client], staff: dict[str, Client]
) -> None:
    first, second = _refer(consented_case, world), _refer(consented_cases(world, 1)[0], world)
    body = api_client["provider"].get(f"/api/v1/referrals/{first.public_id}").json()
    assert re.fullmatch(r"[0-9a-f]{32}", body["id"])
    assert body["id"] == first.public_id != second.public_id
    assert str(first.pk) not in (first.public_id[:4], second.public_id[:4])
    assert int(second.public_id, 16) - int(first.public_id, 16) not in (-1, 1)
    for response in (
        api_client["provider"].get(f"/api/v1/referrals/{first.pk}"),
        api_client["provider"].post(f"/api/v1/referrals/{second.pk}/accept"),
    ):
        assert response.status_code == 422  # not an id at all: refused before any lookup
        assert response["Content-Type"] == "application/problem+json"
        assert consented_case.reference not in response.content.decode()
    assert api_client["provider"].get(f"/api/v1/referrals/{'0' * 32}").status_code == 404
    assert staff["provider"].post(f"/referrals/{first.pk}/accept/").status_code == 404
    assert all(
        re.fullmatch(r"[0-9a-f]{32}", item["id"])
        for item in api_client["provider"].get("/api/v1/referrals").json()["items"]
    )


def _raw_reason(referral: Referral) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT decline_reason FROM referrals_referral WHERE id = %s", [referral.pk])
        return str(cursor.fetchone()[0])


def test_a_decline_reason_is_encrypted_and_erased_with_the_case(
    consented_case: Case, world: World, offers: dict
) -> None:
    referral = services.referral_decline(actor=world.provider, referral=_refer(consented_case, world), reason=REASON)
    raw = _raw_reason(referral)
    assert raw.startswith("v1:")
    assert "Popescu" not in raw
    assert Referral.objects.get(pk=referral.pk).decline_reason == REASON
    cases.case_erase(actor=world.supervisor, case=consented_case, request_reference="Request 2026/14")
    assert _raw_reason(referral) == ""
    assert Referral.objects.get(pk=referral.pk).decline_reason == ""


def test_retention_clears_decline_reasons_too(
    consented_case: Case, world: World, offers: dict, time_machine: object
) -> None:
    referral = services.referral_decline(actor=world.provider, referral=_refer(consented_case, world), reason=REASON)
    Case.objects.filter(pk=consented_case.pk).update(status="Closed", closed_at="2020-01-01T00:00:00Z")
    assert cases.retention_apply() == 1
    assert _raw_reason(referral) == ""

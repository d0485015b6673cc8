"""Non-punishment: charges and fines against a victim (a lockdown breach among them), the request that she not be
punished, its outcome. Read by the caseworker and supervisor holding the case, the prosecutor of a proceeding of
the case and the competent authority it was referred to; nobody else. Through the services, the API and the pages."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client

from lantern.cases import non_punishment
from lantern.cases import services as cases
from lantern.cases.models import Case, Charge, NonPunishmentRequest
from lantern.core import services as core
from lantern.core.models import AuditEvent, OrganisationType, User
from lantern.core.roles import Role
from lantern.justice import services as justice
from tests.conftest import World
from tests.helpers import database_text

TODAY = date(2026, 3, 2)
FINE = {"kind": "fine", "offence": "lockdown", "charged_on": "2026-02-25", "authority": "Attica Police"}
GROUNDS = "Her exploiters sent her to sell goods on the street during the lockdown; she could not refuse."


def _fine(world: World, case: Case) -> Charge:
    return non_punishment.charge_record(
        actor=world.caseworker,
        case=case,
        kind="fine",
        offence="lockdown",
        charged_on=date(2026, 2, 25),
        authority="Attica Police",
        amount=Decimal("300.00"),
        currency="eur",
    )


@pytest.fixture
def linked(world: World, case: Case) -> Case:
    """Referred to the competent authority, with a proceeding in the charge of the prosecution."""
    cases.case_refer_to_authority(actor=world.caseworker, case=case, referred_on=date(2026, 2, 27), consent_given=True)
    justice.proceeding_open(
        actor=None, case=case, organisation=world.prosecution, kind="trial", survivor_role="injured_party"
    )
    case.refresh_from_db()
    return case


def _others(world: World) -> dict[str, User]:
    other_police = core.organisation_create(
        actor=None, name="Crete Police Unit", type=OrganisationType.LAW_ENFORCEMENT, country="GR", region="Crete"
    )
    other_prosecution = core.organisation_create(
        actor=None, name="Crete Prosecutor", type=OrganisationType.PROSECUTION, country="GR", region="Crete"
    )
    return {
        "other_police": core.user_create(
            actor=None, username="other_police", organisation=other_police, role=Role.FIRST_RESPONDER, password=None
        ),
        "other_prosecutor": core.user_create(
            actor=None, username="other_prosecutor", organisation=other_prosecution, role=Role.JUSTICE, password=None
        ),
    }


@pytest.mark.django_db(transaction=True)
def test_a_fine_for_a_lockdown_breach_waived_on_request(world: World, linked: Case, tmp_path: Path) -> None:
    fine = _fine(world, linked)
    assert (fine.amount, fine.currency) == (Decimal("300.00"), "EUR")
    request = non_punishment.request_record(
        actor=world.caseworker,
        charge=fine,
        requested_on=TODAY,
        addressed_to="Police Directorate",
        grounds=GROUNDS,
    )
    non_punishment.request_decide(actor=world.supervisor, request=request, outcome="granted", decided_on=TODAY)
    (row,) = non_punishment.charges_for(world.caseworker, linked)
    assert row.outcome == "Fine waived"
    assert GROUNDS.encode() not in database_text(tmp_path)
    assert linked.timeline.filter(kind="non_punishment_decide").exists()


@pytest.mark.parametrize("persona", ["caseworker", "supervisor", "prosecutor", "authority_member"])
def test_those_who_need_it_read_the_charges_and_the_read_of_the_grounds_is_audited(
    world: World, linked: Case, persona: str
) -> None:
    fine = _fine(world, linked)
    non_punishment.request_record(
        actor=world.caseworker, charge=fine, requested_on=TODAY, addressed_to="Police", grounds=GROUNDS
    )
    user = world.users[persona]
    assert non_punishment.may_view(user, linked)
    (row,) = non_punishment.charges_for(user, linked)
    assert row.requests[0].grounds == GROUNDS
    assert AuditEvent.objects.filter(action="personal_data.read", actor_id=user.pk).exists()


@pytest.mark.parametrize(
    "persona", ["provider", "other_police", "other_prosecutor", "analyst", "outsider", "coordinator", "police"]
)
def test_nobody_else_reads_them(world: World, linked: Case, persona: str) -> None:
    _fine(world, linked)
    user = world.users.get(persona) or _others(world)[persona]
    assert not non_punishment.may_view(user, linked)
    with pytest.raises(PermissionDenied):
        non_punishment.charges_for(user, linked)


def test_a_prosecutor_reads_nothing_before_a_proceeding_links_her_to_the_case(world: World, case: Case) -> None:
    _fine(world, case)
    assert not non_punishment.may_view(world.prosecutor, case)


@pytest.mark.parametrize("persona", ["prosecutor", "authority_member", "police", "provider", "outsider"])
def test_only_those_who_hold_the_case_record_a_charge(world: World, linked: Case, persona: str) -> None:
    with pytest.raises(PermissionDenied):
        non_punishment.charge_record(
            actor=world.users[persona],
            case=linked,
            kind="charge",
            offence="immigration",
            charged_on=TODAY,
            authority="X",
        )


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"offence": "jaywalking"}, "offence"),
        ({"kind": "warning"}, "kind"),
        ({"amount": None}, "amount"),
        ({"amount": Decimal("-1")}, "amount"),
        ({"amount": Decimal("1.001")}, "amount"),
        ({"currency": "XYZ"}, "currency"),
        ({"authority": " "}, "authority"),
        ({"charged_on": date(2027, 1, 1)}, "charged_on"),
        ({"kind": "charge"}, "amount"),
    ],
)
def test_a_wrong_charge_is_refused_and_nothing_is_written(
    world: World, case: Case, changes: dict[str, object], field: str
) -> None:
    values: dict[str, object] = {
        "kind": "fine",
        "offence": "lockdown",
        "charged_on": TODAY,
        "authority": "Police",
        "amount": Decimal("50"),
        "currency": "EUR",
    } | changes
    with pytest.raises(ValidationError) as refused:
        non_punishment.charge_record(actor=world.caseworker, case=case, **values)  # type: ignore[arg-type]
    assert field in refused.value.message_dict
    assert not Charge.objects.exists()


def test_a_request_and_its_outcome_are_refused_when_wrong(world: World, case: Case) -> None:
    fine = _fine(world, case)
    with pytest.raises(ValidationError, match="before the charge"):
        non_punishment.request_record(
            actor=world.caseworker, charge=fine, requested_on=date(2026, 2, 1), addressed_to="Police", grounds=GROUNDS
        )
    with pytest.raises(ValidationError):
        non_punishment.request_record(
            actor=world.caseworker, charge=fine, requested_on=TODAY, addressed_to="Police", grounds="\u200b "
        )
    request = non_punishment.request_record(
        actor=world.caseworker, charge=fine, requested_on=TODAY, addressed_to="Police", grounds=GROUNDS
    )
    with pytest.raises(ValidationError, match="already pending"):
        non_punishment.request_record(
            actor=world.caseworker, charge=fine, requested_on=TODAY, addressed_to="Police", grounds=GROUNDS
        )
    with pytest.raises(ValidationError):
        non_punishment.request_decide(actor=world.caseworker, request=request, outcome="pending", decided_on=TODAY)
    non_punishment.request_decide(actor=world.caseworker, request=request, outcome="refused", decided_on=TODAY)
    with pytest.raises(ValidationError, match="already decided"):
        non_punishment.request_decide(actor=world.caseworker, request=request, outcome="granted", decided_on=TODAY)


# --- API and pages -----------------------------------------------------------------------------------------


def test_the_api_records_a_fine_and_a_request_and_the_prosecutor_reads_them(
    world: World, linked: Case, api_client: dict[str, Client]
) -> None:
    base = f"/api/v1/cases/{linked.reference}"
    response = api_client["caseworker"].post(
        f"{base}/charges",
        {
            "kind": "fine",
            "offence": "lockdown",
            "charged_on": "2026-02-25",
            "authority": "Police",
            "amount": "300.00",
            "currency": "EUR",
        },
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    charge_id = response.json()["id"]
    response = api_client["caseworker"].post(
        f"{base}/charges/{charge_id}/requests",
        {"requested_on": "2026-03-02", "addressed_to": "Police Directorate", "grounds": GROUNDS},
        content_type="application/json",
    )
    assert response.status_code == 201
    bad = api_client["caseworker"].post(
        f"{base}/charges",
        {"kind": "fine", "offence": "lockdown", "charged_on": "2026-02-25", "authority": "P"},
        content_type="application/json",
    )
    assert bad.status_code == 422
    assert bad["Content-Type"].startswith("application/problem+json")
    (charge,) = api_client["prosecutor"].get(f"{base}/charges").json()
    assert charge["amount"] == "300.00"
    assert charge["requests"][0]["grounds"] == GROUNDS
    assert api_client["provider"].get(f"{base}/charges").status_code == 404
    assert api_client["analyst"].get(f"{base}/charges").status_code == 404
    assert (
        api_client["prosecutor"]
        .post(
            f"{base}/charges",
            {"kind": "charge", "offence": "other", "charged_on": "2026-02-25", "authority": "P"},
            content_type="application/json",
        )
        .status_code
        == 404
    )


def test_the_api_refuses_a_session_without_the_csrf_token(
    world: World, case: Case, settings: pytest.FixtureRequest
) -> None:
    settings.LANTERN_REQUIRE_2FA = False  # type: ignore[attr-defined]
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.caseworker)
    body = {"kind": "charge", "offence": "immigration", "charged_on": "2026-02-25", "authority": "Police"}
    response = client.post(f"/api/v1/cases/{case.reference}/charges", json.dumps(body), content_type="application/json")
    assert response.status_code in (401, 403)
    response = client.post(
        f"/api/v1/cases/{case.reference}/removals",
        json.dumps({"kind": "detention", "ordered_on": "2026-03-01", "authority": "Police"}),
        content_type="application/json",
    )
    assert response.status_code in (401, 403)
    assert not Charge.objects.exists()


def test_the_pages_record_a_fine_a_request_and_its_outcome_and_the_prosecutor_sees_them(
    world: World, linked: Case, staff: dict[str, Client]
) -> None:
    page = staff["caseworker"]
    url = f"/cases/{linked.reference}/"
    wrong = page.post(
        f"{url}charges/",
        {
            "kind": "fine",
            "offence": "lockdown",
            "charged_on": "2026-02-25",
            "authority": "Attica Police",
            "currency": "EUR",
        },
    )
    assert wrong.status_code == 422
    assert 'value="Attica Police"' in wrong.content.decode()
    page.post(
        f"{url}charges/",
        {
            "kind": "fine",
            "offence": "lockdown",
            "charged_on": "2026-02-25",
            "authority": "Attica Police",
            "amount": "300",
            "currency": "EUR",
        },
    )
    charge = Charge.objects.get()
    page.post(
        f"{url}charges/{charge.pk}/request/",
        {"requested_on": "2026-03-02", "addressed_to": "Police", "grounds": GROUNDS},
    )
    request = NonPunishmentRequest.objects.get()
    assert (
        page.post(
            f"{url}non-punishment/{request.pk}/decide/", {"outcome": "granted", "decided_on": "2026-03-02"}
        ).status_code
        == 302
    )
    assert "Fine waived" in page.get(url).content.decode()
    proceeding = linked.proceedings.get()
    html = staff["prosecutor"].get(f"/justice/proceeding/{proceeding.pk}/").content.decode()
    assert "Breach of lockdown or quarantine rules" in html
    assert GROUNDS in html
    assert staff["provider"].post(f"{url}charges/", {}).status_code == 404
    assert staff["authority_member"].post(f"{url}charges/", {}).status_code == 404


def test_the_charge_s_authority_is_isolated_from_the_page_s_direction(
    world: World, case: Case, staff: dict[str, Client]
) -> None:
    non_punishment.charge_record(
        actor=world.caseworker, case=case, kind="charge", offence="lockdown", charged_on=date(2026, 2, 25),
        authority="شرطة أتيكا",
    )  # fmt: skip
    html = staff["caseworker"].get(f"/cases/{case.reference}/").content.decode()
    assert '<bdi dir="auto">شرطة أتيكا</bdi>' in html

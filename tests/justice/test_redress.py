"""Redress in a proceeding: an outcome per defendant that closes the proceeding, compensation claimed, awarded and
paid (never more than awarded), state-fund claims, the survivor's legal representative (a lawyer's name kept
encrypted), protective measures requested then granted or refused; the pages, the API, the audit and the case's
timeline; no name of anyone on the pages of those who need none."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test import Client

from lantern.cases.models import Case, TimelineEntry
from lantern.core import services as core
from lantern.core.models import AuditEvent, OrganisationType, OutboxEvent
from lantern.justice import services
from lantern.justice.models import (
    CancellationReason,
    Compensation,
    Defendant,
    FundClaimStatus,
    Hearing,
    HearingStatus,
    MeasureStatus,
    Proceeding,
)
from tests.conftest import World
from tests.justice.helpers import Justice

pytestmark = pytest.mark.django_db

TODAY = date(2026, 3, 2)  # the test clock


def post(client: Client, url: str, body: dict[str, object], method: str = "post") -> object:
    return client.generic(method.upper(), f"/api/v1{url}", data=json.dumps(body), content_type="application/json")


# --- Outcomes close the proceeding --------------------------------------------------------------------------------


def test_the_proceeding_closes_when_every_defendant_has_an_outcome(world: World, justice: Justice) -> None:
    proceeding = justice.proceeding
    first = services.defendant_add(actor=world.prosecutor, proceeding=proceeding)
    second = services.defendant_add(actor=justice.clerk, proceeding=proceeding)  # a clerk of a court that hears it
    assert (first.number, second.number) == (1, 2)
    services.defendant_outcome(actor=world.prosecutor, defendant=first, outcome="conviction", outcome_on=TODAY)
    proceeding.refresh_from_db()
    assert proceeding.closed_on is None  # one defendant still waits
    services.defendant_outcome(actor=justice.clerk, defendant=second, outcome="acquittal")
    proceeding.refresh_from_db()
    assert proceeding.closed_on == TODAY
    kinds = list(TimelineEntry.objects.filter(case=proceeding.case).values_list("kind", flat=True))
    assert kinds.count("defendant_outcome") == 2
    assert "proceeding_close" in kinds
    assert AuditEvent.objects.filter(action="proceeding.proceeding_close", object_id=str(proceeding.pk)).exists()
    # Closed: no more defendants, no more hearings, and an outcome is not recorded twice.
    with pytest.raises(ValidationError, match="closed"):
        services.defendant_add(actor=world.prosecutor, proceeding=proceeding)
    with pytest.raises(ValidationError) as twice:
        services.defendant_outcome(actor=world.prosecutor, defendant=first, outcome="acquittal")
    assert "outcome" in twice.value.message_dict
    first.refresh_from_db()
    assert first.outcome == "conviction"


def test_an_outcome_is_refused_in_the_future_before_the_opening_or_by_the_caseworker(
    world: World, justice: Justice
) -> None:
    defendant = services.defendant_add(actor=world.prosecutor, proceeding=justice.proceeding)
    for outcome, day, field in [
        ("guilty", TODAY, "outcome"),
        ("conviction", date(2026, 3, 3), "outcome_on"),
        ("conviction", date(2026, 3, 1), "outcome_on"),
    ]:
        with pytest.raises(ValidationError) as refused:
            services.defendant_outcome(actor=world.prosecutor, defendant=defendant, outcome=outcome, outcome_on=day)
        assert list(refused.value.message_dict) == [field]
    with pytest.raises(PermissionDenied):
        services.defendant_outcome(actor=world.caseworker, defendant=defendant, outcome="conviction")
    with pytest.raises(PermissionDenied):
        services.defendant_add(actor=world.caseworker, proceeding=justice.proceeding)
    assert Defendant.objects.get(pk=defendant.pk).outcome == ""


# --- Compensation -----------------------------------------------------------------------------------------------


def test_compensation_is_claimed_awarded_and_paid_in_parts_never_beyond_the_award(
    world: World, justice: Justice
) -> None:
    claim = services.compensation_claim(
        actor=world.prosecutor, proceeding=justice.proceeding, payer="offender", claimed="20000", currency="eur"
    )
    assert (claim.claimed, claim.currency, claim.fund_status) == (Decimal("20000.00"), "EUR", "")
    with pytest.raises(ValidationError, match="Nothing has been awarded"):
        services.compensation_pay(actor=world.prosecutor, compensation=claim, amount="10")
    claim = services.compensation_award(actor=justice.clerk, compensation=claim, awarded=Decimal("15000.00"))
    with pytest.raises(ValidationError, match="awarded already"):
        services.compensation_award(actor=justice.clerk, compensation=claim, awarded=Decimal("1.00"))
    claim = services.compensation_pay(actor=world.prosecutor, compensation=claim, amount="5000.50")
    claim = services.compensation_pay(actor=world.prosecutor, compensation=claim, amount=Decimal("4000"))
    assert claim.paid == Decimal("9000.50")
    assert claim.last_paid_on == TODAY
    with pytest.raises(ValidationError, match="still owed"):
        services.compensation_pay(actor=world.prosecutor, compensation=claim, amount="6000.00")
    assert Compensation.objects.get(pk=claim.pk).paid == Decimal("9000.50")
    details = list(
        TimelineEntry.objects.filter(case=justice.proceeding.case, kind="compensation_pay").values_list(
            "detail", flat=True
        )
    )
    assert [d["amount"] for d in details] == ["5000.50", "4000.00"]


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("claimed", "0", "greater than zero"),
        ("claimed", "-5", "greater than zero"),
        ("claimed", "12.345", "two decimals"),
        ("claimed", "NaN", "greater than zero"),
        ("claimed", "lots", "An amount"),
        ("currency", "XYZ", "ISO 4217"),
        ("payer", "the_state", "who is to pay"),
    ],
)
def test_a_bad_claim_names_its_field(world: World, justice: Justice, field: str, value: str, message: str) -> None:
    claim: dict[str, object] = {"payer": "offender", "claimed": "100", "currency": "EUR", field: value}
    with pytest.raises(ValidationError) as refused:
        services.compensation_claim(actor=world.prosecutor, proceeding=justice.proceeding, **claim)  # type: ignore[arg-type]
    assert list(refused.value.message_dict) == [field]
    assert message in refused.value.message_dict[field][0]
    assert not Compensation.objects.exists()


def test_a_state_fund_claim_has_a_status_and_a_refused_one_is_never_awarded(world: World, justice: Justice) -> None:
    fund = services.compensation_claim(
        actor=world.prosecutor, proceeding=justice.proceeding, payer="state_fund", claimed="3000", currency="EUR"
    )
    assert fund.fund_status == FundClaimStatus.SUBMITTED
    fund = services.fund_claim_status(actor=world.prosecutor, compensation=fund, status="under_review")
    granted = services.compensation_award(actor=world.prosecutor, compensation=fund, awarded="2500")
    assert granted.fund_status == FundClaimStatus.GRANTED
    other = services.compensation_claim(
        actor=world.prosecutor, proceeding=justice.proceeding, payer="state_fund", claimed="500", currency="EUR"
    )
    services.fund_claim_status(actor=world.prosecutor, compensation=other, status="refused")
    other.refresh_from_db()
    with pytest.raises(ValidationError, match="refused"):
        services.compensation_award(actor=world.prosecutor, compensation=other, awarded="100")
    offender = services.compensation_claim(
        actor=world.prosecutor, proceeding=justice.proceeding, payer="offender", claimed="500", currency="EUR"
    )
    with pytest.raises(ValidationError, match="state fund"):
        services.fund_claim_status(actor=world.prosecutor, compensation=offender, status="refused")


# --- Legal representative, protective measures --------------------------------------------------------------------


def test_the_lawyers_name_is_encrypted_and_never_in_the_audit(world: World, justice: Justice) -> None:
    services.legal_representative_set(
        actor=world.prosecutor, proceeding=justice.proceeding, organisation=world.legal_aid, lawyer="Eleni  Papadaki"
    )
    proceeding = Proceeding.objects.get(pk=justice.proceeding.pk)
    assert (proceeding.representative_organisation, proceeding.representative_lawyer) == (
        world.legal_aid,
        "Eleni Papadaki",
    )
    with connection.cursor() as cursor:
        cursor.execute("SELECT representative_lawyer FROM justice_proceeding WHERE id = %s", [proceeding.pk])
        stored = cursor.fetchone()[0]
    assert "Eleni" not in stored
    assert stored.startswith("v1:")
    event = AuditEvent.objects.filter(action="proceeding.legal_representative_set").get()
    assert "Eleni" not in json.dumps(event.detail)
    police = core.organisation_create(
        actor=None, name="Hellenic Police", type=OrganisationType.LAW_ENFORCEMENT, country="GR", languages=["el"]
    )
    with pytest.raises(ValidationError) as refused:
        services.legal_representative_set(actor=world.prosecutor, proceeding=proceeding, organisation=police)
    assert list(refused.value.message_dict) == ["organisation"]


def test_a_protective_measure_is_requested_then_granted_or_refused_once(world: World, justice: Justice) -> None:
    video = services.protective_measure_add(
        actor=world.prosecutor,
        proceeding=justice.proceeding,
        kind="video_interview",
        status="requested",
        requested_on=TODAY,
    )
    assert (video.status, video.decided_on) == (MeasureStatus.REQUESTED, None)
    video = services.protective_measure_decide(actor=justice.clerk, measure=video, status="granted")
    assert (video.status, video.decided_on) == (MeasureStatus.GRANTED, TODAY)
    with pytest.raises(ValidationError, match="decided already"):
        services.protective_measure_decide(actor=justice.clerk, measure=video, status="refused")
    order = services.protective_measure_add(
        actor=world.prosecutor, proceeding=justice.proceeding, kind="protection_order", status="refused"
    )
    assert (order.status, order.decided_on) == (MeasureStatus.REFUSED, TODAY)
    with pytest.raises(ValidationError) as early:
        services.protective_measure_add(
            actor=world.prosecutor, proceeding=justice.proceeding, kind="anonymity", requested_on=date(2026, 2, 1)
        )
    assert list(early.value.message_dict) == ["requested_on"]
    with pytest.raises(PermissionDenied):
        services.protective_measure_add(actor=world.caseworker, proceeding=justice.proceeding, kind="anonymity")


# --- Pages --------------------------------------------------------------------------------------------------------


def test_the_prosecutor_records_an_outcome_after_confirming(
    staff: dict[str, Client], world: World, justice: Justice
) -> None:
    defendant = services.defendant_add(actor=world.prosecutor, proceeding=justice.proceeding)
    url = f"/justice/defendant/{defendant.pk}/outcome/"
    form = {f"outcome-{defendant.pk}-outcome": "conviction", f"outcome-{defendant.pk}-outcome_on": "2026-03-02"}
    asked = staff["prosecutor"].post(url, form)
    assert asked.status_code == 200
    assert "Record “Conviction” for defendant 1?" in asked.content.decode()
    assert Defendant.objects.get(pk=defendant.pk).outcome == ""  # nothing written before the confirmation
    done = staff["prosecutor"].post(url, {**form, "confirmed": "yes"}, follow=True)
    body = done.content.decode()
    assert "Outcome recorded." in body
    assert "Closed on 2026-03-02" in body
    assert Proceeding.objects.get(pk=justice.proceeding.pk).closed_on == TODAY


def test_a_refused_claim_keeps_what_was_typed(staff: dict[str, Client], justice: Justice) -> None:
    url = f"/justice/proceeding/{justice.proceeding.pk}/compensation/"
    page = staff["prosecutor"].post(url, {"payer": "offender", "claimed": "1500.00", "currency": "XYZ"})
    assert page.status_code == 422
    body = page.content.decode()
    assert "A currency code (ISO 4217), for example EUR." in body
    assert 'value="1500.00"' in body
    assert 'value="XYZ"' in body


def test_the_caseworker_reads_the_redress_and_changes_nothing(
    staff: dict[str, Client], world: World, justice: Justice, case: Case
) -> None:
    claim = services.compensation_claim(
        actor=world.prosecutor, proceeding=justice.proceeding, payer="offender", claimed="15000", currency="EUR"
    )
    services.compensation_award(actor=world.prosecutor, compensation=claim, awarded="12000")
    services.compensation_pay(actor=world.prosecutor, compensation=claim, amount="4000")
    services.defendant_add(actor=world.prosecutor, proceeding=justice.proceeding)
    page = staff["caseworker"].get(f"/justice/proceeding/{justice.proceeding.pk}/")
    body = page.content.decode()
    assert page.status_code == 200
    assert "€12,000.00" in body
    assert "€8,000.00 still owed" in body
    assert "Defendant 1" in body
    assert "/award/" not in body
    assert "/outcome/" not in body
    assert "/compensation/" not in body
    assert "Maria" not in body
    assert "Popescu" not in body
    refused = staff["caseworker"].post(f"/justice/proceeding/{justice.proceeding.pk}/defendants/")
    assert refused.status_code == 403
    hidden = staff["outsider"].get(f"/justice/proceeding/{justice.proceeding.pk}/")
    assert hidden.status_code == 404


def test_the_page_in_arabic_writes_amounts_as_arabic_does(
    staff: dict[str, Client], world: World, justice: Justice
) -> None:
    claim = services.compensation_claim(
        actor=world.prosecutor, proceeding=justice.proceeding, payer="offender", claimed="15000", currency="EUR"
    )
    services.compensation_award(actor=world.prosecutor, compensation=claim, awarded="12000")
    staff["prosecutor"].cookies["django_language"] = "ar"
    body = staff["prosecutor"].get(f"/justice/proceeding/{justice.proceeding.pk}/").content.decode()
    assert "Compensation" not in body.split("<main", 1)[-1]
    assert "€" in body


# --- API ----------------------------------------------------------------------------------------------------------


def test_the_api_from_claim_to_closure(api_client: dict[str, Client], justice: Justice) -> None:
    prosecutor = api_client["prosecutor"]
    base = f"/justice/proceedings/{justice.proceeding.pk}"
    added = post(prosecutor, f"{base}/defendants", {})
    assert added.status_code == 201  # type: ignore[attr-defined]
    defendant_id = added.json()["defendants"][0]["id"]  # type: ignore[attr-defined]
    claim = post(prosecutor, f"{base}/compensations", {"payer": "offender", "claimed": "15000.00", "currency": "EUR"})
    assert claim.status_code == 201  # type: ignore[attr-defined]
    claim_id = claim.json()["id"]  # type: ignore[attr-defined]
    awarded = post(prosecutor, f"/justice/compensations/{claim_id}/award", {"awarded": "12000"})
    assert awarded.json()["awarded"] == "12000.00"  # type: ignore[attr-defined]
    paid = post(prosecutor, f"/justice/compensations/{claim_id}/payments", {"amount": 4000.5})
    assert paid.json()["paid"] == "4000.50"  # type: ignore[attr-defined]
    too_much = post(prosecutor, f"/justice/compensations/{claim_id}/payments", {"amount": "9000"})
    assert too_much.status_code == 422  # type: ignore[attr-defined]
    assert too_much["Content-Type"] == "application/problem+json"  # type: ignore[index]
    assert [e["field"] for e in too_much.json()["errors"]] == ["amount"]  # type: ignore[attr-defined]
    lawyer = post(
        prosecutor, f"{base}/legal-representative", {"organisation_id": None, "lawyer": "Eleni Papadaki"}, "put"
    )
    assert lawyer.json()["representative_lawyer"] == "Eleni Papadaki"  # type: ignore[attr-defined]
    closed = post(prosecutor, f"/justice/defendants/{defendant_id}/outcome", {"outcome": "conviction"})
    assert closed.json()["closed_on"] == "2026-03-02"  # type: ignore[attr-defined]
    assert closed.json()["defendants"][0]["outcome"] == "conviction"  # type: ignore[attr-defined]
    caseworker = post(api_client["caseworker"], f"{base}/defendants", {})
    assert caseworker.status_code == 403  # type: ignore[attr-defined]


def test_a_concluded_proceedings_future_hearings_are_cancelled_as_a_clerk_cancels_them(
    staff: dict[str, Client], world: World, justice: Justice
) -> None:
    """A reviewer found a closed proceeding's hearings still "Scheduled": they are cancelled, with a coded reason,
    through the cancellation service (the survivor is told her hearing is off, as for any cancellation)."""
    proceeding = justice.proceeding
    services.legal_representative_set(
        actor=world.prosecutor, proceeding=proceeding, organisation=None, lawyer="Eleni Kosta"
    )
    defendant = services.defendant_add(actor=world.prosecutor, proceeding=proceeding)
    services.defendant_outcome(actor=justice.clerk, defendant=defendant, outcome="conviction", outcome_on=TODAY)
    hearings = Hearing.objects.filter(pk__in=[justice.hearing.pk, justice.other.pk])
    assert set(hearings.values_list("status", "cancellation_reason")) == {
        (HearingStatus.CANCELLED, CancellationReason.PROCEEDING_CONCLUDED)
    }  # the Piraeus hearing too, though the Athens clerk may not manage it: Lantern cancels it
    events = OutboxEvent.objects.filter(kind="hearing.cancelled").order_by("pk")
    assert [event.payload["hearing_id"] for event in events] == [justice.hearing.pk, justice.other.pk]
    assert {event.payload["cancellation_reason"] for event in events} == {"proceeding_concluded"}
    kinds = list(TimelineEntry.objects.filter(case=proceeding.case).values_list("kind", flat=True))
    assert kinds.count("hearing_cancel") == 2

    # The case's proceedings page: closed, the representative kept, the hearings cancelled and why.
    body = staff["prosecutor"].get(f"/justice/case/{proceeding.case.reference}/").content.decode()
    assert "Closed on 2026-03-02: every defendant has an outcome." in body
    assert "Legal representative: Eleni Kosta." in body
    assert body.count("(Proceeding concluded)") == 2
    page = staff["prosecutor"].get(f"/justice/proceeding/{proceeding.pk}/").content.decode()
    assert "Eleni Kosta" in page
    assert "Proceeding concluded" in page
    arabic = (
        staff["prosecutor"]
        .get(f"/justice/case/{proceeding.case.reference}/", HTTP_ACCEPT_LANGUAGE="ar")
        .content.decode()
    )
    assert "انتهت الإجراءات" in arabic


def test_the_justice_forms_say_what_to_choose_not_dashes(staff: dict[str, Client], justice: Justice) -> None:
    page = staff["prosecutor"].get(f"/justice/proceeding/{justice.proceeding.pk}/").content.decode()
    assert "---------" not in page
    assert "Choose a court" in page
    case = staff["prosecutor"].get(f"/justice/case/{justice.proceeding.case.reference}/").content.decode()
    assert "---------" not in case
    assert "Choose the organisation in charge" in case
    assert "None recorded." in case  # no legal representative yet, said with one full stop
    assert "None recorded.." not in case

"""The referral workflow (referrals/services.py): consent, idempotency, capacity, answers, escalation."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from lantern.cases.models import Case
from lantern.core import outbox
from lantern.core.models import Alert, AuditEvent
from lantern.providers.models import CapacityWeek, Offering
from lantern.referrals import selectors, services
from lantern.referrals.models import Referral, Status
from tests.conftest import World, consented_cases


def test_without_consent_for_that_recipient_nothing_is_stored(case: Case, world: World, offers: dict) -> None:
    with pytest.raises(ValidationError) as raised:
        services.referral_create(
            actor=world.caseworker, case=case, recipient=world.legal_aid, service_type="legal_counselling"
        )
    assert "has not consented to a referral to Athens Legal Aid Clinic" in str(raised.value)
    assert not Referral.objects.exists()
    assert not AuditEvent.objects.filter(action__startswith="referral.").exists()
    assert not Alert.objects.filter(recipient=world.provider).exists()


def test_a_retried_request_creates_one_referral(consented_case: Case, world: World, offers: dict) -> None:
    first = services.referral_create(
        actor=world.caseworker,
        case=consented_case,
        recipient=world.legal_aid,
        service_type="legal_counselling",
        idempotency_key="k-123",
    )
    again = services.referral_create(
        actor=world.caseworker,
        case=consented_case,
        recipient=world.legal_aid,
        service_type="legal_counselling",
        idempotency_key="k-123",
    )
    assert first.pk == again.pk
    assert Referral.objects.count() == 1
    with pytest.raises(ValidationError, match="another referral"):
        services.referral_create(
            actor=world.caseworker,
            case=consented_case,
            recipient=world.legal_aid,
            service_type="legal_aid",
            idempotency_key="k-123",
        )


def test_the_recipient_sees_the_minimum(consented_case: Case, world: World, offers: dict) -> None:
    referral = services.referral_create(
        actor=world.caseworker,
        case=consented_case,
        recipient=world.legal_aid,
        service_type="legal_counselling",
        urgency="urgent",
    )
    view = selectors.for_recipient(selectors.referral_get_for_user(world.provider, referral.public_id))
    assert view.reference == consented_case.reference
    assert (view.language, view.contact_route, view.urgency) == ("ro", "messaging", "urgent")
    assert "Maria" not in str(view.__dict__)
    assert "Signal" not in str(view.__dict__)
    assert not selectors.sees_whole_case(world.provider, referral)
    outbox.sweep(older_than=timedelta(0))  # notifications tell the clinic, after commit
    assert Alert.objects.filter(recipient=world.provider, object_id=referral.public_id).exists()


def test_accepting_never_goes_past_capacity(consented_case: Case, world: World, offers: dict) -> None:
    referrals = [
        services.referral_create(
            actor=world.caseworker,
            case=each,
            recipient=world.legal_aid,
            service_type="legal_counselling",
            idempotency_key=f"k{i}",
        )
        for i, each in enumerate([consented_case, *consented_cases(world, 2)])
    ]
    services.referral_accept(actor=world.provider, referral=referrals[0])
    services.referral_accept(actor=world.provider, referral=referrals[1])
    with pytest.raises(ValidationError, match="No capacity is left this week"):
        services.referral_accept(actor=world.provider, referral=referrals[2])
    referrals[2].refresh_from_db()
    assert referrals[2].status == Status.PENDING
    assert CapacityWeek.objects.get(offering=offers["legal"]).used == 2
    services.referral_cancel(actor=world.caseworker, referral=referrals[0])  # gives the place back
    services.referral_accept(actor=world.provider, referral=referrals[2])
    assert CapacityWeek.objects.get(offering=offers["legal"]).used == 2


def test_staff_absence_and_reduced_service_shrink_capacity(consented_case: Case, world: World, offers: dict) -> None:
    from lantern.providers.services import status_set

    status_set(actor=world.provider, organisation=world.legal_aid, status="open", staff_absence_percent=50)
    first = services.referral_create(
        actor=world.caseworker,
        case=consented_case,
        recipient=world.legal_aid,
        service_type="legal_counselling",
        idempotency_key="a",
    )
    second = services.referral_create(
        actor=world.caseworker,
        case=consented_cases(world, 1)[0],
        recipient=world.legal_aid,
        service_type="legal_counselling",
        idempotency_key="b",
    )
    services.referral_accept(actor=world.provider, referral=first)  # 2 places, half the staff: 1
    with pytest.raises(ValidationError):
        services.referral_accept(actor=world.provider, referral=second)


def test_only_the_receiving_organisation_answers(consented_case: Case, world: World, offers: dict) -> None:
    referral = services.referral_create(
        actor=world.caseworker, case=consented_case, recipient=world.legal_aid, service_type="legal_counselling"
    )
    with pytest.raises(PermissionDenied):
        services.referral_accept(actor=world.caseworker, referral=referral)
    with pytest.raises(ValidationError, match="Say why"):
        services.referral_decline(actor=world.provider, referral=referral, reason=" ")
    services.referral_decline(actor=world.provider, referral=referral, reason="No Romanian-speaking lawyer")
    with pytest.raises(ValidationError, match="declined"):
        services.referral_accept(actor=world.provider, referral=referral)


def test_from_acceptance_to_delivery_the_need_is_met(consented_case: Case, world: World, offers: dict) -> None:
    from lantern.cases.services import assessment_record

    assessment_record(actor=world.caseworker, case=consented_case, kind="needs", needs=["legal_counselling"])
    referral = services.referral_create(
        actor=world.caseworker, case=consented_case, recipient=world.legal_aid, service_type="legal_counselling"
    )
    consented_case.refresh_from_db()
    assert consented_case.has_unmet_needs
    services.referral_accept(actor=world.provider, referral=referral)
    consented_case.refresh_from_db()
    assert not consented_case.has_unmet_needs
    services.referral_start(actor=world.provider, referral=referral)
    with pytest.raises(ValidationError):
        services.referral_complete(actor=world.provider, referral=referral, delivery_mode="telepathy", outcome="x")
    done = services.referral_complete(
        actor=world.provider, referral=referral, delivery_mode="remote", outcome="delivered"
    )
    assert (done.status, done.delivery_mode) == (Status.COMPLETED, "remote")
    kinds = list(consented_case.timeline.values_list("kind", flat=True))
    assert kinds[-4:] == ["referral_create", "referral_accept", "referral_start", "referral_complete"]


def test_unanswered_referrals_escalate_then_expire(
    consented_case: Case, world: World, offers: dict, clock: object
) -> None:
    referral = services.referral_create(
        actor=world.caseworker,
        case=consented_case,
        recipient=world.legal_aid,
        service_type="legal_counselling",
        urgency="urgent",
    )
    assert services.referrals_escalate() == {"supervisor": 0, "coordinator": 0, "expired": 0, "consent_withdrawn": 0}
    clock.shift(25 * 3600)  # type: ignore[attr-defined]
    assert services.referrals_escalate() == {"supervisor": 1, "coordinator": 0, "expired": 0, "consent_withdrawn": 0}
    outbox.sweep(older_than=timedelta(0))  # notifications tell the supervisor, after commit
    assert Alert.objects.filter(recipient=world.supervisor, object_id=referral.public_id).count() == 1
    assert services.referrals_escalate()["supervisor"] == 0  # once per level
    clock.shift(24 * 3600)  # type: ignore[attr-defined]
    assert services.referrals_escalate()["coordinator"] == 1
    outbox.sweep(older_than=timedelta(0))
    assert Alert.objects.filter(recipient=world.coordinator, object_id=referral.public_id).exists()
    clock.shift(12 * 24 * 3600)  # type: ignore[attr-defined]
    assert services.referrals_escalate()["expired"] == 1
    referral.refresh_from_db()
    assert referral.status == Status.EXPIRED


def test_a_referral_goes_to_an_organisation_that_offers_the_service(
    consented_case: Case, world: World, offers: dict
) -> None:
    with pytest.raises(ValidationError, match="does not offer"):
        services.referral_create(
            actor=world.caseworker, case=consented_case, recipient=world.legal_aid, service_type="medical"
        )
    assert Offering.objects.count() == 3


def test_withdrawn_consent_stops_the_referral(consented_case: Case, world: World, offers: dict) -> None:
    from lantern.cases.services import consent_withdraw

    referral = services.referral_create(
        actor=world.caseworker, case=consented_case, recipient=world.legal_aid, service_type="legal_counselling"
    )
    services.referral_accept(actor=world.provider, referral=referral)
    consent = consented_case.consents.get(purpose="referral", recipient=world.legal_aid)
    consent_withdraw(actor=world.caseworker, consent=consent)
    assert list(selectors.inbox(world.provider)) == []  # nothing more is shown to the recipient
    with pytest.raises(ValidationError, match="withdrawn their consent"):
        services.referral_start(actor=world.provider, referral=referral)
    assert services.referrals_escalate()["consent_withdrawn"] == 1
    referral.refresh_from_db()
    assert referral.status == Status.CANCELLED
    assert CapacityWeek.objects.get(offering=offers["legal"]).used == 0  # the place is given back


def test_a_new_needs_assessment_knows_which_needs_referrals_already_meet(
    consented_case: Case, world: World, offers: dict
) -> None:
    from lantern.cases.services import assessment_record

    referral = services.referral_create(
        actor=world.caseworker, case=consented_case, recipient=world.legal_aid, service_type="legal_counselling"
    )
    services.referral_accept(actor=world.provider, referral=referral)
    assessment_record(actor=world.caseworker, case=consented_case, kind="needs", needs=["legal_counselling"])
    consented_case.refresh_from_db()
    assert not consented_case.has_unmet_needs
    assessment_record(actor=world.caseworker, case=consented_case, kind="needs", needs=["legal_counselling", "medical"])
    consented_case.refresh_from_db()
    assert consented_case.has_unmet_needs


def test_the_same_need_is_not_sent_again_to_the_same_organisation_while_the_first_is_open(
    consented_case: Case, world: World, offers: dict, api_client: dict, staff: dict
) -> None:
    """Given legal counselling sent to the legal aid clinic and not yet answered, when the caseworker sends it
    again (service, page or API), it is refused with where the open referral is, and nothing new is stored; once
    the first is declined, it may be sent again."""
    first = services.referral_create(
        actor=world.caseworker, case=consented_case, recipient=world.legal_aid, service_type="legal_counselling"
    )
    with pytest.raises(ValidationError, match="Athens Legal Aid Clinic already has an open referral") as raised:
        services.referral_create(
            actor=world.caseworker, case=consented_case, recipient=world.legal_aid, service_type="legal_counselling"
        )
    assert "Waiting for an answer" in str(raised.value)

    response = api_client["caseworker"].post(
        "/api/v1/referrals",
        {
            "case_reference": consented_case.reference,
            "recipient_id": world.legal_aid.pk,
            "service_type": "legal_counselling",
        },
        content_type="application/json",
    )
    assert response.status_code == 409
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["errors"][0]["field"] == "recipient"
    assert "already has an open referral" in response.json()["errors"][0]["message"]

    page = staff["caseworker"].post(
        f"/referrals/case/{consented_case.reference}/send/", {"offering": offers["legal"].pk}, follow=True
    )
    assert "already has an open referral" in page.content.decode()
    assert Referral.objects.filter(case=consented_case).count() == 1

    services.referral_decline(actor=world.provider, referral=first, reason_code="no_capacity")
    again = services.referral_create(
        actor=world.caseworker, case=consented_case, recipient=world.legal_aid, service_type="legal_counselling"
    )
    assert again.pk != first.pk


def _unmet_alerts(referral: Referral) -> dict[str, Alert]:
    """The alerts about a referral that send their reader to the case's referrals, by recipient."""
    return {
        a.recipient.username: a
        for a in Alert.objects.filter(object_id=referral.public_id, url__endswith="#case-referrals-heading")
    }


def test_a_declined_emergency_referral_alerts_the_case_s_staff_at_once(
    consented_case: Case, world: World, offers: dict
) -> None:
    world.supervisor.preferred_language = "uk"
    world.supervisor.save(update_fields=["preferred_language"])
    referral = services.referral_create(
        actor=world.caseworker,
        case=consented_case,
        recipient=world.legal_aid,
        service_type="legal_counselling",
        urgency="emergency",
    )
    outbox.sweep(older_than=timedelta(0))
    received = Alert.objects.get(recipient=world.provider, object_id=referral.public_id)
    assert received.urgent  # the provider sees the new emergency first

    services.referral_decline(
        actor=world.provider, referral=referral, reason_code="no_capacity", reason="Maria needs a Romanian lawyer"
    )

    alerts = _unmet_alerts(referral)
    assert set(alerts) == {"caseworker", "supervisor"}
    assert all(a.urgent for a in alerts.values())
    assert alerts["caseworker"].url == f"/cases/{consented_case.reference}/#case-referrals-heading"
    text = alerts["caseworker"].text
    assert consented_case.reference in text
    assert "Legal counselling" in text
    assert "declined" in text
    assert "Maria" not in text
    assert "Romanian" not in text
    assert consented_case.reference in alerts["supervisor"].text
    assert "declined" not in alerts["supervisor"].text  # written in her language


def test_a_declined_routine_referral_alerts_nobody(consented_case: Case, world: World, offers: dict) -> None:
    referral = services.referral_create(
        actor=world.caseworker, case=consented_case, recipient=world.legal_aid, service_type="legal_counselling"
    )
    outbox.sweep(older_than=timedelta(0))
    assert not Alert.objects.get(recipient=world.provider, object_id=referral.public_id).urgent
    services.referral_decline(actor=world.provider, referral=referral, reason_code="no_capacity")
    assert _unmet_alerts(referral) == {}


def test_an_urgent_referral_that_lapses_unanswered_alerts_the_case_s_staff(
    consented_case: Case, world: World, offers: dict, clock: object
) -> None:
    referral = services.referral_create(
        actor=world.caseworker,
        case=consented_case,
        recipient=world.legal_aid,
        service_type="legal_counselling",
        urgency="urgent",
    )
    clock.shift(13 * 24 * 3600)  # type: ignore[attr-defined]
    assert services.referrals_escalate()["expired"] == 1
    alerts = _unmet_alerts(referral)
    assert set(alerts) == {"caseworker", "supervisor"}
    assert alerts["supervisor"].urgent
    assert "lapsed unanswered" in alerts["supervisor"].text

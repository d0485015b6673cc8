"""Who is told what, on which channel, in which language; retries and backoff; what a message may say."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from django.core import mail
from django.db import IntegrityError, transaction
from django.test import Client
from django.utils import timezone

from lantern.cases import services as cases
from lantern.core import outbox
from lantern.core.models import Alert, OutboxEvent
from lantern.notify import consumers, sending, services
from lantern.notify.channels import FileTransport
from lantern.notify.models import CaseworkerTask, Channel, Delivery, DeliveryStatus, Reason
from tests.conftest import World
from tests.notify.conftest import FakeGateway, hearing_event, survivor

pytestmark = pytest.mark.usefixtures("clock")


def survivor_delivery(event: OutboxEvent) -> Delivery:
    return Delivery.objects.get(event=event, recipient="survivor")


def test_a_postponed_hearing_queues_one_text_message_and_tells_the_caseworker(world: World) -> None:
    case = survivor(world)
    event = hearing_event(case)
    delivery = survivor_delivery(event)
    assert (delivery.channel, delivery.language, delivery.detail, delivery.status) == (
        "sms",
        "ro",
        "minimal",
        "queued",
    )
    staff = Delivery.objects.get(event=event, channel=Channel.IN_APP)
    assert (staff.user, staff.status) == (world.caseworker, "sent")
    alert = Alert.objects.get(recipient=world.caseworker)
    assert case.reference in alert.text
    assert "Maria" not in alert.text
    outbox.dispatch(event.pk)  # dispatched again: nothing more
    assert Delivery.objects.filter(event=event).count() == 2


def test_a_delivery_is_unique_per_event_recipient_and_channel_in_the_database(world: World) -> None:
    case = survivor(world)
    event = hearing_event(case)
    with pytest.raises(IntegrityError), transaction.atomic():
        Delivery.objects.create(event=event, kind=event.kind, case=case, recipient="survivor", channel="sms")


def test_without_consent_for_sms_no_sms_is_sent_and_the_caseworker_gets_a_call_task(
    world: World, gateway: FakeGateway
) -> None:
    case = survivor(world, consent=None, interpreter=True)
    event = hearing_event(case)
    delivery = survivor_delivery(event)
    assert (delivery.status, delivery.reason) == (DeliveryStatus.HANDED_TO_CASEWORKER, Reason.NO_CONSENT)
    sending.deliveries_send_due()
    assert gateway.requests == []
    task = CaseworkerTask.objects.get(delivery=delivery)
    assert (task.recipient, task.kind, task.language) == (world.caseworker, "call_with_interpreter", "ro")


def test_consent_for_another_channel_is_not_consent_for_sms(world: World, gateway: FakeGateway) -> None:
    case = survivor(world, consent="email")
    event = hearing_event(case)
    assert survivor_delivery(event).reason == Reason.NO_CONSENT
    sending.deliveries_send_due()
    assert gateway.requests == []


def test_a_withdrawn_consent_stops_the_messages(world: World) -> None:
    case = survivor(world)
    cases.consent_withdraw(actor=world.caseworker, consent=case.consents.get(purpose="contact"))
    assert survivor_delivery(hearing_event(case)).reason == Reason.NO_CONSENT


@pytest.mark.parametrize(
    ("route", "reason"), [("caseworker_only", Reason.CASEWORKER_ONLY), ("phone", Reason.PHONE_CALL)]
)
def test_routes_that_are_not_automated_go_to_the_caseworker(world: World, route: str, reason: str) -> None:
    case = survivor(world, route=route, consent=None if route == "caseworker_only" else "phone")
    delivery = survivor_delivery(hearing_event(case))
    assert (delivery.channel, delivery.reason) == ("none", reason)
    assert CaseworkerTask.objects.filter(delivery=delivery, recipient=world.caseworker).exists()


def test_no_contact_details_for_the_channel_goes_to_the_caseworker(world: World) -> None:
    case = survivor(world, phone="")
    assert survivor_delivery(hearing_event(case)).reason == Reason.NO_CONTACT


def test_the_language_falls_back_to_the_other_languages_then_the_organisation(world: World) -> None:
    albanian_reads_ukrainian = survivor(world, language="sq", others=["tr", "uk"])
    assert survivor_delivery(hearing_event(albanian_reads_ukrainian)).language == "uk"
    albanian_only = survivor(world, language="sq", first_name="Arben")
    assert survivor_delivery(hearing_event(albanian_only, hearing_id=2)).language == "el"  # NGO A: el, en


def test_no_message_in_any_language_the_person_reads_goes_to_the_caseworker(world: World) -> None:
    world.ngo_a.languages = ["sq"]
    world.ngo_a.save(update_fields=["languages"])
    case = survivor(world, language="tr", others=["ku"])  # the organisation speaks neither: an interpreter
    delivery = survivor_delivery(hearing_event(case))
    assert (delivery.status, delivery.reason, delivery.language) == ("handed_to_caseworker", "no_language", "")
    assert CaseworkerTask.objects.get(delivery=delivery).kind == "call_with_interpreter"


def test_a_text_message_says_only_that_there_is_news(world: World, gateway: FakeGateway) -> None:
    case = survivor(world, language="ar")
    event = hearing_event(case)
    assert sending.deliveries_send_due()["sent"] == 1
    [request] = gateway.requests
    body = request["body"]
    assert body["to"] == "+40 721 000 111"
    assert body["text"] == "هناك مستجدات بخصوص موعدك. يُرجى الاتصال بالشخص الذي يقدّم لك الدعم."
    assert uuid.UUID(body.pop("idempotency_key"))  # random: it says nothing (and may hold any two digits)
    for secret in ("Maria", "Popescu", case.reference, "2026", "court", "14"):
        assert secret not in json.dumps(body, ensure_ascii=False)
    delivery = survivor_delivery(event)
    assert (delivery.status, delivery.provider_reference, delivery.attempts) == ("sent", "msg-1", 1)


def test_an_email_with_consent_says_the_date_and_court_but_never_the_name_or_reference(world: World) -> None:
    case = survivor(world, route="email", consent="email", email="m.p@example.org", language="fr")
    event = hearing_event(case, new_starts_at="2026-09-21T08:00:00+00:00")
    assert sending.deliveries_send_due()["sent"] == 1
    [message] = mail.outbox
    assert message.to == ["m.p@example.org"]
    assert "21 septembre 2026" in message.body
    assert "14 avril 2026" in message.body
    assert message.subject == "Du nouveau concernant votre rendez-vous"
    for secret in ("Maria", "Popescu", case.reference):
        assert secret not in f"{message.body} {message.subject}"
    delivery = survivor_delivery(event)
    assert message.extra_headers["Message-ID"] == f"<delivery-{delivery.key}@localhost>"
    assert message.extra_headers["Content-Language"] == "fr"


def test_the_gateway_request_carries_the_token_and_an_idempotency_key(world: World, gateway: FakeGateway) -> None:
    case = survivor(world)
    delivery = survivor_delivery(hearing_event(case))
    sending.deliveries_send_due()
    headers = gateway.requests[0]["headers"]
    assert headers["Authorization"] == f"Bearer {gateway.token}"
    assert headers["Idempotency-Key"] == str(delivery.key)
    assert gateway.requests[0]["body"]["idempotency_key"] == str(delivery.key)


def test_a_worker_that_died_mid_send_is_replaced_and_the_gateway_sends_once(
    world: World, gateway: FakeGateway, settings: Any, clock: Any
) -> None:
    """The first worker sent, then died before recording it: the lease runs out, another worker sends again with
    the same idempotency key, and the gateway sends one message."""
    case = survivor(world)
    delivery = survivor_delivery(hearing_event(case))
    now = timezone.now()
    assert sending.deliveries_claim(limit=10, now=now) == [delivery.pk]
    from lantern.notify.channels import GatewayTransport
    from lantern.notify.sending import _outgoing

    GatewayTransport().send(_outgoing(Delivery.objects.select_related("event", "case__person").get(pk=delivery.pk), {}))
    # ... the worker dies here. Nobody else may take it while its lease lasts:
    assert sending.deliveries_send_due(now=now + timedelta(seconds=5))["claimed"] == 0
    later = now + timedelta(seconds=settings.LANTERN_NOTIFY_LEASE_SECONDS + 1)
    assert sending.deliveries_send_due(now=later)["sent"] == 1
    assert len(gateway.requests) == 2
    assert len(gateway.sent) == 1
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == ("sent", 2)


def test_failures_are_retried_with_exponential_backoff_then_handed_to_the_caseworker(
    world: World, gateway: FakeGateway, settings: Any, clock: Any
) -> None:
    settings.LANTERN_NOTIFY_MAX_ATTEMPTS = 4
    settings.LANTERN_NOTIFY_BACKOFF_SECONDS = 30
    case = survivor(world)
    delivery = survivor_delivery(hearing_event(case))
    gateway.fail_next = [503, 429, 500, 502]
    waits = []
    for _ in range(3):
        assert sending.deliveries_send_due()["failed"] == 1
        delivery.refresh_from_db()
        assert delivery.status == "failed"
        wait = delivery.next_attempt_at - timezone.now()
        waits.append(wait)
        assert sending.deliveries_send_due()["claimed"] == 0  # not before its time
        clock.move_to(delivery.next_attempt_at)
    spread = 1 + (delivery.pk % 10) / 100
    assert waits == [timedelta(seconds=30 * spread), timedelta(seconds=60 * spread), timedelta(seconds=120 * spread)]
    assert sending.deliveries_send_due()["gave_up"] == 1
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.last_error) == ("gave_up", 4, "gateway: http 502")
    assert CaseworkerTask.objects.get(delivery=delivery, recipient=world.caseworker).kind == "call_with_interpreter"
    assert gateway.sent == {}


def test_a_refusal_that_retrying_cannot_fix_gives_up_at_once(world: World, gateway: FakeGateway) -> None:
    case = survivor(world)
    delivery = survivor_delivery(hearing_event(case))
    gateway.fail_next = [400]
    assert sending.deliveries_send_due()["gave_up"] == 1
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == ("gave_up", 1)


def test_an_unreachable_gateway_is_a_temporary_failure(world: World, settings: Any) -> None:
    settings.LANTERN_NOTIFY_GATEWAY_URL = "http://127.0.0.1:9/unreachable"
    settings.LANTERN_NOTIFY_GATEWAY_TIMEOUT = 1
    case = survivor(world)
    delivery = survivor_delivery(hearing_event(case))
    assert sending.deliveries_send_due()["failed"] == 1
    delivery.refresh_from_db()
    assert delivery.last_error.startswith("gateway: ")


def test_the_file_channel_writes_one_file_per_delivery_even_when_sent_twice(world: World, settings: Any) -> None:
    settings.LANTERN_NOTIFY_TRANSPORT = "file"
    case = survivor(world, language="uk")
    delivery = survivor_delivery(hearing_event(case))
    assert sending.deliveries_send_due()["sent"] == 1
    Delivery.objects.filter(pk=delivery.pk).update(status="queued")  # as if the worker died before recording it
    assert sending.deliveries_send_due()["sent"] == 1
    files = list(settings.LANTERN_NOTIFY_FILE_DIR.iterdir())
    assert [f.name for f in files] == [FileTransport().path_for(delivery.pk).name]
    written = json.loads(files[0].read_text())
    assert written["text"].startswith("Є новини щодо вашої зустрічі.")
    assert written["to"] == "•••111"  # the demo file never holds the number
    assert "Maria" not in files[0].read_text()


def test_a_retried_delivery_is_one_email_with_one_message_id(world: World) -> None:
    case = survivor(world, route="email", consent="email", email="m.p@example.org")
    delivery = survivor_delivery(hearing_event(case))
    sending.deliveries_send_due()
    Delivery.objects.filter(pk=delivery.pk).update(status="queued")
    sending.deliveries_send_due()
    ids = {m.extra_headers["Message-ID"] for m in mail.outbox}
    assert len(mail.outbox) == 2
    assert ids == {f"<delivery-{delivery.key}@localhost>"}  # the receiving side keeps one


def test_the_recovery_job_queues_a_send_task_for_due_deliveries(world: World) -> None:
    from django_tasks_db.models import DBTaskResult

    case = survivor(world)
    hearing_event(case)
    DBTaskResult.objects.all().delete()  # the task queued after commit was lost
    assert sending.deliveries_recover() == 1
    assert DBTaskResult.objects.ready().filter(task_path="lantern.notify.tasks.deliveries_send").count() == 1
    sending.deliveries_recover()
    assert DBTaskResult.objects.ready().filter(task_path="lantern.notify.tasks.deliveries_send").count() == 1


def test_a_retry_by_the_caseworker_queues_a_message_that_gave_up(world: World, gateway: FakeGateway) -> None:
    case = survivor(world)
    delivery = survivor_delivery(hearing_event(case))
    gateway.fail_next = [401]
    sending.deliveries_send_due()
    services.delivery_retry(actor=world.caseworker, delivery=Delivery.objects.get(pk=delivery.pk))
    assert sending.deliveries_send_due()["sent"] == 1
    with pytest.raises(Exception, match="gave up"):
        services.delivery_retry(actor=world.caseworker, delivery=Delivery.objects.get(pk=delivery.pk))


def test_a_task_is_done_once_by_its_caseworker_or_her_supervisor(world: World) -> None:
    from django.core.exceptions import PermissionDenied, ValidationError

    case = survivor(world, consent=None)
    hearing_event(case)
    task = CaseworkerTask.objects.get()
    with pytest.raises(PermissionDenied):
        services.task_done(actor=world.outsider, task=task)
    services.task_done(actor=world.supervisor, task=task)
    with pytest.raises(ValidationError):
        services.task_done(actor=world.caseworker, task=task)


def test_an_unassigned_case_tells_who_registered_it(world: World) -> None:
    case = survivor(world)
    cases.case_assign(actor=world.supervisor, case=case, assignee=None)
    event = hearing_event(case)
    assert Delivery.objects.get(event=event, channel="in_app").user == world.caseworker


def test_an_anonymised_or_closed_case_is_not_messaged(world: World) -> None:
    case = survivor(world)
    case.stage = "closed"
    case.save(update_fields=["stage"])
    event = hearing_event(case)
    assert not Delivery.objects.filter(event=event, recipient="survivor").exists()


def test_referral_received_and_overdue_reach_staff_in_app_once(world: World, offers: dict, clock: Any) -> None:
    from lantern.referrals import services as referrals

    case = survivor(world)
    cases.consent_give(actor=world.caseworker, case=case, purpose="referral", recipient=world.legal_aid)
    referral = referrals.referral_create(
        actor=world.caseworker, case=case, recipient=world.legal_aid, service_type="legal_counselling"
    )
    outbox.sweep(older_than=timedelta(0))
    assert Alert.objects.filter(recipient=world.provider, object_id=referral.public_id).count() == 1
    clock.shift(73 * 3600)
    referrals.referrals_escalate()
    outbox.sweep(older_than=timedelta(0))
    outbox.sweep(older_than=timedelta(0))
    assert Alert.objects.filter(recipient=world.supervisor, object_id=referral.public_id).count() == 1
    assert Delivery.objects.filter(kind="referral.overdue", user=world.supervisor, status="sent").count() == 1


def test_cases_missing_the_minimum_package_are_counted_to_the_organisation_once_a_day(
    world: World, clock: Any, staff: dict[str, Client]
) -> None:
    from lantern.crisis.services import crisis_declare

    case = survivor(world)
    survivor(world, first_name="Ana")
    crisis_declare(actor=None, name="Pandemic", kind="pandemic", country="GR", starts_on=datetime(2026, 1, 1).date())
    assert consumers.package_missing_notify() == 1
    assert consumers.package_missing_notify() == 0
    outbox.sweep(older_than=timedelta(0))
    alert = Alert.objects.get(recipient=world.supervisor)
    assert alert.text == "Open cases not yet offered the whole minimum package in time: 2."
    assert alert.url == "/referrals/minimum-package/"
    # The caseworker is told of her own cases and sent to her list of them: the package page is the supervisors'.
    own = Alert.objects.get(recipient=world.caseworker)
    assert own.text == "2 of your open cases are not yet offered the whole minimum package in time."
    assert own.url == "/cases/?assigned_to_me=on&unmet_needs=on"
    assert staff["caseworker"].get(own.url).status_code == 200
    assert staff["caseworker"].get(alert.url).status_code == 403
    assert case.reference not in alert.text + own.text
    assert not Alert.objects.filter(recipient=world.outsider).exists()
    clock.shift(24 * 3600)
    assert consumers.package_missing_notify() == 1


def test_backoff_is_capped(settings: Any) -> None:
    settings.LANTERN_NOTIFY_BACKOFF_SECONDS = 30
    settings.LANTERN_NOTIFY_BACKOFF_MAX_SECONDS = 600
    assert sending.backoff(1) == timedelta(seconds=30)
    assert sending.backoff(10) == timedelta(seconds=600)
    assert datetime(2026, 1, 1, tzinfo=UTC)  # the clock fixture keeps time still

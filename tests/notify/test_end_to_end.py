"""From a court suspension declared in crisis mode to the survivors' messages: the hearings are postponed by
justice, and each survivor hears of it in their language, on the channel they consented to; the one who did not
consent to text messages gets none, and her caseworker gets a call to make."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from django.core import mail

from lantern.cases.models import Case
from lantern.core import outbox
from lantern.crisis import services as crisis
from lantern.justice import services as justice
from lantern.justice.models import Court, Hearing
from lantern.notify.models import CaseworkerTask, Delivery
from lantern.notify.sending import deliveries_send_due
from tests.conftest import World
from tests.justice.helpers import referred_to_prosecution
from tests.notify.conftest import FakeGateway, survivor

pytestmark = pytest.mark.usefixtures("clock")


def hearing_for(world: World, case: Case, court: Court, starts_at: datetime) -> Hearing:
    referred_to_prosecution(world, case)
    proceeding = justice.proceeding_open(
        actor=world.prosecutor, case=case, organisation=world.prosecution, kind="trial", survivor_role="witness"
    )
    return justice.hearing_schedule(actor=world.prosecutor, proceeding=proceeding, court=court, starts_at=starts_at)


def run_outbox() -> None:
    for _ in range(3):  # the measure's consumer emits the hearings' events, whose consumers decide the deliveries
        outbox.sweep(older_than=timedelta(0))


def test_a_court_suspension_tells_each_survivor_in_their_language_and_hands_one_to_the_caseworker(
    world: World, gateway: FakeGateway, settings: Any
) -> None:
    court = justice.court_create(
        actor=None, name="Athens First Instance", country="GR", region="Attica", time_zone="Europe/Athens"
    )
    starts = datetime(2026, 3, 20, 8, 30, tzinfo=UTC)  # 10:30 in Athens
    people = {
        "ar": survivor(world, language="ar", first_name="Samira"),
        "uk": survivor(world, language="uk", first_name="Olena"),
        "fr-email": survivor(world, language="fr", route="email", consent="email", email="amina@example.org"),
        "no-consent": survivor(world, language="ro", consent=None, first_name="Ioana"),
    }
    for case in people.values():
        hearing_for(world, case, court, starts)
    run_outbox()  # the "scheduled" events of the set-up
    deliveries_send_due()
    gateway.requests.clear()
    mail.outbox.clear()

    pandemic = crisis.crisis_declare(
        actor=world.coordinator, name="Pandemic", kind="pandemic", country="GR", starts_on=date(2026, 3, 1)
    )
    crisis.measure_add(
        actor=world.coordinator,
        crisis=pandemic,
        kind="court_suspension",
        regions=["Attica"],
        starts_on=date(2026, 3, 2),
    )
    run_outbox()
    assert Hearing.objects.filter(status="postponed").count() == 4
    assert deliveries_send_due()["sent"] == 3

    texts = {r["body"]["language"]: r["body"]["text"] for r in gateway.requests}
    assert texts == {
        "ar": "هناك مستجدات بخصوص موعدك. يُرجى الاتصال بالشخص الذي يقدّم لك الدعم.",
        "uk": "Є новини щодо вашої зустрічі. Будь ласка, зателефонуйте людині, яка вам допомагає.",
    }
    [email] = mail.outbox
    assert email.subject == "Du nouveau concernant votre rendez-vous"
    assert email.body.startswith(
        "Il y a du nouveau concernant votre rendez-vous.\n\n"
        "Votre audience du 20 mars 2026, 10:30 (Athens First Instance) est reportée."
    )
    everything = json.dumps(gateway.requests, ensure_ascii=False) + email.body + email.subject
    for case in people.values():
        assert case.reference not in everything
    for name in ("Samira", "Olena", "Ioana", "Maria", "Popescu"):
        assert name not in everything

    handed = Delivery.objects.get(case=people["no-consent"], kind="hearing.postponed", recipient="survivor")
    assert (handed.status, handed.reason) == ("handed_to_caseworker", "no_consent")
    assert not any(r["body"]["to"] == "+40 721 000 111" and r["body"]["language"] == "ro" for r in gateway.requests)
    assert CaseworkerTask.objects.filter(delivery=handed, recipient=world.caseworker).exists()
    staff = Delivery.objects.filter(kind="hearing.postponed", channel="in_app", user=world.caseworker)
    assert staff.count() == 4

"""The language a member of staff picks at the top of the page is kept as her preferred language: the alerts and
e-mails written for her later, when she is not there to pick, come in it."""

from __future__ import annotations

import pytest
from django.test import Client

from lantern.cases import plans
from lantern.cases.models import Case
from lantern.core.models import Alert, AuditEvent
from tests.conftest import World


@pytest.fixture
def supervisor(world: World, settings: object) -> Client:
    settings.LANTERN_REQUIRE_2FA = False  # type: ignore[attr-defined]
    client = Client()
    client.force_login(world.supervisor)
    return client


def test_picking_a_language_makes_it_hers_and_her_later_alerts_come_in_it(
    supervisor: Client, world: World, case: Case
) -> None:
    response = supervisor.post("/i18n/setlang/", {"language": "uk", "next": "/alerts/"})
    assert response["Location"] == "/alerts/"
    world.supervisor.refresh_from_db()
    assert world.supervisor.preferred_language == "uk"
    assert AuditEvent.objects.filter(action="account.language", actor_id=world.supervisor.pk).count() == 1
    supervisor.post("/i18n/setlang/", {"language": "uk", "next": "/"})  # the same again: nothing to record
    assert AuditEvent.objects.filter(action="account.language", actor_id=world.supervisor.pk).count() == 1

    plans.risk_assess(actor=world.caseworker, case=case, risk_level="high")

    alert = Alert.objects.get(recipient=world.supervisor)
    assert alert.text.startswith(f"Справу {case.reference}")


def test_an_unknown_language_or_a_get_changes_nothing(supervisor: Client, world: World) -> None:
    supervisor.post("/i18n/setlang/", {"language": "xx", "next": "/"})
    supervisor.get("/i18n/setlang/?language=fr")
    world.supervisor.refresh_from_db()
    assert world.supervisor.preferred_language == ""


def test_a_visitor_who_is_not_logged_in_only_gets_the_cookie() -> None:
    response = Client().post("/i18n/setlang/", {"language": "fr", "next": "/login/"})
    assert response.cookies["django_language"].value == "fr"

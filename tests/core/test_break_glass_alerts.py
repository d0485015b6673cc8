"""Break-glass alerts and the review list name the record by what people read (the case's reference), link to where
the reader acts, and speak each reader's own language."""

from __future__ import annotations

from django.test import Client

from lantern.cases.services import case_register
from lantern.cases.validation import PersonData
from lantern.core import services
from lantern.core.models import Alert
from tests.conftest import World

REASON = "The survivor called from a new number and is in danger"


def test_the_supervisor_and_the_requester_read_the_reference_in_their_own_language(
    world: World, staff: dict[str, Client]
) -> None:
    # Given a case of NGO A, its supervisor reading French and a police officer reading Spanish
    case = case_register(actor=world.caseworker, organisation=world.ngo_a, person=PersonData(first_name="Ana"))
    world.supervisor.preferred_language = "fr"
    world.supervisor.save(update_fields=["preferred_language"])
    world.police.preferred_language = "es"
    world.police.save(update_fields=["preferred_language"])
    # when the police officer asks for 1 hour and the supervisor approves
    grant = services.break_glass_open(actor=world.police, obj=case, reason=REASON, hours=1)
    asked = Alert.objects.get(recipient=world.supervisor, object_id=str(grant.pk))
    for expected in (case.reference, "1 heure", "demande"):
        assert expected in asked.text
    assert asked.url == "/break-glass/"
    services.break_glass_approve(actor=world.supervisor, grant=grant)
    approved = Alert.objects.get(recipient=world.police, object_id=str(grant.pk))
    for expected in (case.reference, "1 hora", "aprobada"):
        assert expected in approved.text
    assert approved.url.endswith(f"/{case.reference}/")
    # then nowhere a person reads is the internal id
    for text in (asked.text, approved.text):
        assert f"#{case.pk}" not in text
        assert "cases.case" not in text
    page = staff["supervisor"].get("/break-glass/").content.decode()
    assert case.reference in page
    assert "cases.case" not in page
    alerts = staff["police"].get("/alerts/").content.decode()
    assert f'href="{approved.url}"' in alerts


def test_the_alert_email_subject_is_in_the_readers_language(world: World, mailoutbox: list) -> None:
    from lantern.core.tasks import alert_email_send

    world.supervisor.preferred_language = "fr"
    world.supervisor.email = "supervisor@example.org"
    world.supervisor.save(update_fields=["preferred_language", "email"])
    case = case_register(actor=world.caseworker, organisation=world.ngo_a, person=PersonData(first_name="Ana"))
    grant = services.break_glass_open(actor=world.police, obj=case, reason=REASON)
    alert = Alert.objects.get(recipient=world.supervisor, object_id=str(grant.pk))
    alert_email_send.func(alert.pk)
    assert mailoutbox[-1].subject == "[Lantern] Accès d'urgence"

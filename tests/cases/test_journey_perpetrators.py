"""The person's journey (HTCDS hte_) and the perpetrators (per_): written by those who hold the case, in words on
the case page, encrypted where they may point at a home or name someone, gone with an erasure."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.utils import translation

from lantern.cases import closure, journey
from lantern.cases import services as cases
from lantern.cases.models import Case, JourneyEvent, Perpetrator
from lantern.core.models import AuditEvent
from tests.conftest import World
from tests.helpers import database_text


def _step(world: World, case: Case, **data: object) -> JourneyEvent:
    values: dict[str, object] = {
        "kind": "Recruitment",
        "country": "RO",
        "city": "Pascani",
        "date_from": date(2025, 5, 1),
    }
    return journey.journey_event_add(actor=world.caseworker, case=case, **(values | data))


def test_steps_keep_their_order_and_a_step_goes_in_where_it_is_asked(world: World, case: Case) -> None:
    _step(world, case)
    _step(world, case, kind="Exploitation", country="GR", city="Piraeus")
    _step(world, case, kind="Transit", country="BG", position=2, transport="Road", border_crossing="Irregular")
    assert [(e.position, e.kind) for e in case.journey.order_by("position")] == [
        (1, "Recruitment"), (2, "Transit"), (3, "Exploitation")
    ]  # fmt: skip
    middle = case.journey.get(position=2)
    journey.journey_event_remove(actor=world.caseworker, case=case, event_id=middle.pk)
    assert [e.position for e in case.journey.order_by("position")] == [1, 2]
    kinds = list(case.timeline.values_list("kind", flat=True))
    assert kinds.count("journey_event") == 3
    assert "journey_event_remove" in kinds
    assert AuditEvent.objects.filter(action="case.journey_event", detail__country="BG").exists()


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"kind": "Holiday"}, "kind"),
        ({"country": "XX"}, "country"),
        ({"date_from": date(2026, 4, 1)}, "date_from"),  # the clock says 2026-03-02
        ({"date_from": date(2025, 5, 10), "date_to": date(2025, 5, 1)}, "date_to"),
        ({"date_from": None, "date_to": date(2025, 5, 1)}, "date_from"),
        ({"transport": "Rocket"}, "transport"),
        ({"border_crossing": "Maybe"}, "border_crossing"),
        ({"latitude": "91"}, "latitude"),
        ({"longitude": "east"}, "longitude"),
        ({"city": "x" * 101}, "city"),
    ],
)
def test_a_wrong_step_is_refused_and_nothing_is_written(
    world: World, case: Case, data: dict[str, object], field: str
) -> None:
    with pytest.raises(ValidationError) as raised:
        _step(world, case, **data)
    assert field in raised.value.message_dict
    assert not JourneyEvent.objects.exists()


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"roles": ["Banker"]}, "roles"),
        ({"relationship": "Cousin"}, "relationship"),
        ({"gender": "Robot"}, "gender"),
        ({"age_band": "100-200"}, "age_band"),
        ({"citizenship": ["XX"]}, "citizenship"),
        ({"name": "n" * 201}, "name"),
    ],
)
def test_a_wrong_perpetrator_is_refused(world: World, case: Case, data: dict[str, object], field: str) -> None:
    with pytest.raises(ValidationError) as raised:
        journey.perpetrator_add(actor=world.caseworker, case=case, **data)
    assert field in raised.value.message_dict
    assert not Perpetrator.objects.exists()


def test_only_those_who_hold_the_case_record_the_journey(world: World, case: Case) -> None:
    for persona in ("outsider", "analyst", "coordinator", "provider", "prosecutor", "auditor"):
        with pytest.raises(PermissionDenied):
            journey.journey_event_add(actor=getattr(world, persona), case=case, kind="Transit")
        with pytest.raises(PermissionDenied):
            journey.perpetrator_add(actor=getattr(world, persona), case=case, roles=["Exploiter"])
    journey.perpetrator_add(actor=world.supervisor, case=case, roles=["Exploiter"])
    assert Perpetrator.objects.count() == 1


def test_a_closed_case_takes_no_new_step(world: World, case: Case) -> None:
    closure.case_close(
        actor=world.supervisor, case=case, reason="Went home.", override_reason="She left the programme."
    )
    with pytest.raises(ValidationError):
        _step(world, case)


@pytest.mark.django_db(transaction=True)
def test_names_places_and_stories_are_encrypted_and_erased(world: World, case: Case, tmp_path: Path) -> None:
    _step(world, case, street="Strada Secreta 7", description="Locked in the flat above the bakery.")
    journey.perpetrator_add(
        actor=world.caseworker,
        case=case,
        name="Ion Vulpescu",
        roles=["RecruiterOrIntermediary"],
        role_details="Promised a job in a hotel.",
        relationship="Acquaintance",
    )
    content = database_text(tmp_path)
    for secret in (b"Strada Secreta", b"bakery", b"Vulpescu", b"hotel"):
        assert secret not in content, secret
    assert not AuditEvent.objects.filter(detail__icontains="Vulpescu").exists()
    cases.case_erase(actor=world.supervisor, case=case, request_reference="ER-7")
    step, perpetrator = JourneyEvent.objects.get(), Perpetrator.objects.get()
    assert (step.street, step.description, perpetrator.name, perpetrator.role_details) == ("", "", "", "")
    assert (step.country, perpetrator.relationship) == ("RO", "Acquaintance")  # the statistics stay


def test_the_case_page_shows_the_journey_and_perpetrators_in_words(
    staff: dict[str, Client], world: World, case: Case
) -> None:
    _step(world, case, transport="Road", border_crossing="Irregular")
    journey.perpetrator_add(
        actor=world.caseworker, case=case, roles=["RecruiterOrIntermediary", "Transporter"], relationship="Family"
    )
    page = staff["caseworker"].get(f"/cases/{case.reference}/").content.decode()
    for words in ("Journey", "Romania", "Pascani", "By road (bus, car, lorry)", "Crossed a border irregularly",
                  "Recruiter or intermediary", "Transporter", "Family member", "Perpetrator 1"):  # fmt: skip
        assert words in page, words
    assert "RecruiterOrIntermediary" not in page.replace('value="RecruiterOrIntermediary"', "")
    with translation.override("uk"):
        page = staff["caseworker"].get(f"/cases/{case.reference}/", HTTP_ACCEPT_LANGUAGE="uk").content.decode()
    for words in ("Маршрут", "Вербувальник або посередник", "Член родини", "Нерегулярно перетнули кордон"):  # noqa: RUF001
        assert words in page, words


def test_the_forms_keep_what_was_typed_and_refuse_another_organisation(
    staff: dict[str, Client], world: World, case: Case
) -> None:
    url = f"/cases/{case.reference}/"
    typed = {"kind": "Transit", "country": "BG", "city": "Ruse", "date_from": "2025-05-10", "date_to": "2025-05-01"}
    response = staff["caseworker"].post(url + "journey/", typed)
    assert response.status_code == 422
    page = response.content.decode()
    assert 'value="Ruse"' in page
    assert "Before the first day." in page
    assert staff["caseworker"].post(url + "journey/", typed | {"date_to": ""}).status_code == 302
    assert (
        staff["caseworker"].post(url + "perpetrators/", {"roles": ["Exploiter"], "gender": "Masculine"}).status_code
        == 302
    )
    step, perpetrator = JourneyEvent.objects.get(), Perpetrator.objects.get()
    for persona in ("outsider", "analyst", "coordinator"):
        assert staff[persona].post(url + "journey/", typed).status_code == 404
        assert staff[persona].post(url + f"journey/{step.pk}/remove/").status_code == 404
        assert staff[persona].post(url + f"perpetrators/{perpetrator.pk}/remove/").status_code == 404
        assert staff[persona].get(url).status_code == 404
    assert JourneyEvent.objects.count() == 1
    assert staff["caseworker"].post(url + "journey/999999/remove/").status_code == 404
    assert staff["caseworker"].post(url + f"perpetrators/{perpetrator.pk}/remove/").status_code == 302
    assert not Perpetrator.objects.exists()


def test_the_api_records_and_reads_the_journey_and_refuses_a_wrong_value(
    api_client: dict[str, Client], world: World, case: Case
) -> None:
    url = f"/api/v1/cases/{case.reference}/"
    created = api_client["caseworker"].post(
        url + "journey",
        {"kind": "Exploitation", "country": "GR", "city": "Piraeus", "border_crossing": "Irregular"},
        content_type="application/json",
    )
    assert created.status_code == 201
    assert created.json()["position"] == 1
    refused = api_client["caseworker"].post(
        url + "perpetrators", {"roles": ["Banker"]}, content_type="application/json"
    )
    assert refused.status_code == 422
    assert refused["Content-Type"].startswith("application/problem+json")
    assert not Perpetrator.objects.exists()
    assert (
        api_client["supervisor"]
        .post(url + "perpetrators", {"roles": ["Exploiter"]}, content_type="application/json")
        .status_code
        == 201
    )
    read = api_client["caseworker"].get(url + "journey").json()
    assert [s["city"] for s in read["steps"]] == ["Piraeus"]
    assert [p["roles"] for p in read["perpetrators"]] == [["Exploiter"]]
    reads = AuditEvent.objects.filter(action="personal_data.read", object_id=case.reference)
    assert any("perpetrator.name" in event.detail["fields"] for event in reads)
    for persona in ("outsider", "analyst", "coordinator", "police"):
        assert api_client[persona].get(url + "journey").status_code == 404
        assert (
            api_client[persona].post(url + "journey", {"kind": "Transit"}, content_type="application/json").status_code
            == 404
        )


def test_a_session_without_the_csrf_token_writes_nothing(world: World, case: Case, settings: object) -> None:
    settings.LANTERN_REQUIRE_2FA = False  # type: ignore[attr-defined]
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.caseworker)
    response = client.post(
        f"/api/v1/cases/{case.reference}/journey", {"kind": "Transit"}, content_type="application/json"
    )
    assert response.status_code == 403
    assert client.post(f"/cases/{case.reference}/perpetrators/", {"roles": ["Exploiter"]}).status_code == 403
    assert not JourneyEvent.objects.exists()
    assert not Perpetrator.objects.exists()

"""The provider's inbox: who referred (the organisation and the caseworker's work contact, never the person's), the
needs and the language in words, the person's contact only once accepted and only on the channel they consented
to, what to do next, and declining with a coded reason plus text. Nobody else sees or answers the referral."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client

from lantern.cases import services as cases
from lantern.cases.models import Case
from lantern.core import outbox
from lantern.core.models import Alert, AuditEvent
from lantern.core.services import user_create
from lantern.referrals import services
from lantern.referrals.models import Referral, Status
from tests.conftest import World, consented_cases
from tests.lists import assert_flat, queries_of

SIGNAL = "Signal +40 721 000 111"  # Maria's messaging handle (tests/conftest.py)


def _refer(case: Case, world: World, *, urgency: str = "urgent") -> Referral:
    return services.referral_create(
        actor=world.caseworker, case=case, recipient=world.legal_aid, service_type="legal_counselling", urgency=urgency
    )


@pytest.fixture
def referral(consented_case: Case, world: World, offers: dict) -> Referral:
    world.caseworker.first_name, world.caseworker.last_name = "Eleni", "Papadaki"
    world.caseworker.save(update_fields=["first_name", "last_name"])
    cases.consent_give(actor=world.caseworker, case=consented_case, purpose="contact", channel="messaging")
    return _refer(consented_case, world)


def test_the_provider_reads_who_referred_and_what_is_needed_in_words_but_no_contact_before_accepting(
    staff: dict[str, Client], referral: Referral, world: World
) -> None:
    inbox = staff["provider"].get("/referrals/").content.decode()
    assert referral.case.reference in inbox
    assert "Legal counselling" in inbox
    assert "Urgent" in inbox
    assert "Safe Passage NGO" in inbox
    assert "Waiting for an answer" in inbox
    assert ">pending<" not in inbox

    page = staff["provider"].get(f"/referrals/{referral.public_id}/")
    html = page.content.decode()
    assert page.status_code == 200
    assert "Safe Passage NGO" in html
    assert "Eleni Papadaki" in html
    assert "caseworker@example.org" in html
    assert "Romanian" in html  # the language in words, not "ro"
    assert "Messaging app" in html
    assert "The contact details are shown once you accept." in html
    for private in (SIGNAL, "Maria", "Popescu", "2004"):
        assert private not in html
    assert not AuditEvent.objects.filter(action="personal_data.read", actor_id=world.provider.pk).exists()


def test_once_accepted_the_provider_sees_the_contact_the_consent_allows_and_what_to_do_next(
    staff: dict[str, Client], referral: Referral, world: World
) -> None:
    response = staff["provider"].post(f"/referrals/{referral.public_id}/accept/")
    assert response.status_code == 302
    assert response["Location"] == f"/referrals/{referral.public_id}/"
    html = staff["provider"].get(response["Location"]).content.decode()
    assert "Accepted. What to do next is below." in html
    assert SIGNAL in html
    assert "What to do next" in html
    assert "Reach the person by the route below" in html
    assert "Service started" in html
    read = AuditEvent.objects.filter(action="personal_data.read", actor_id=world.provider.pk)
    assert read.get().detail == {"fields": ["messaging"]}
    assert "Maria" not in html


def test_without_a_contact_consent_the_provider_goes_through_the_caseworker(
    staff: dict[str, Client], consented_case: Case, world: World, offers: dict
) -> None:
    referral = _refer(consented_case, world)
    services.referral_accept(actor=world.provider, referral=referral)
    html = staff["provider"].get(f"/referrals/{referral.public_id}/").content.decode()
    assert SIGNAL not in html
    assert "Only through the caseworker" in html
    assert "Call the referring caseworker" in html


def test_another_provider_or_a_caseworker_of_another_organisation_sees_and_answers_nothing(
    staff: dict[str, Client], api_client: dict[str, Client], referral: Referral
) -> None:
    for persona in ("shelter_worker", "outsider"):
        assert referral.case.reference not in staff[persona].get("/referrals/").content.decode()
        assert staff[persona].get(f"/referrals/{referral.public_id}/").status_code == 404
        for action in ("accept", "decline", "start", "complete"):
            assert staff[persona].post(f"/referrals/{referral.public_id}/{action}/").status_code == 404
        assert api_client[persona].get(f"/api/v1/referrals/{referral.public_id}").status_code == 404
        assert (
            api_client[persona]
            .post(f"/api/v1/referrals/{referral.public_id}/decline", {"reason_code": "no_capacity"}, "application/json")
            .status_code
            == 404
        )
    referral.refresh_from_db()
    assert referral.status == Status.PENDING


def test_the_api_gives_the_contact_to_the_provider_only_after_accepting(
    api_client: dict[str, Client], referral: Referral, world: World
) -> None:
    url = f"/api/v1/referrals/{referral.public_id}"
    before = api_client["provider"].get(url, headers={"Accept-Language": "fr"}).json()
    assert before["contact"] == {"route": "messaging", "route_label": "Application de messagerie", "value": ""}
    assert before["referred_by"] == {
        "organisation": "Safe Passage NGO",
        "name": "Eleni Papadaki",
        "email": "caseworker@example.org",
    }
    assert before["status_label"] == "En attente de réponse"
    assert before["language_name"] == "roumain"
    assert api_client["provider"].post(f"{url}/accept").status_code == 200
    after = api_client["provider"].get(url).json()
    assert after["contact"]["value"] == SIGNAL
    sender = api_client["caseworker"].get(url).json()
    assert sender["contact"] is None  # the sender has the case page; the referral does not repeat it


def test_declining_asks_for_a_coded_reason_and_keeps_what_was_typed(
    staff: dict[str, Client], api_client: dict[str, Client], referral: Referral, world: World
) -> None:
    url = f"/referrals/{referral.public_id}/decline/"
    response = staff["provider"].post(url, {"reason_code": "other", "reason": ""})
    assert response.status_code == 422
    assert "Say why, in at most 300 characters." in response.content.decode()
    response = staff["provider"].post(url, {"reason_code": "nonsense", "reason": '=HYPERLINK("x") <script>'})
    html = response.content.decode()
    assert response.status_code == 422
    assert "&lt;script&gt;" in html
    assert "<script>" not in html.split("</head>")[1]
    assert staff["provider"].get(url).status_code == 302  # a reload of the refused form goes back to the referral

    response = staff["provider"].post(url, {"reason_code": "language", "reason": "No Romanian-speaking lawyer"})
    assert response.status_code == 302
    referral.refresh_from_db()
    assert (referral.status, referral.decline_code) == (Status.DECLINED, "language")
    assert referral.decline_reason == "No Romanian-speaking lawyer"

    sender_page = staff["caseworker"].get(f"/referrals/{referral.public_id}/").content.decode()
    assert "We cannot serve in the person&#x27;s language: No Romanian-speaking lawyer" in sender_page
    coordinator_page = staff["coordinator"].get(f"/referrals/{referral.public_id}/").content.decode()
    assert "We cannot serve in the person&#x27;s language" in coordinator_page
    assert "No Romanian-speaking lawyer" not in coordinator_page  # free text stays between the two organisations
    api = api_client["coordinator"].get(f"/api/v1/referrals/{referral.public_id}").json()
    assert (api["decline_code"], api["decline_reason"]) == ("language", "")


def test_the_api_declines_with_a_code_and_refuses_an_unknown_one(
    api_client: dict[str, Client], referral: Referral
) -> None:
    url = f"/api/v1/referrals/{referral.public_id}/decline"
    refused = api_client["provider"].post(url, {"reason_code": "bored"}, "application/json")
    assert refused.status_code == 422
    assert refused["Content-Type"].startswith("application/problem+json")
    assert Referral.objects.get(pk=referral.pk).status == Status.PENDING
    done = api_client["provider"].post(url, {"reason_code": "no_capacity"}, "application/json")
    assert done.status_code == 200
    assert done.json()["decline_label"] == "No place or staff free now"


def test_the_provider_is_alerted_with_a_link_to_the_referral_and_marks_all_read(
    staff: dict[str, Client], referral: Referral, world: World
) -> None:
    outbox.sweep(older_than=timedelta(0))  # notifications tell the clinic, after commit
    alert = Alert.objects.get(recipient=world.provider)
    assert alert.url == f"/referrals/{referral.public_id}/"
    assert f'href="/referrals/{referral.public_id}/"' in staff["provider"].get("/alerts/").content.decode()
    assert f'href="/referrals/{referral.public_id}/"' in staff["provider"].get("/").content.decode()
    Alert.objects.create(recipient=world.provider, kind=Alert.Kind.INFO, text="Second")
    Alert.objects.create(recipient=world.caseworker, kind=Alert.Kind.INFO, text="Not hers")
    response = staff["provider"].post("/alerts/", {"all": "1"})
    assert response.status_code == 302
    assert not Alert.objects.filter(recipient=world.provider, read_at__isnull=True).exists()
    assert Alert.objects.filter(recipient=world.caseworker, read_at__isnull=True).exists()


def test_the_inbox_lists_open_referrals_first_the_most_urgent_first(
    staff: dict[str, Client], consented_case: Case, world: World, offers: dict
) -> None:
    routine = _refer(consented_case, world, urgency="routine")
    other = consented_cases(world, 1)[0]  # the same need goes once to an organisation while its referral is open
    declined = services.referral_create(
        actor=world.caseworker,
        case=other,
        recipient=world.legal_aid,
        service_type="legal_counselling",
        urgency="emergency",
        idempotency_key="declined",
    )
    services.referral_decline(actor=world.provider, referral=declined, reason_code="no_capacity")
    emergency = services.referral_create(
        actor=world.caseworker,
        case=other,
        recipient=world.legal_aid,
        service_type="legal_counselling",
        urgency="emergency",
        idempotency_key="emergency",
    )
    html = staff["provider"].get("/referrals/").content.decode()
    received = html.split('id="received-heading"')[1].split('id="sent-heading"')[0]
    order = [received.index(r.public_id) for r in (emergency, routine, declined)]
    assert order == sorted(order)


def test_the_inbox_and_a_referral_page_cost_the_same_however_many_referrals(
    staff: dict[str, Client], referral: Referral, consented_case: Case, world: World
) -> None:
    def more() -> None:
        for n, each in enumerate(consented_cases(world, 15)):
            services.referral_create(
                actor=world.caseworker,
                case=each,
                recipient=world.legal_aid,
                service_type="legal_counselling",
                idempotency_key=f"more-{n}",
            )

    assert_flat(lambda: staff["provider"].get("/referrals/"), more, max_queries=16)
    assert queries_of(lambda: staff["provider"].get(f"/referrals/{referral.public_id}/")) <= 16


def test_a_registered_user_without_a_name_is_shown_by_username(
    staff: dict[str, Client], consented_case: Case, world: World, offers: dict
) -> None:
    colleague = user_create(
        actor=None, username="nikos", organisation=world.ngo_a, role="caseworker", password=None, email=""
    )
    referral = services.referral_create(
        actor=colleague, case=consented_case, recipient=world.legal_aid, service_type="legal_counselling"
    )
    html = staff["provider"].get(f"/referrals/{referral.public_id}/").content.decode()
    assert "nikos" in html


def test_an_answer_without_the_csrf_token_is_refused_and_changes_nothing(
    referral: Referral, world: World, settings: object
) -> None:
    settings.LANTERN_REQUIRE_2FA = False  # type: ignore[attr-defined]
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(world.provider)
    assert browser.post(f"/referrals/{referral.public_id}/accept/").status_code == 403
    api = browser.post(f"/api/v1/referrals/{referral.public_id}/accept")
    assert api.status_code in (401, 403)
    referral.refresh_from_db()
    assert referral.status == Status.PENDING

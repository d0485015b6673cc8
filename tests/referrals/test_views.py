"""Referral pages: sending from a case with routing, answering in the inbox, the package list."""

from __future__ import annotations

from datetime import date

from django.test import Client

from lantern.cases.codes import MinorityBasis
from lantern.cases.models import Case, Guardian
from lantern.providers.models import ProviderState
from lantern.referrals.models import Referral, Status
from tests.conftest import World


def test_send_from_the_case_and_answer_in_the_inbox(
    staff: dict[str, Client], consented_case: Case, world: World, offers: dict
) -> None:
    page = staff["caseworker"].get(
        f"/referrals/case/{consented_case.reference}/?service_type=legal_counselling&region=Attica"
    )
    html = page.content.decode()
    assert "Athens Legal Aid Clinic" in html
    assert "has not consented to a referral to this organisation" in html  # the police unit: no consent
    response = staff["caseworker"].post(
        f"/referrals/case/{consented_case.reference}/send/",
        {"offering": offers["legal"].pk, "urgency": "urgent", "idempotency_key": "page-1"},
    )
    assert response.status_code == 302
    staff["caseworker"].post(
        f"/referrals/case/{consented_case.reference}/send/",
        {"offering": offers["legal"].pk, "urgency": "urgent", "idempotency_key": "page-1"},
    )
    referral = Referral.objects.get()  # the double click made one referral
    inbox = staff["provider"].get("/referrals/").content.decode()
    assert consented_case.reference in inbox
    assert "Maria" not in inbox
    assert staff["provider"].post(f"/referrals/{referral.public_id}/accept/").status_code == 302
    referral.refresh_from_db()
    assert referral.status == Status.ACCEPTED
    assert staff["outsider"].post(f"/referrals/{referral.public_id}/start/").status_code == 404


def test_the_status_changes_in_two_clicks(staff: dict[str, Client], world: World, offers: dict) -> None:
    page = staff["provider"].get("/services/").content.decode()
    assert "Athens Legal Aid Clinic: operating status" in page
    response = staff["provider"].post(
        f"/services/{world.legal_aid.pk}/status/", {"status": "remote_only", "staff_absence_percent": "25"}
    )
    assert response.status_code == 302
    assert ProviderState.objects.get(organisation=world.legal_aid).status == "remote_only"
    assert staff["outsider"].post(f"/services/{world.legal_aid.pk}/status/", {"status": "open"}).status_code == 403


def test_the_crisis_page_and_the_package_list(staff: dict[str, Client], consented_case: Case, world: World) -> None:
    response = staff["coordinator"].post(
        "/crisis/", {"name": "Pandemic", "kind": "pandemic", "country": "GR", "regions": "", "starts_on": "2026-02-01"}
    )
    assert response.status_code == 302
    assert "Pandemic" in staff["caseworker"].get("/crisis/").content.decode()
    assert (
        staff["caseworker"]
        .post("/crisis/", {"name": "X", "kind": "pandemic", "country": "GR", "starts_on": "2026-02-01"})
        .status_code
        == 403
    )
    package = staff["supervisor"].get("/referrals/minimum-package/").content.decode()
    assert consented_case.reference in package
    nav = staff["supervisor"].get("/").content.decode()
    assert "Minimum package" in nav


def test_an_organisation_adds_an_offer_and_a_wrong_value_keeps_the_form(staff: dict[str, Client], world: World) -> None:
    url = f"/services/{world.ngo_a.pk}/offers/new/"
    assert staff["caseworker"].get(url).status_code == 403
    form = {
        "service_type": "interpretation",
        "regions": "Attica, Crete",
        "languages": "ro, zz",
        "delivery_modes": ["remote"],
        "weekly_capacity": "12",
        "regardless_of_status": "on",
    }
    response = staff["org_admin"].post(url, form)
    assert response.status_code == 200
    assert "“zz” is not a language" in response.content.decode()
    assert 'value="Attica, Crete"' in response.content.decode()
    response = staff["org_admin"].post(url, {**form, "languages": "ro, ar"})
    assert response.status_code == 302
    offer = world.ngo_a.offerings.get()
    assert (offer.regions, offer.languages, offer.weekly_capacity) == (["Attica", "Crete"], ["ro", "ar"], 12)


def test_a_wrong_measure_keeps_what_was_typed(staff: dict[str, Client], world: World) -> None:
    from datetime import date

    from lantern.crisis.services import crisis_declare

    crisis = crisis_declare(
        actor=None, name="Floods", kind="disaster", country="GR", regions=["Thessaly"], starts_on=date(2026, 1, 1)
    )
    response = staff["coordinator"].post(
        f"/crisis/{crisis.pk}/measures/",
        {  # each crisis's form carries its id in its field names (crisis/views.py `_measure_form`)
            f"crisis-{crisis.pk}-kind": "curfew",
            f"crisis-{crisis.pk}-regions": "Crete",
            f"crisis-{crisis.pk}-starts_on": "2026-01-05",
            f"crisis-{crisis.pk}-note": "From 9 pm",
        },
    )
    html = response.content.decode()
    assert response.status_code == 422
    assert "Not in the crisis area: Crete." in html
    assert 'value="From 9 pm"' in html
    assert "<details open>" in html


def test_the_provider_is_told_a_child_is_referred_and_whether_a_guardian_is_appointed_never_who(
    staff: dict[str, Client], consented_case: Case, world: World, offers: dict
) -> None:
    """A reviewer found that a referral of a child did not say it was one (a shelter must know before it answers)."""
    staff["caseworker"].post(
        f"/referrals/case/{consented_case.reference}/send/",
        {"offering": offers["legal"].pk, "urgency": "urgent", "idempotency_key": "child-1"},
    )
    referral = Referral.objects.get()
    page = f"/referrals/{referral.public_id}/"
    adult = staff["provider"].get(page).content.decode()
    assert "Child (under 18)" not in adult
    assert "Presumed child" not in adult

    Case.objects.filter(pk=consented_case.pk).update(is_minor=True, minority_basis=MinorityBasis.PRESUMED)
    presumed = staff["provider"].get(page).content.decode()
    assert "<strong>Presumed child</strong>" in presumed
    assert '<dd class="child-guardian">Not appointed yet</dd>' in presumed

    Case.objects.filter(pk=consented_case.pk).update(minority_basis=MinorityBasis.BIRTH_DATE)
    Guardian.objects.create(
        case=consented_case, name="Eleni Georgiou", appointed_by="Prosecutor for Minors",
        appointed_on=date(2026, 2, 22), recorded_by=world.caseworker,
    )  # fmt: skip
    child = staff["provider"].get(page).content.decode()
    assert "<strong>Child (under 18)</strong>" in child
    assert '<dd class="child-guardian">Appointed</dd>' in child
    assert "Eleni" not in child  # whether, never who
    arabic = staff["provider"].get(page, HTTP_ACCEPT_LANGUAGE="ar").content.decode()
    assert "طفل (دون 18 عامًا)" in arabic
    assert "مُعيَّن" in arabic

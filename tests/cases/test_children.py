"""Children in the NRM: presumption of minority, age assessment, guardian, the guardian's consent, the child's views,
best interests before any durable solution, shorter deadlines, child protection services told. Through the
services, the API and the pages; another organisation sees nothing."""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client

from lantern.cases import children
from lantern.cases import services as cases
from lantern.cases.models import AgeAssessment, Case, Consent, Guardian
from lantern.cases.validation import ContextData, PersonData
from lantern.cases.workdays import add_working_days
from lantern.core import services as core
from lantern.core.models import Alert, AuditEvent, Organisation, User
from lantern.crisis import services as crisis
from lantern.referrals.selectors import GUARDIAN_ITEM, cases_missing_package, missing_services
from tests.conftest import World
from tests.helpers import database_text

IDENTIFIED = date(2026, 2, 20)  # a Friday; the clock stands at Monday 2 March 2026


def _register_child(world: World, **context: object) -> Case:
    """A girl found alone at a port, no documents, no birth date: she may be a child."""
    return cases.case_register(
        actor=world.caseworker,
        organisation=world.ngo_a,
        person=PersonData(first_name="Daria", gender="Feminine", primary_language="uk", citizenship=["UA"]),
        context=ContextData(forms_of_exploitation=["SexualExploitation"], **context),  # type: ignore[arg-type]
        identified_on=IDENTIFIED,
    )


@pytest.fixture
def child(world: World, clock: object) -> Case:
    return _register_child(world, may_be_child=True, separation="unaccompanied")


def _assess(world: World, case: Case, **result: object) -> AgeAssessment:
    return children.age_assessment_record(
        actor=world.caseworker,
        case=case,
        method="interview",
        assessed_on=date(2026, 2, 23),
        assessed_by_organisation=world.ngo_a,
        assessor_role="panel",
        **result,  # type: ignore[arg-type]
    )


def _appoint(world: World, case: Case) -> Guardian:
    return children.guardian_appoint(
        actor=world.caseworker,
        case=case,
        name="Eleni Georgiou",
        contact="+30 210 000 0000",
        appointed_by="Public Prosecutor for Minors, Athens",
        appointed_on=date(2026, 2, 22),
    )


# --- Presumption of minority and age assessment -------------------------------------------------------------


def test_a_separated_child_of_uncertain_age_is_treated_as_a_child(child: Case) -> None:
    assert child.is_minor is True
    assert child.minority_basis == "presumed"
    assert child.guardian_due == date(2026, 2, 23)  # three days, the profile's default


@pytest.mark.parametrize(
    "context", [{"separation": "separated"}, {"separation": "accompanied"}, {"may_be_child": True}]
)
def test_every_sign_of_a_child_starts_the_presumption(world: World, clock: object, context: dict[str, object]) -> None:
    assert _register_child(world, **context).is_minor is True


def test_a_person_of_unknown_age_with_nothing_suggesting_a_child_is_not_counted_either_way(
    world: World, clock: object
) -> None:
    case = _register_child(world)
    assert case.is_minor is None
    assert case.guardian_due is None


def test_only_an_adult_age_assessment_ends_the_presumption(world: World, child: Case) -> None:
    _assess(world, child, age_lower=15)
    child.refresh_from_db()
    assert (child.is_minor, child.minority_basis, child.age_band) == (True, "assessment", "9-17")

    _assess(world, child, result_band="adult")
    child.refresh_from_db()
    assert (child.is_minor, child.minority_basis, child.guardian_due) == (False, "assessment", None)
    assert list(child.timeline.values_list("kind", flat=True)).count("age_assessment") == 2


def test_an_exact_birth_date_decides(world: World, child: Case) -> None:
    cases.case_update(actor=world.caseworker, case=child, person={"birth_date": date(2000, 1, 1)})
    assert (child.is_minor, child.minority_basis) == (False, "birth_date")


def test_an_age_assessment_that_contradicts_itself_writes_nothing(world: World, child: Case) -> None:
    with pytest.raises(ValidationError) as refused:
        _assess(world, child, age_lower=15, result_band="adult")
    assert "result_band" in refused.value.message_dict
    with pytest.raises(ValidationError) as refused:
        children.age_assessment_record(
            actor=world.caseworker,
            case=child,
            method="guess",
            assessed_by_organisation=world.ngo_a,
            assessor_role="panel",
            result_band="adult",
        )
    assert "method" in refused.value.message_dict
    assert not AgeAssessment.objects.exists()


# --- Deadlines ------------------------------------------------------------------------------------------------


def test_a_childs_reasonable_grounds_decision_is_due_sooner(world: World, child: Case, clock: object) -> None:
    adult = _register_child(world)
    cases.case_refer_to_authority(actor=world.caseworker, case=child, referred_on=date(2026, 3, 2), consent_given=True)
    cases.case_refer_to_authority(actor=world.caseworker, case=adult, referred_on=date(2026, 3, 2), consent_given=True)
    assert child.reasonable_grounds_due == add_working_days(date(2026, 3, 2), 3, weekend=[6, 7], holidays=set())
    assert adult.reasonable_grounds_due == add_working_days(date(2026, 3, 2), 5, weekend=[6, 7], holidays=set())


# --- Guardian and consent -------------------------------------------------------------------------------------


def test_a_childs_own_consent_is_refused_where_the_profile_says_so(world: World, child: Case) -> None:
    cases.country_profile_update(country="GR", changes={"child_consent_needs_guardian": True})
    with pytest.raises(ValidationError) as refused:
        cases.consent_give(actor=world.caseworker, case=child, purpose="referral", recipient=world.legal_aid)
    assert "guardian" in refused.value.message_dict["given_by"][0]
    with pytest.raises(ValidationError) as refused:
        cases.consent_give(
            actor=world.caseworker, case=child, purpose="referral", recipient=world.legal_aid, given_by="guardian"
        )
    assert "No guardian" in refused.value.message_dict["given_by"][0]

    _appoint(world, child)
    consent = cases.consent_give(
        actor=world.caseworker, case=child, purpose="referral", recipient=world.legal_aid, given_by="guardian"
    )
    assert consent.given_by == "guardian"

    cases.country_profile_update(country="GR", changes={"child_consent_needs_guardian": False})
    assert cases.consent_give(actor=world.caseworker, case=child, purpose="statistics").given_by == "person"


def test_nobody_consents_as_a_parent_for_an_unaccompanied_child(world: World, child: Case) -> None:
    """No parent is with her, and whoever presents as one may be the one who brought her."""
    with pytest.raises(ValidationError) as refused:
        cases.consent_give(
            actor=world.caseworker, case=child, purpose="referral", recipient=world.legal_aid, given_by="parent"
        )
    assert "not by someone presenting as a parent" in refused.value.message_dict["given_by"][0]
    accompanied = _register_child(world, may_be_child=True, separation="accompanied")
    consent = cases.consent_give(
        actor=world.caseworker, case=accompanied, purpose="referral", recipient=world.legal_aid, given_by="parent"
    )
    assert consent.given_by == "parent"


def test_an_adults_consent_is_not_given_by_a_guardian(world: World, case: Case) -> None:
    with pytest.raises(ValidationError):
        cases.consent_give(actor=world.caseworker, case=case, purpose="statistics", given_by="guardian")
    assert not Consent.objects.filter(purpose="statistics").exists()


@pytest.mark.django_db(transaction=True)
def test_the_guardian_is_encrypted_and_one_at_a_time(world: World, child: Case, tmp_path: Path) -> None:
    first = _appoint(world, child)
    second = _appoint(world, child)
    first.refresh_from_db()
    assert first.ended_at is not None
    assert second.ended_at is None
    content = database_text(tmp_path)
    assert b"Eleni Georgiou" not in content
    assert b"Public Prosecutor for Minors" in content  # the authority is not personal data


def test_only_a_child_gets_a_guardian(world: World, case: Case) -> None:
    with pytest.raises(ValidationError):
        _appoint(world, case)


def test_erasure_takes_the_guardian_and_the_childs_words(world: World, child: Case) -> None:
    _appoint(world, child)
    children.child_views_record(actor=world.caseworker, case=child, about="placement", views="Not with the men.")
    cases.case_erase(actor=world.supervisor, case=child, request_reference="ER-1")
    assert Guardian.objects.get().name == ""
    assert child.child_views.get().views == ""


# --- Best interests before a durable solution -----------------------------------------------------------------


def test_a_determination_needs_an_assessment_the_childs_views_and_a_guardian(world: World, child: Case) -> None:
    def determine() -> object:
        return children.best_interests_record(
            actor=world.caseworker,
            case=child,
            kind="determination",
            solution="return",
            organisation=world.ngo_a,
            reasons="Family traced.",
        )

    for step, missing in [
        (lambda: None, "assessment"),
        (
            lambda: children.best_interests_record(
                actor=world.caseworker, case=child, kind="assessment", organisation=world.ngo_a, reasons="Home visit."
            ),
            "views",
        ),
        (
            lambda: children.child_views_record(
                actor=world.caseworker, case=child, about="durable_solution", views="I want to go home."
            ),
            "guardian",
        ),
    ]:
        step()
        with pytest.raises(ValidationError) as refused:
            determine()
        assert missing in refused.value.message_dict["kind"][0]
    _appoint(world, child)
    determine()
    assert child.best_interests.filter(kind="determination", solution="return").exists()


def test_planning_a_childs_return_is_refused_without_a_determination(world: World, child: Case) -> None:
    Case.objects.filter(pk=child.pk).update(stage="support")
    child.refresh_from_db()
    with pytest.raises(ValidationError) as refused:
        cases.case_plan_return(actor=world.caseworker, case=child)
    assert "best-interests determination" in refused.value.message_dict["best_interests"][0]
    child.refresh_from_db()
    assert child.stage == "support"


# --- Child protection services --------------------------------------------------------------------------------


@pytest.fixture
def child_protection(world: World) -> User:
    service = core.organisation_create(
        actor=None, name="Athens Child Protection", type="LocalGovernmentOrganisation", country="GR"
    )
    cases.country_profile_update(country="GR", changes={"child_protection_organisation": service})
    return core.user_create(actor=None, username="cps_officer", organisation=service, role="caseworker", password=None)


def test_child_protection_services_are_told_with_no_personal_data(
    world: World, clock: object, child_protection: User
) -> None:
    case = _register_child(world, separation="unaccompanied")
    alert = Alert.objects.get(recipient=child_protection)
    assert case.reference in alert.text
    assert "Safe Passage NGO" in alert.text
    assert "Daria" not in alert.text
    assert case.timeline.filter(kind="child_protection_alert").exists()
    assert not Alert.objects.filter(recipient=world.outsider).exists()


def test_an_adult_or_an_unknown_age_alerts_nobody(world: World, clock: object, child_protection: User) -> None:
    _register_child(world)
    assert not Alert.objects.exists()


def test_a_person_found_to_be_a_child_later_is_told_then(world: World, clock: object, child_protection: User) -> None:
    case = _register_child(world)
    cases.case_update(actor=world.caseworker, case=case, context={"may_be_child": True})
    assert Alert.objects.filter(recipient=child_protection).count() == 1


# --- API ------------------------------------------------------------------------------------------------------


def _post(client: Client, url: str, body: Mapping[str, object]) -> Any:
    return client.post(url, json.dumps(body), content_type="application/json")


def test_the_api_records_a_childs_protection(api_client: dict[str, Client], world: World, clock: object) -> None:
    response = _post(
        api_client["caseworker"],
        "/api/v1/cases",
        {"person": {"first_name": "Daria"}, "context": {"may_be_child": True, "separation": "unaccompanied"},
         "identified_on": "2026-02-20", "consent_to_case_management": False},
    )  # fmt: skip
    assert response.status_code == 201, response.content
    created = response.json()
    assert (created["is_minor"], created["minority_basis"], created["guardian_due"]) == (True, "presumed", "2026-02-23")
    base = f"/api/v1/cases/{created['reference']}"
    assessed = _post(
        api_client["caseworker"],
        f"{base}/age-assessments",
        {"method": "medical", "age_lower": 15, "assessed_by_organisation_id": world.ngo_a.pk,
         "assessor_role": "paediatrician"},
    )  # fmt: skip
    assert assessed.status_code == 201
    assert assessed.json()["result_band"] == "under_18"
    guardian = {"name": "Eleni Georgiou", "appointed_by": "Prosecutor for Minors"}
    assert _post(api_client["caseworker"], f"{base}/guardians", guardian).status_code == 201
    determination = {"kind": "determination", "solution": "return", "reasons": "x"}
    refused = _post(api_client["caseworker"], f"{base}/best-interests", determination)
    assert refused.status_code == 422
    assert refused["Content-Type"] == "application/problem+json"

    record = api_client["caseworker"].get(f"{base}/child").json()
    assert record["guardians"][0]["name"] == "Eleni Georgiou"
    assert record["age_assessments"][0]["assessor_role"] == "paediatrician"
    read = AuditEvent.objects.filter(action="personal_data.read", object_id=created["reference"]).last()
    assert read is not None
    assert "guardian.name" in read.detail["fields"]


def test_another_organisation_sees_and_changes_nothing(
    api_client: dict[str, Client], world: World, child: Case
) -> None:
    base = f"/api/v1/cases/{child.reference}"
    _appoint(world, child)
    for persona in ("outsider", "analyst", "provider", "shelter_worker"):
        assert api_client[persona].get(f"{base}/child").status_code in (403, 404), persona
        body = {"name": "Someone Else", "appointed_by": "Nobody"}
        assert _post(api_client[persona], f"{base}/guardians", body).status_code in (403, 404), persona
    assert Guardian.objects.count() == 1


# --- Pages ----------------------------------------------------------------------------------------------------


def test_the_case_page_shows_the_child_in_words(staff: dict[str, Client], world: World, child: Case) -> None:
    _assess(world, child, age_lower=15)
    page = staff["caseworker"].get(f"/cases/{child.reference}/").content.decode()
    assert "Child protection" in page
    assert "From an age assessment" in page
    assert "Multidisciplinary interview" in page
    assert "15 years old" in page
    assert "Unaccompanied (no adult caring for them)" in page
    assert "overdue" in page  # no guardian three days after identification
    assert staff["outsider"].get(f"/cases/{child.reference}/").status_code == 404


def test_a_refused_guardian_form_keeps_what_was_typed(staff: dict[str, Client], child: Case) -> None:
    response = staff["caseworker"].post(
        f"/cases/{child.reference}/guardians/",
        {"name": "", "appointed_by": "Prosecutor for Minors", "appointed_on": "2026-02-22"},
    )
    assert response.status_code == 422
    page = response.content.decode()
    assert 'value="Prosecutor for Minors"' in page
    assert not Guardian.objects.exists()


def test_the_pages_record_a_childs_protection_step_by_step(staff: dict[str, Client], world: World, child: Case) -> None:
    client, url = staff["caseworker"], f"/cases/{child.reference}/"
    age = {"method": "interview", "assessed_on": "2026-02-23", "age_lower": "15", "age_upper": "", "result_band": "",
           "assessed_by_organisation": world.ngo_a.pk, "assessor_role": "social_worker"}  # fmt: skip
    assert client.post(url + "age-assessments/", age).status_code == 302
    guardian = {"name": "Eleni Georgiou", "appointed_by": "Prosecutor", "appointed_on": "2026-02-22"}
    assert client.post(url + "guardians/", guardian).status_code == 302
    views = {"about": "durable_solution", "views": "I want to go home.", "heard_on": "2026-02-24"}
    assert client.post(url + "child-views/", views).status_code == 302
    step = {"kind": "assessment", "solution": "", "decided_on": "2026-02-25", "reasons": "Home visited.",
            "organisation": world.ngo_a.pk, "body_name": ""}  # fmt: skip
    assert client.post(url + "best-interests/", step).status_code == 302
    step = {**step, "kind": "determination", "solution": "return", "organisation": "",
            "body_name": "Child protection panel of Attica"}  # fmt: skip
    assert client.post(url + "best-interests/", step).status_code == 302
    page = client.get(url).content.decode()
    assert "by Child protection panel of Attica" in page
    assert "Best-interests determination" in page
    assert "Return to the country of origin" in page
    assert "Eleni Georgiou" in page
    assert staff["outsider"].post(url + "guardians/", guardian).status_code == 404


def test_registering_a_child_of_uncertain_age_from_the_form(staff: dict[str, Client], clock: object) -> None:
    form = {"first_name": "Daria", "gender": "Feminine", "contact_route": "caseworker_only",
            "identified_on": "2026-02-20", "may_be_child": "on", "separation": "separated", "other_languages": "",
            "citizenship": "UA"}  # fmt: skip
    response = staff["caseworker"].post("/cases/new/", form)
    assert response.status_code == 302
    case = Case.objects.get()
    assert (case.is_minor, case.separation) == (True, "separated")
    assert (
        "Presumed a child until an age assessment says otherwise"
        in staff["caseworker"].get(response["Location"]).content.decode()
    )


def test_the_profile_names_the_child_protection_organisation(world: World, db: None) -> None:
    profile = cases.country_profile_update(
        country="GR", changes={"child_protection_organisation": world.ministry, "guardian_within_days": 5}
    )
    assert isinstance(profile.child_protection_organisation, Organisation)
    assert profile.guardian_within_days == 5


# --- The minimum package's child item -------------------------------------------------------------------------


def test_a_child_without_a_guardian_misses_the_package(world: World, child: Case, staff: dict[str, Client]) -> None:
    crisis.crisis_declare(
        actor=world.coordinator, name="Pandemic", kind="pandemic", country="GR", starts_on=date(2026, 2, 1)
    )
    cases_, due = cases_missing_package(world.supervisor)
    assert child in list(cases_)
    assert GUARDIAN_ITEM in missing_services(child, due)
    page = staff["supervisor"].get("/referrals/minimum-package/").content.decode()
    assert "A guardian (unaccompanied or separated child)" in page

    _appoint(world, child)
    assert GUARDIAN_ITEM not in missing_services(child, due)
    assert "A guardian (unaccompanied" not in staff["supervisor"].get("/referrals/minimum-package/").content.decode()


def test_the_guardian_item_is_checked_without_a_crisis(world: World, child: Case, staff: dict[str, Client]) -> None:
    """A child's guardian is due whether or not a crisis is in force: the package lists her, and only for that."""
    cases_, due = cases_missing_package(world.supervisor)
    assert list(due) == [GUARDIAN_ITEM]
    assert [c.reference for c in cases_] == [child.reference]
    assert missing_services(child, due) == [GUARDIAN_ITEM]
    page = staff["supervisor"].get("/referrals/minimum-package/").content.decode()
    assert "only its child item is checked" in page
    assert "A guardian (unaccompanied or separated child)" in page

    _appoint(world, child)
    assert list(cases_missing_package(world.supervisor)[0]) == []


def test_a_first_responder_cannot_end_a_childs_presumption_of_minority(world: World) -> None:
    """An age assessment decides whether she is protected as a child: a police officer may register her, but the
    assessment, the guardian and the best-interests steps are recorded by those who hold the case."""
    case = cases.case_register(
        actor=world.police,
        organisation=world.police_unit,
        person=PersonData(first_name="Nadia"),
        context=ContextData(may_be_child=True, separation="unaccompanied"),
        identified_on=date(2026, 2, 20),
    )
    assert case.is_minor is True
    with pytest.raises(PermissionDenied):
        children.age_assessment_record(
            actor=world.police,
            case=case,
            method="interview",
            assessed_on=date(2026, 2, 23),
            assessed_by_organisation=world.ngo_a,
            assessor_role="panel",
            age_lower=19,
            result_band="adult",
        )
    with pytest.raises(PermissionDenied):
        children.guardian_appoint(
            actor=world.police, case=case, name="A. Guardian", appointed_by="Court", appointed_on=date(2026, 2, 23)
        )
    case.refresh_from_db()
    assert case.is_minor is True
    assert not AgeAssessment.objects.exists()


def test_a_deciding_body_named_with_invisible_characters_only_is_no_name(world: World, child: Case) -> None:
    with pytest.raises(ValidationError) as refused:
        children.best_interests_record(
            actor=world.caseworker,
            case=child,
            kind="assessment",
            decided_on=IDENTIFIED,
            reasons="Her views heard with the guardian.",
            body_name="\u200b\u200d\u2060",
        )
    assert "body_name" in refused.value.message_dict

"""An outside practitioner's review of the NRM core (issue #19): a negative decision reads negative, the holder of
the case is alerted of a decision, a best-interests step names the body that took it, a child's consent at referral
follows the rule of every consent, no adult is returned during the recovery period unless she asks, an age
assessment is a range whose lower end decides, and an anonymous notification orders nothing."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, date, datetime

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from lantern.cases import children
from lantern.cases import services as cases
from lantern.cases.identification import selectors as identification_selectors
from lantern.cases.identification import services as identification
from lantern.cases.identification.services import NotificationData
from lantern.cases.models import AgeAssessment, BestInterests, Case, Consent, Decision, Stage
from lantern.cases.validation import ContextData, PersonData
from lantern.core.audit import audit_verify
from lantern.core.models import Alert, AuditEvent
from tests.conftest import World

REASONS = "Passport taken, debt bondage, movements controlled: reasonable grounds to believe she was trafficked."


def _refer(world: World, case: Case) -> Case:
    return cases.case_refer_to_authority(
        actor=world.caseworker, case=case, referred_on=date(2026, 2, 27), consent_given=True
    )


def _decide(world: World, case: Case, kind: str, outcome: str, **more: object) -> Decision:
    return cases.case_decide(
        actor=world.authority_member,
        case=case,
        kind=kind,
        outcome=outcome,
        reasons=REASONS,
        **more,  # type: ignore[arg-type]
    )


def _child(world: World) -> Case:
    """A girl found alone at a port, no documents, no birth date: she may be a child."""
    return cases.case_register(
        actor=world.caseworker,
        organisation=world.ngo_a,
        person=PersonData(first_name="Daria", gender="Feminine"),
        context=ContextData(
            forms_of_exploitation=["SexualExploitation"], may_be_child=True, separation="unaccompanied"
        ),
        identified_on=date(2026, 2, 20),
    )


# --- 1. A negative decision reads negative ------------------------------------------------------------------


def test_a_negative_decision_reads_negative_on_the_case_page_and_in_the_nrm_list(
    case: Case, world: World, staff: dict[str, Client], api_client: dict[str, Client]
) -> None:
    _refer(world, case)
    page = staff["caseworker"].get(f"/cases/{case.reference}/").content.decode()
    assert '<span class="standing standing-pending">' in page  # nothing decided yet: pending, in words
    first = _decide(world, case, "reasonable_grounds", "negative")

    page = staff["caseworker"].get(f"/cases/{case.reference}/").content.decode()
    assert (
        '<span class="standing standing-negative"><span class="standing-sign" aria-hidden="true">✗</span> Negative'
        in page
    )
    assert "Does not apply (reasonable grounds negative)" in page  # no conclusive grounds after it: not awaited

    listing = staff["coordinator"].get("/cases/nrm/").content.decode()
    assert "standing-negative" in listing
    assert f"<code>{case.reference}</code>" in listing
    assert f'href="/cases/{case.reference}/"' not in listing  # the coordinator does not open the case
    authority_listing = staff["authority_member"].get("/cases/nrm/").content.decode()
    assert f'<a href="/cases/{case.reference}/"><code>{case.reference}</code></a>' in authority_listing
    row = api_client["coordinator"].get("/api/v1/cases/nrm").json()["items"][0]
    assert (row["reasonable_grounds"], row["conclusive_grounds"]) == ("negative", "not_reached")
    case.refresh_from_db()
    assert case.trafficking_status == "NotAVictimOfTrafficking"  # not "Presumed victim" after a negative decision
    with pytest.raises(ValidationError, match="reconsider the reasonable-grounds decision"):
        _decide(world, case, "conclusive_grounds", "positive")

    _decide(
        world,
        case,
        "reasonable_grounds",
        "positive",
        reconsiders=first,
        reconsideration_grounds="New evidence from her lawyer.",
    )
    assert "Positive on reconsideration" in staff["authority_member"].get("/cases/nrm/").content.decode()
    row = api_client["coordinator"].get("/api/v1/cases/nrm").json()["items"][0]
    assert row["reasonable_grounds"] == "reconsidered_positive"


def test_the_nrm_list_reads_the_standings_with_the_list_whatever_the_number_of_cases(
    case: Case, world: World, django_assert_max_num_queries: object
) -> None:
    _refer(world, case)
    _decide(world, case, "reasonable_grounds", "negative")
    from lantern.cases import selectors

    with django_assert_max_num_queries(2):  # type: ignore[operator]  # the user's roles, then the list
        standings = [selectors.nrm_standings(c) for c in selectors.nrm_status(world.coordinator)]
    assert [[s.code for s in row] for row in standings] == [["negative", "not_reached"]]


# --- 2. The holder of the case is alerted ---------------------------------------------------------------------


def test_the_caseworker_and_her_supervisor_are_alerted_of_a_decision_without_personal_data(
    case: Case, world: World
) -> None:
    _refer(world, case)
    _decide(world, case, "reasonable_grounds", "negative")
    alerts = list(Alert.objects.order_by("recipient__username"))
    assert sorted(a.recipient.username for a in alerts) == ["caseworker", "supervisor"]
    for alert in alerts:
        assert alert.text == (
            f"The competent authority decided on case {case.reference}: reasonable grounds, negative."
        )
        assert (alert.object_type, alert.object_id) == ("cases.case", case.reference)
        assert "Maria" not in alert.text
        assert "Popescu" not in alert.text
        assert "Passport" not in alert.text  # not the reasons either
    assert not Alert.objects.filter(recipient__in=[world.users["outsider"], world.authority_member]).exists()


def test_nobody_is_alerted_of_a_refused_decision(case: Case, world: World) -> None:
    _refer(world, case)
    with pytest.raises(ValidationError):
        _decide(world, case, "conclusive_grounds", "positive")  # not at this stage
    assert not Alert.objects.exists()


# --- 3. A best-interests step names its body ------------------------------------------------------------------


def _ready_for_determination(world: World, child: Case) -> None:
    children.guardian_appoint(actor=world.caseworker, case=child, name="Eleni", appointed_by="Prosecutor")
    children.child_views_record(actor=world.caseworker, case=child, about="durable_solution", views="Home.")
    children.best_interests_record(
        actor=world.caseworker, case=child, kind="assessment", organisation=world.ngo_a, reasons="Visited."
    )


def test_a_determination_names_the_body_that_took_it(world: World, clock: object, staff: dict[str, Client]) -> None:
    child = _child(world)
    _ready_for_determination(world, child)
    for body in ({}, {"organisation": world.ministry, "body_name": "Child protection panel of Attica"}):
        with pytest.raises(ValidationError) as refused:
            children.best_interests_record(
                actor=world.caseworker,
                case=child,
                kind="determination",
                solution="return",
                reasons="Safe.",
                **body,  # type: ignore[arg-type]
            )
        assert "body_name" in refused.value.message_dict
    record = children.best_interests_record(
        actor=world.caseworker,
        case=child,
        kind="determination",
        solution="return",
        reasons="Safe.",
        body_name="  Child protection panel   of Attica ",
    )
    assert (record.organisation, record.body_name, record.body) == (
        None,
        "Child protection panel of Attica",
        "Child protection panel of Attica",
    )
    page = staff["caseworker"].get(f"/cases/{child.reference}/").content.decode()
    assert "by Child protection panel of Attica" in page
    assert f"by {world.ngo_a.name}" in page  # the assessment, by the organisation that made it


def test_the_api_no_longer_assumes_the_case_holder_decided(
    world: World, clock: object, api_client: dict[str, Client]
) -> None:
    child = _child(world)
    base = f"/api/v1/cases/{child.reference}/best-interests"
    body = {"kind": "assessment", "reasons": "Home visited."}
    refused = api_client["caseworker"].post(base, json.dumps(body), content_type="application/json")
    assert refused.status_code == 422
    assert "body_name" in refused.content.decode()
    named = {**body, "body_name": "Child protection panel of Attica"}
    created = api_client["caseworker"].post(base, json.dumps(named), content_type="application/json")
    assert created.status_code == 201
    assert (created.json()["organisation_id"], created.json()["body_name"]) == (
        None,
        "Child protection panel of Attica",
    )
    assert BestInterests.objects.count() == 1


# --- 4. A child's consent at referral -------------------------------------------------------------------------


def test_a_childs_consent_at_referral_follows_the_rule_of_every_consent(world: World, clock: object) -> None:
    cases.country_profile_update(country="GR", changes={"child_consent_needs_guardian": True})
    child = _child(world)
    with pytest.raises(ValidationError) as refused:
        cases.case_refer_to_authority(actor=world.caseworker, case=child, consent_given=True)
    assert "guardian" in refused.value.message_dict["consent_given_by"][0]
    with pytest.raises(ValidationError) as refused:  # no guardian appointed yet
        cases.case_refer_to_authority(
            actor=world.caseworker, case=child, consent_given=True, consent_given_by="guardian"
        )
    assert "No guardian" in refused.value.message_dict["consent_given_by"][0]
    child.refresh_from_db()
    assert child.stage == Stage.IDENTIFIED
    assert not Consent.objects.filter(case=child).exists()

    children.guardian_appoint(actor=world.caseworker, case=child, name="Eleni", appointed_by="Prosecutor")
    cases.case_refer_to_authority(actor=world.caseworker, case=child, consent_given=True, consent_given_by="guardian")
    consent = Consent.objects.get(case=child, purpose="referral")
    assert (consent.given_by, consent.recipient) == ("guardian", world.competent_authority)
    entry = child.timeline.get(kind="refer_to_authority")
    assert entry.detail["given_by"] == "guardian"


def test_an_adults_consent_at_referral_is_her_own(case: Case, world: World, staff: dict[str, Client]) -> None:
    response = staff["caseworker"].post(
        f"/cases/{case.reference}/refer/", {"consent_given": "on", "consent_given_by": "parent", "legal_basis": ""}
    )
    assert response.status_code == 422
    assert "An adult&#x27;s consent is given by the person" in response.content.decode()
    case.refresh_from_db()
    assert case.stage == Stage.IDENTIFIED


# --- 5. No return during the recovery period, unless she asks -------------------------------------------------


def test_an_adult_is_not_returned_during_the_recovery_period_unless_she_asks(case: Case, world: World) -> None:
    _refer(world, case)
    _decide(world, case, "reasonable_grounds", "positive", decided_on=date(2026, 3, 2))
    _decide(world, case, "conclusive_grounds", "positive")
    assert case.recovery_ends == date(2026, 4, 1)
    with pytest.raises(ValidationError) as refused:
        cases.case_plan_return(actor=world.caseworker, case=case)
    assert "until 2026-04-01" in refused.value.message_dict["own_request"][0]
    with pytest.raises(ValidationError):  # the tick without her words is not enough
        cases.case_plan_return(actor=world.caseworker, case=case, own_request=True, own_request_text="  ")
    case.refresh_from_db()
    assert case.stage == Stage.SUPPORT

    cases.case_plan_return(
        actor=world.caseworker,
        case=case,
        own_request=True,
        own_request_text="I want to be with my children in Brasov for Easter.",
    )
    assert case.stage == Stage.RETURN
    assert "my children in Brasov" in case.notes.get().text
    assert case.timeline.get(kind="plan_return").detail == {"own_request": True}


def test_after_the_recovery_period_a_return_needs_no_request(case: Case, world: World, time_machine: object) -> None:
    _refer(world, case)
    _decide(world, case, "reasonable_grounds", "positive", decided_on=date(2026, 3, 2))
    _decide(world, case, "conclusive_grounds", "positive")
    time_machine.move_to(datetime(2026, 4, 2, 9, 0, tzinfo=UTC), tick=False)  # type: ignore[attr-defined]
    cases.case_plan_return(actor=world.caseworker, case=case)
    assert case.stage == Stage.RETURN
    assert not case.notes.exists()


# --- 6. An age assessment is a range; the lower end decides ---------------------------------------------------


def _assess(world: World, child: Case, **result: object) -> AgeAssessment:
    return children.age_assessment_record(
        actor=world.caseworker,
        case=child,
        method="medical",
        assessed_on=date(2026, 2, 23),
        assessed_by_organisation=world.ngo_a,
        assessor_role="paediatrician",
        **result,  # type: ignore[arg-type]
    )


def test_the_lower_end_of_the_assessed_range_decides(world: World, clock: object, staff: dict[str, Client]) -> None:
    child = _child(world)
    assessment = _assess(world, child, age_lower=16, age_upper=19)
    child.refresh_from_db()
    assert (assessment.result_band, child.is_minor, child.age_at_identification) == ("under_18", True, 16)
    page = staff["caseworker"].get(f"/cases/{child.reference}/").content.decode()
    assert "between 16 and 19 years old" in page
    assert "the lower end decides" in page

    _assess(world, child, age_lower=19)  # one age: a range of one
    child.refresh_from_db()
    assert child.is_minor is False
    assert AgeAssessment.objects.order_by("pk").last().age_upper == 19  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("result", "field"),
    [
        ({"age_lower": 17, "age_upper": 16}, "age_upper"),
        ({"age_upper": 17}, "age_lower"),
        ({"age_lower": 16, "age_upper": 19, "result_band": "adult"}, "result_band"),
        ({"age_lower": 121}, "age_lower"),
    ],
)
def test_a_range_that_contradicts_itself_writes_nothing(
    world: World, clock: object, result: dict[str, object], field: str
) -> None:
    child = _child(world)
    with pytest.raises(ValidationError) as refused:
        _assess(world, child, **result)
    assert field in refused.value.message_dict
    assert not AgeAssessment.objects.exists()


# --- 7. An anonymous notification orders nothing --------------------------------------------------------------


def test_an_anonymous_notification_has_a_random_identifier_and_an_audit_entry_that_leads_nowhere(
    world: World, clock: object
) -> None:
    data = NotificationData(identified_on=date(2026, 2, 20), gender="Feminine", age_band="21-23")
    regions = identification_selectors.notification_regions(world.police_unit)
    first = identification.notification_record(
        actor=world.police, organisation=world.police_unit, data=data, regions=regions
    )
    second = identification.notification_record(
        actor=world.police, organisation=world.police_unit, data=data, regions=regions
    )
    for notification in (first, second):
        assert isinstance(notification.pk, uuid.UUID)
        assert notification.pk.version == 4  # random, not time-ordered (as version 1 or 7 would be)
        assert notification.recorded_on == date(2026, 3, 2)  # the day, not the moment
    events = list(AuditEvent.objects.filter(action="notification.anonymous"))
    assert [(e.object_id, e.detail) for e in events] == [("", {"day": "2026-03-02"})] * 2
    assert str(first.pk) not in json.dumps([e.detail for e in events])
    assert audit_verify().ok

"""Registering a presumed victim and taking the case through the NRM (cases/services.py)."""

from __future__ import annotations

import re
from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection

from lantern.cases import closure, services
from lantern.cases.models import Case, Consent, Decision, Person, Stage, TimelineEntry
from lantern.cases.selectors import consent_allows, duplicates_across_organisations, possible_duplicate_exists
from lantern.cases.validation import ContextData, PersonData
from lantern.core.models import AuditEvent
from tests.conftest import World, labour_context, maria


def test_registering_gives_a_pseudonymous_reference_and_derives_what_is_not_typed(case: Case, world: World) -> None:
    assert re.fullmatch(r"LT-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}", case.reference)
    assert case.stage == Stage.IDENTIFIED
    assert case.age_at_identification == 21
    assert case.age_band == "21-23"
    assert case.is_minor is False
    assert case.recruited_online is True
    assert case.is_cross_border is True  # recruited in Romania, exploited in Greece
    assert case.person.first_name == "Maria"
    assert case.consents.get().purpose == Consent.Purpose.CASE_MANAGEMENT
    # Registered, and held by the caseworker who registered it.
    assert list(TimelineEntry.objects.filter(case=case).values_list("kind", flat=True)) == ["register", "assign"]
    assert case.assigned_to == world.caseworker
    event = AuditEvent.objects.get(action="case.register")
    assert event.object_id == case.reference
    assert "Maria" not in str(event.detail)


def test_personal_fields_are_encrypted_in_the_database(case: Case) -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT first_name, second_name, birth_date, messaging FROM cases_person")
        row = cursor.fetchone()
    assert all(value.startswith("v1:") for value in row)
    assert "Maria" not in " ".join(row)


def test_domestic_is_derived_from_the_countries(world: World, clock: object) -> None:
    context = ContextData(recruitment_country="GR", exploitation_country="GR")
    case = services.case_register(
        actor=world.caseworker, organisation=world.ngo_a, person=PersonData(), context=context
    )
    assert case.is_cross_border is False
    unknown = services.case_register(actor=world.caseworker, organisation=world.ngo_a, person=PersonData())
    assert unknown.is_cross_border is None


def test_a_wrong_field_is_named_and_nothing_is_stored(world: World, clock: object) -> None:
    person = maria()
    person.citizenship = ["RO", "QQ"]
    person.birth_date = date(2030, 1, 1)
    context = labour_context()
    context.forms_of_exploitation = ["ForcedLabour", "Juggling"]
    with pytest.raises(ValidationError) as raised:
        services.case_register(actor=world.caseworker, organisation=world.ngo_a, person=person, context=context)
    assert set(raised.value.message_dict) == {"citizenship", "birth_date", "identified_on", "forms_of_exploitation"}
    assert not Case.objects.exists()
    assert not Person.objects.exists()
    assert not AuditEvent.objects.filter(action="case.register").exists()


@pytest.mark.parametrize("persona", ["analyst", "provider", "prosecutor", "coordinator", "auditor", "outsider"])
def test_only_people_who_work_with_victims_in_the_organisation_register_there(
    world: World, clock: object, persona: str
) -> None:
    with pytest.raises(PermissionDenied):
        services.case_register(actor=world.users[persona], organisation=world.ngo_a, person=maria())


def test_the_reasonable_grounds_deadline_counts_working_days_and_holidays(case: Case, world: World) -> None:
    # Referred on Monday 23 March 2026; Wednesday 25 March is a public holiday in Greece.
    case.identified_on = date(2026, 2, 27)
    services.case_refer_to_authority(
        actor=world.caseworker, case=case, referred_on=date(2026, 2, 27), consent_given=True
    )
    assert case.reasonable_grounds_due == date(2026, 3, 6)  # Friday 27 Feb + 5 working days
    assert case.next_deadline == date(2026, 3, 6)
    assert case.stage == Stage.REFERRED


REASONS = "Recruited by a false job offer, passport taken, wages withheld: reasonable grounds."
GROUNDS = "New evidence: the employer's messages, handed in by her lawyer."


def test_the_nrm_runs_from_identification_to_support(case: Case, world: World) -> None:
    services.case_refer_to_authority(
        actor=world.caseworker, case=case, referred_on=date(2026, 2, 27), consent_given=True
    )
    for persona in ("caseworker", "supervisor"):  # decisions are the competent authority's, not the NGO's
        with pytest.raises(PermissionDenied):
            services.case_decide(
                actor=world.users[persona], case=case, kind="reasonable_grounds", outcome="positive", reasons=REASONS
            )
    services.case_decide(
        actor=world.authority_member,
        case=case,
        kind="reasonable_grounds",
        outcome="positive",
        reasons=REASONS,
        decided_on=date(2026, 3, 2),
    )
    assert case.stage == Stage.RECOVERY
    assert case.recovery_ends == date(2026, 4, 1)  # at least 30 days of recovery and reflection
    services.case_decide(
        actor=world.authority_member, case=case, kind="conclusive_grounds", outcome="positive", reasons=REASONS
    )
    assert case.stage == Stage.SUPPORT
    assert case.trafficking_status == "ActualVictimOfTrafficking"
    assert case.status_decided_by == "NonPoliceGovernmentalOrganization"  # the authority, not the NGO
    assert {d.decided_by_organisation for d in case.decisions.all()} == {world.competent_authority}
    assert [d.kind for d in case.decisions.all()] == ["reasonable_grounds", "conclusive_grounds"]
    closure.case_close(actor=world.caseworker, case=case, reason="Reintegrated, living independently")
    assert case.stage == Stage.CLOSED
    assert case.closed_at is not None
    kinds = list(case.timeline.values_list("kind", flat=True))
    assert kinds == ["register", "assign", "refer_to_authority", "decision", "decision", "close"]


def test_a_decision_is_reconsidered_on_request_with_grounds_and_only_the_latest(case: Case, world: World) -> None:
    member = world.authority_member
    services.case_refer_to_authority(
        actor=world.caseworker, case=case, referred_on=date(2026, 2, 27), consent_given=True
    )
    negative = services.case_decide(
        actor=member, case=case, kind="reasonable_grounds", outcome="negative", reasons=REASONS
    )
    assert case.stage == Stage.REASONABLE_GROUNDS
    assert case.next_deadline is None
    with pytest.raises(ValidationError, match="reconsiders the latest"):
        services.case_decide(actor=member, case=case, kind="reasonable_grounds", outcome="positive", reasons=REASONS)
    with pytest.raises(ValidationError, match="grounds of the request"):
        services.case_decide(
            actor=member, case=case, kind="reasonable_grounds", outcome="positive", reasons=REASONS,
            reconsiders=negative,
        )  # fmt: skip
    positive = services.case_decide(
        actor=member, case=case, kind="reasonable_grounds", outcome="positive", reasons=REASONS,
        reconsiders=negative, reconsideration_grounds=GROUNDS,
    )  # fmt: skip
    assert positive.reconsiders == negative
    assert positive.reconsideration_grounds == GROUNDS
    assert case.stage == Stage.RECOVERY
    # A positive decision is reconsidered too (the recovery period is not shortened by it)...
    again = services.case_decide(
        actor=member, case=case, kind="reasonable_grounds", outcome="positive", reasons=REASONS,
        reconsiders=positive, reconsideration_grounds=GROUNDS,
    )  # fmt: skip
    assert again.reconsiders == positive
    # ...but only the latest.
    with pytest.raises(ValidationError, match="reconsiders the latest"):
        services.case_decide(
            actor=member, case=case, kind="reasonable_grounds", outcome="negative", reasons=REASONS,
            reconsiders=positive, reconsideration_grounds=GROUNDS,
        )  # fmt: skip


def test_decisions_follow_the_stages(case: Case, world: World) -> None:
    services.case_refer_to_authority(actor=world.caseworker, case=case, legal_basis="Law 4251/2014, Art. 6")
    with pytest.raises(ValidationError, match="stage"):
        services.case_decide(
            actor=world.authority_member, case=case, kind="conclusive_grounds", outcome="positive", reasons=REASONS
        )
    assert not Decision.objects.exists()


def test_consent_per_purpose_with_withdrawal(case: Case, world: World) -> None:
    assert not consent_allows(case, "referral", recipient=world.legal_aid)
    consent = services.consent_give(actor=world.caseworker, case=case, purpose="referral", recipient=world.legal_aid)
    assert consent_allows(case, "referral", recipient=world.legal_aid)
    assert not consent_allows(case, "referral", recipient=world.police_unit)
    services.consent_give(actor=world.caseworker, case=case, purpose="contact", channel="sms")
    assert consent_allows(case, "contact", channel="sms")
    assert not consent_allows(case, "contact", channel="email")
    with pytest.raises(ValidationError):
        services.consent_give(actor=world.caseworker, case=case, purpose="referral", recipient=world.legal_aid)
    with pytest.raises(ValidationError, match="names the organisation"):
        services.consent_give(actor=world.caseworker, case=case, purpose="referral")
    services.consent_withdraw(actor=world.caseworker, consent=consent)
    assert not consent_allows(case, "referral", recipient=world.legal_aid)
    assert "consent_withdraw" in case.timeline.values_list("kind", flat=True)


def test_a_needs_assessment_sets_the_unmet_needs(case: Case, world: World) -> None:
    services.assessment_record(
        actor=world.caseworker, case=case, kind="needs", needs=["safe_accommodation", "legal_aid", "interpretation"]
    )
    case.refresh_from_db()
    assert case.has_unmet_needs
    assert case.needs == ["safe_accommodation", "legal_aid", "interpretation"]
    with pytest.raises(ValidationError):
        services.assessment_record(actor=world.caseworker, case=case, kind="needs", needs=["magic"])
    services.assessment_record(
        actor=world.caseworker, case=case, kind="risk", risk_level="high", notes="Trafficker knows where she lives"
    )
    assert case.assessments.count() == 2


def test_notes_are_encrypted_and_the_timeline_names_no_one(case: Case, world: World) -> None:
    note = services.note_add(actor=world.caseworker, case=case, text="Maria called from a new number")
    with connection.cursor() as cursor:
        cursor.execute("SELECT text FROM cases_note WHERE id = %s", [note.pk])
        assert cursor.fetchone()[0].startswith("v1:")
    assert case.timeline.get(kind="note").detail == {"note": note.pk}


def test_updates_record_which_fields_changed_never_their_values(case: Case, world: World) -> None:
    services.case_update(
        actor=world.caseworker, case=case, person={"phone": "+30 690 000 0000"}, context={"exploitation_country": "RO"}
    )
    case.refresh_from_db()
    assert case.person.phone == "+30 690 000 0000"
    assert case.is_cross_border is False  # now recruited and exploited in Romania
    entry = case.timeline.get(kind="update")
    assert entry.detail == {"fields": ["exploitation_country", "phone"]}
    with pytest.raises(ValidationError):
        services.case_update(actor=world.caseworker, case=case, person={"reference": "X"})


def test_assignment_to_staff_of_the_organisation_only(case: Case, world: World) -> None:
    services.case_assign(actor=world.supervisor, case=case, assignee=world.caseworker)
    assert case.assigned_to == world.caseworker
    with pytest.raises(ValidationError):
        services.case_assign(actor=world.supervisor, case=case, assignee=world.outsider)
    with pytest.raises(PermissionDenied):
        services.case_assign(actor=world.caseworker, case=case, assignee=world.caseworker)


def test_possible_duplicates_are_found_without_the_clear_values_inside_the_organisation(
    case: Case, world: World
) -> None:
    assert not possible_duplicate_exists(case)
    person = maria()
    person.first_name = "MARÍA"  # spelled differently, same person
    again = services.case_register(actor=world.supervisor, organisation=world.ngo_a, person=person)
    assert possible_duplicate_exists(case)
    assert possible_duplicate_exists(again)


def test_registering_in_another_organisation_learns_nothing_and_the_coordinator_gets_a_count(
    case: Case, world: World
) -> None:
    """Registering a name must not answer "is this person known to the authorities": organisation B is not told
    that A holds her. Only the coordinator learns how many people several organisations hold, without names."""
    assert duplicates_across_organisations(world.coordinator) == 0
    other = services.case_register(actor=world.outsider, organisation=world.ngo_b, person=maria())
    assert not possible_duplicate_exists(other)
    assert not possible_duplicate_exists(case)
    assert duplicates_across_organisations(world.coordinator) == 1
    for persona in ("caseworker", "supervisor", "outsider", "analyst", "police", "sysadmin"):
        with pytest.raises(PermissionDenied):
            duplicates_across_organisations(world.users[persona])


def test_erasure_removes_what_identifies_and_keeps_the_statistics(case: Case, world: World) -> None:
    services.note_add(actor=world.caseworker, case=case, text="Lives with her aunt in Patras")
    with pytest.raises(ValidationError):
        services.case_erase(actor=world.supervisor, case=case, request_reference="")
    services.case_erase(actor=world.supervisor, case=case, request_reference="Request 2026/14")
    case.refresh_from_db()
    assert case.person.first_name == ""
    assert case.person.birth_date is None
    assert case.person.identity_index == ""
    assert case.notes.get().text == ""
    assert case.age_band == "21-23"
    assert case.forms_of_exploitation == ["ForcedLabour"]
    assert AuditEvent.objects.filter(action="case.erase", object_id=case.reference).exists()


def test_retention_anonymises_cases_closed_long_ago(case: Case, world: World, clock: object) -> None:
    closure.case_close(actor=world.caseworker, case=case, reason="Returned home")
    assert services.retention_apply() == 0
    clock.shift(6 * 366 * 24 * 3600)  # type: ignore[attr-defined]
    assert services.retention_apply() == 1
    case.refresh_from_db()
    assert case.anonymised_at is not None
    assert case.person.first_name == ""
    assert services.retention_apply() == 0


def test_the_retention_command(case: Case, world: World, clock: object) -> None:
    import io

    from django.core.management import call_command

    closure.case_close(actor=world.caseworker, case=case, reason="Returned home")
    clock.shift(6 * 366 * 24 * 3600)  # type: ignore[attr-defined]
    out = io.StringIO()
    call_command("retention", "apply", stdout=out)
    assert out.getvalue().strip() == "anonymised 1 closed case(s)"


def test_the_nrm_command_sets_deadlines_and_holidays(world: World, clock: object) -> None:
    import io

    from django.core.management import call_command
    from django.core.management.base import CommandError

    out = io.StringIO()
    call_command("nrm", "profile", "--country", "gr", "--reasonable-grounds-days", "3", "--recovery-days", "45",
                 "--weekend", "5,6", stdout=out)  # fmt: skip
    assert "within 3 working days; recovery period 45 days; weekend [5, 6]" in out.getvalue()
    call_command("nrm", "holiday", "--country", "GR", "--date", "2026-03-02", "--name", "Clean Monday", stdout=out)
    case = services.case_register(actor=world.caseworker, organisation=world.ngo_a, person=PersonData(),
                                  identified_on=date(2026, 2, 26))  # fmt: skip
    services.case_refer_to_authority(
        actor=world.caseworker, case=case, referred_on=date(2026, 2, 26), consent_given=True
    )
    # Thursday 26 Feb + 3 working days, with Friday-Saturday weekends and Monday 2 March a holiday:
    # Sunday 1, Tuesday 3, Wednesday 4.
    assert case.reasonable_grounds_due == date(2026, 3, 4)
    with pytest.raises(CommandError, match="between 30 and 365"):
        call_command("nrm", "profile", "--country", "GR", "--recovery-days", "10")
    with pytest.raises(CommandError, match="not an ISO 3166"):
        call_command("nrm", "profile", "--country", "XX")


def test_a_closure_reason_is_encrypted_and_erasure_takes_it_too(case: Case, world: World) -> None:
    closure.case_close(actor=world.caseworker, case=case, reason="Maria went back to her aunt in Larissa")
    with connection.cursor() as cursor:
        cursor.execute("SELECT closure_reason FROM cases_case WHERE id = %s", [case.pk])
        assert cursor.fetchone()[0].startswith("v1:")
    services.case_erase(actor=world.supervisor, case=case, request_reference="Letter from Maria Popescu, 3 March")
    case.refresh_from_db()
    assert case.closure_reason == ""
    erased = AuditEvent.objects.get(action="case.erase")
    assert "Maria" not in str(erased.detail)
    assert set(erased.detail) == {"request_index"}
    assert "Maria" not in str(case.timeline.get(kind="erase").detail)


def test_every_kind_and_outcome_of_decision_has_its_transition() -> None:
    every = {(kind, outcome) for kind in Decision.Kind.values for outcome in Decision.Outcome.values}
    assert set(services.DECISION_TRANSITIONS) == every
    for transition in services.DECISION_TRANSITIONS.values():
        assert (
            transition.to_stage in transition.from_stages or transition.recovery_period or transition.trafficking_status
        )

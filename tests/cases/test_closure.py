"""Closure with its checks and the supervisor's override, follow-up, reopening, retention while a proceeding is open,
and a voluntary return planned for any case (docs/case-registry.md, "Closure" and "Return")."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.middleware.csrf import get_token
from django.test import Client, RequestFactory
from django.utils import timezone

from lantern.cases import closure, returns
from lantern.cases import services as cases
from lantern.cases.codes import CaseStatus
from lantern.cases.models import Case, Closure, Reopening, ReturnPlan, Stage, TimelineEntry
from lantern.cases.selectors import CaseFilters, case_list, follow_ups_due
from lantern.core.models import Alert as AlertModel
from lantern.core.models import AuditEvent
from lantern.crisis import services as crisis
from lantern.crisis.models import Measure
from lantern.justice import services as justice
from lantern.justice.models import Proceeding
from lantern.providers.models import Offering
from lantern.referrals import services as referrals
from lantern.shelters import services as shelters
from lantern.shelters.services import room_add
from tests.conftest import World

OVERRIDE = "She moved abroad with her sister; the clinic closes the referral itself"


def _referral(world: World, case: Case) -> None:
    cases.consent_give(
        actor=world.caseworker, case=case, purpose="referral", recipient=world.legal_aid, given_on=date(2026, 2, 20)
    )
    referrals.referral_create(
        actor=world.caseworker, case=case, recipient=world.legal_aid, service_type="legal_counselling"
    )


def test_an_open_referral_refuses_the_caseworker_and_the_supervisor_overrides(
    world: World, case: Case, offers: dict[str, Offering]
) -> None:
    _referral(world, case)
    with pytest.raises(ValidationError, match="1 referral is still open") as raised:
        closure.case_close(actor=world.caseworker, case=case, code="goals_met")
    assert "ask a supervisor" in str(raised.value)
    with pytest.raises(ValidationError, match="Only a supervisor"):
        closure.case_close(actor=world.caseworker, case=case, code="goals_met", override_reason=OVERRIDE)
    with pytest.raises(ValidationError, match="write why the case closes all the same"):
        closure.case_close(actor=world.supervisor, case=case, code="goals_met")
    case.refresh_from_db()
    assert case.stage != Stage.CLOSED
    closure.case_close(actor=world.supervisor, case=case, code="goals_met", override_reason=OVERRIDE)
    case.refresh_from_db()
    assert (case.stage, case.status, case.closure_code) == (Stage.CLOSED, CaseStatus.CLOSED, "goals_met")
    closing = Closure.objects.get(case=case)
    assert (closing.overridden, closing.override_reason) == (["referrals"], OVERRIDE)
    entry = TimelineEntry.objects.get(case=case, kind="close_override")
    assert entry.detail == {"overridden": ["referrals"], "code": "goals_met"}  # codes, never the words
    assert AuditEvent.objects.filter(action="case.close_override", object_id=case.reference).exists()


def test_a_shelter_stay_refuses_closing(world: World, case: Case) -> None:
    shelter = world.shelter
    room_add(actor=None, shelter=shelter, name="W", wing="regular", restriction="women", beds=1)
    stay = shelters.admit(actor=None, case=case, shelter=shelter)
    with pytest.raises(ValidationError, match="still stays in a shelter"):
        closure.case_close(actor=world.caseworker, case=case, code="integrated")
    shelters.discharge(actor=None, stay=stay, destination="independent")
    closure.case_close(actor=world.caseworker, case=case, code="integrated")


def test_the_recovery_period_refuses_closing(world: World, case: Case) -> None:
    cases.case_refer_to_authority(actor=world.caseworker, case=case, consent_given=True)
    cases.case_decide(
        actor=world.authority_member,
        case=case,
        kind="reasonable_grounds",
        outcome="positive",
        reasons="Indicators of forced labour",
        decided_on=date(2026, 3, 2),
    )
    with pytest.raises(ValidationError, match="recovery and reflection period runs until 2026-04-01"):
        closure.case_close(actor=world.caseworker, case=case, code="lost_contact")


def test_a_proceeding_refuses_closing_and_holds_retention(world: World, case: Case, time_machine: object) -> None:
    proceeding = justice.proceeding_open(
        actor=None, case=case, organisation=world.prosecution, kind="trial", survivor_role="witness"
    )
    with pytest.raises(ValidationError, match="1 proceeding is still open"):
        closure.case_close(actor=world.caseworker, case=case, code="lost_contact")
    closure.case_close(actor=world.supervisor, case=case, code="lost_contact", override_reason="No contact for a year")
    later = cases.timezone.now() + timedelta(days=6 * 365)
    assert cases.retention_apply(now=later) == 0  # the court may still need the file
    case.refresh_from_db()
    assert case.anonymised_at is None
    assert case.person.first_name == "Maria"
    Proceeding.objects.filter(pk=proceeding.pk).update(closed_on=date(2026, 3, 2))
    assert cases.retention_apply(now=later) == 1
    case.refresh_from_db()
    assert case.anonymised_at is not None
    assert Closure.objects.get(case=case).override_reason == ""


def test_follow_up_is_due_then_kept_then_ended(world: World, case: Case, time_machine: object) -> None:
    with pytest.raises(ValidationError, match="between today and a year"):
        closure.case_close(actor=world.caseworker, case=case, code="integrated", follow_up_on=date(2025, 1, 1))
    closure.case_close(actor=world.caseworker, case=case, code="integrated", follow_up_on=date(2026, 4, 1))
    case.refresh_from_db()
    assert (case.stage, case.status, case.follow_up_on) == (Stage.CLOSED, CaseStatus.FOLLOW_UP, date(2026, 4, 1))
    assert follow_ups_due(world.caseworker) == 0
    time_machine.move_to(date(2026, 4, 2))  # type: ignore[attr-defined]
    assert follow_ups_due(world.caseworker) == 1
    assert follow_ups_due(world.supervisor) == 1
    assert follow_ups_due(world.outsider) == 0
    assert [c.reference for c in case_list(world.caseworker, CaseFilters(follow_up_due=True))] == [case.reference]
    assert cases.retention_apply(now=cases.timezone.now() + timedelta(days=6 * 365)) == 0  # follow-up is live
    closure.follow_up_record(
        actor=world.caseworker, case=case, outcome="doing_well", next_on=date(2026, 6, 1), note="Working, safe"
    )
    case.refresh_from_db()
    assert (case.status, case.follow_up_on) == (CaseStatus.FOLLOW_UP, date(2026, 6, 1))
    closure.follow_up_record(actor=world.caseworker, case=case, outcome="doing_well")
    case.refresh_from_db()
    assert (case.status, case.follow_up_on) == (CaseStatus.CLOSED, None)
    with pytest.raises(ValidationError, match="not in follow-up"):
        closure.follow_up_record(actor=world.caseworker, case=case, outcome="doing_well")


def test_reopening_after_re_trafficking_keeps_the_history(world: World, case: Case) -> None:
    with pytest.raises(ValidationError, match="not closed"):
        closure.case_reopen(actor=world.caseworker, case=case, code="re_trafficked")
    closure.case_close(actor=world.caseworker, case=case, code="integrated")
    with pytest.raises(PermissionDenied):
        closure.case_reopen(actor=world.police, case=case, code="re_trafficked")
    with pytest.raises(ValidationError, match="Choose why"):
        closure.case_reopen(actor=world.caseworker, case=case, code="bored")
    closure.case_reopen(actor=world.caseworker, case=case, code="re_trafficked", reason="Found again in Patras")
    case.refresh_from_db()
    assert (case.stage, case.status, case.closed_at) == (Stage.IDENTIFIED, CaseStatus.ACTIVE, None)
    assert Reopening.objects.get(case=case).reason == "Found again in Patras"
    assert Closure.objects.filter(case=case).count() == 1  # the first closing stays in the history
    assert list(case.timeline.values_list("kind", flat=True))[-2:] == ["close", "reopen"]
    assert cases.retention_apply(now=cases.timezone.now() + timedelta(days=6 * 365)) == 0  # live again


def test_a_reopened_anonymised_case_is_refused(world: World, case: Case) -> None:
    closure.case_close(actor=world.caseworker, case=case, code="integrated")
    cases.case_erase(actor=world.supervisor, case=case, request_reference="REQ-1")
    with pytest.raises(ValidationError, match="anonymised"):
        closure.case_reopen(actor=world.caseworker, case=case, code="re_trafficked")


@pytest.mark.parametrize("persona", ["police", "provider", "outsider", "analyst"])
def test_others_cannot_close(world: World, case: Case, persona: str) -> None:
    with pytest.raises(PermissionDenied):
        closure.case_close(actor=world.users[persona], case=case, code="integrated")


def _border_closure(country: str, starts_on: date) -> None:
    event = crisis.crisis_declare(actor=None, name="Flooding", kind="disaster", country=country,
                                  starts_on=starts_on)  # fmt: skip
    crisis.measure_add(actor=None, crisis=event, kind="border_closure", starts_on=starts_on, note="Land borders shut")


def test_a_return_for_a_person_in_no_shelter_waits_for_the_destinations_border(world: World, case: Case) -> None:
    plan: dict[str, Any] = {"country": "RO", "planned_on": date(2026, 3, 20), "risk_level": "medium",
            "receiving_name": "eLiberare Bucharest"}  # fmt: skip
    with pytest.raises(ValidationError, match="identification is not completed"):
        returns.return_plan(actor=world.caseworker, case=case, **plan, risk_reasons="Recruiter lives nearby")
    with pytest.raises(ValidationError) as raised:
        returns.return_plan(actor=world.caseworker, case=case, **{**plan, "receiving_name": ""}, own_request=True,
                            own_request_text="I want to go home to my mother")  # fmt: skip
    assert set(raised.value.message_dict) == {"risk_reasons", "receiving_name"}
    _border_closure("GR", date(2026, 3, 1))  # the country she leaves: not the destination
    _border_closure("RO", date(2026, 3, 1))
    made = returns.return_plan(actor=world.caseworker, case=case, **plan, risk_reasons="Recruiter lives nearby",
                               own_request=True, own_request_text="I want to go home to my mother")  # fmt: skip
    assert (made.status, made.blocked_since, made.own_request) == (ReturnPlan.Status.BLOCKED, date(2026, 3, 20), True)
    assert "A border closure in Romania has been in force since 2026-03-01" in returns.blocked_words(made)
    with pytest.raises(ValidationError, match="already planned"):
        returns.return_plan(actor=world.caseworker, case=case, **plan, risk_reasons="x", own_request=True,
                            own_request_text="again")  # fmt: skip
    with pytest.raises(ValidationError, match="A return to Romania is planned for 2026-03-20"):
        closure.case_close(actor=world.caseworker, case=case, code="returned")
    with pytest.raises(PermissionDenied):
        returns.return_plan(actor=world.police, case=case, **plan)


def test_a_return_after_a_negative_decision_stays_voluntary(world: World, case: Case) -> None:
    cases.case_refer_to_authority(actor=world.caseworker, case=case, consent_given=True)
    cases.case_decide(actor=world.authority_member, case=case, kind="reasonable_grounds", outcome="negative",
                      reasons="No indicator of exploitation", decided_on=date(2026, 3, 2))  # fmt: skip
    made = returns.return_plan(actor=world.caseworker, case=case, country="RO", planned_on=date(2026, 3, 20),
                               risk_level="low", receiving_organisation=world.ngo_b)  # fmt: skip
    assert made.status == ReturnPlan.Status.PLANNED
    returns.return_done(actor=world.caseworker, plan=made, done_on=date(2026, 3, 2), follow_up_on=date(2026, 6, 1))
    returns.return_follow_up(actor=world.caseworker, plan=made, outcome="safe")
    closure.case_close(actor=world.caseworker, case=case, code="returned")


def test_the_header_of_a_closed_case_says_closed_once(world: World, case: Case, staff: dict[str, Client]) -> None:
    closure.case_close(actor=world.caseworker, case=case, code="integrated")
    page = staff["caseworker"].get(f"/cases/{case.reference}/").content.decode()
    assert '<p class="stage">Closed</p>' in page  # not "Closed · Closed"
    closure.case_reopen(actor=world.caseworker, case=case, code="new_need")
    closure.case_close(actor=world.caseworker, case=Case.objects.get(pk=case.pk), code="goals_met",
                       follow_up_on=timezone.localdate() + timedelta(days=30))  # fmt: skip
    page = staff["caseworker"].get(f"/cases/{case.reference}/").content.decode()
    assert '<p class="stage">Closed · Follow-up</p>' in page


def test_the_pages_refuse_with_words_and_keep_others_out(
    world: World, case: Case, staff: dict[str, Client], offers: dict[str, Offering]
) -> None:
    _referral(world, case)
    url = f"/cases/{case.reference}/"
    refused = staff["caseworker"].post(url + "close/", {"code": "goals_met"})
    assert refused.status_code == 422
    page = refused.content.decode()
    assert "1 referral is still open" in page
    assert "override_reason" not in page
    assert staff["outsider"].post(url + "close/", {"code": "goals_met"}).status_code == 404
    assert staff["police"].post(url + "close/", {"code": "goals_met"}).status_code in (403, 404)
    assert staff["provider"].post(url + "close/", {"code": "goals_met"}).status_code in (403, 404)
    assert "override_reason" in staff["supervisor"].get(url).content.decode()
    done = staff["supervisor"].post(url + "close/", {"code": "goals_met", "override_reason": OVERRIDE,
                                                      "follow_up_on": "2026-04-01"})  # fmt: skip
    assert done.status_code == 302
    assert staff["caseworker"].post(url + "reopen/", {"code": "re_trafficked"}).status_code == 302
    case.refresh_from_db()
    assert case.status == CaseStatus.ACTIVE
    assert staff["outsider"].post(url + "reopen/", {"code": "re_trafficked"}).status_code == 404
    arabic = staff["caseworker"].get(url, HTTP_ACCEPT_LANGUAGE="ar").content.decode()
    assert "الإغلاق والمتابعة والعودة" in arabic


def test_the_api_closes_with_the_csrf_token_only(
    world: World, case: Case, settings: pytest.FixtureRequest, api_client: dict[str, Client],
    offers: dict[str, Offering],
) -> None:  # fmt: skip
    settings.LANTERN_REQUIRE_2FA = False  # type: ignore[attr-defined]
    _referral(world, case)
    api = f"/api/v1/cases/{case.reference}/"
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(world.supervisor)
    body = {"code": "goals_met", "override_reason": OVERRIDE}
    assert browser.post(api + "close", body, content_type="application/json").status_code == 403
    refused = api_client["caseworker"].post(api + "close", {"code": "goals_met"}, content_type="application/json")
    assert refused.status_code == 422
    assert refused["Content-Type"] == "application/problem+json"
    assert "1 referral is still open" in refused.content.decode()
    assert api_client["police"].post(api + "close", body, content_type="application/json").status_code in (403, 404)
    assert api_client["outsider"].post(api + "close", body, content_type="application/json").status_code == 404
    token = get_token(RequestFactory().get("/"))
    browser.cookies["csrftoken"] = token
    closed = browser.post(api + "close", body, content_type="application/json", headers={"X-CSRFToken": token})
    assert closed.status_code == 200, closed.content
    assert closed.json()["status"] == "Closed"
    reopened = api_client["caseworker"].post(api + "reopen", {"code": "new_need"}, content_type="application/json")
    assert reopened.status_code == 200
    plan = {"country": "RO", "planned_on": "2026-03-20", "risk_level": "low", "receiving_name": "eLiberare",
            "own_request": True, "own_request_text": "I want to go home"}  # fmt: skip
    made = api_client["caseworker"].post(api + "returns", plan, content_type="application/json")
    assert made.status_code == 201, made.content
    assert made.json()["status"] == "planned"


def test_a_blocked_return_is_planned_again_when_the_border_opens(world: World, case: Case) -> None:
    _border_closure("RO", date(2026, 3, 1))
    made = returns.return_plan(actor=world.caseworker, case=case, country="RO", planned_on=date(2026, 3, 20),
                               risk_level="low", receiving_name="eLiberare", own_request=True,
                               own_request_text="I want to go home")  # fmt: skip
    assert made.status == ReturnPlan.Status.BLOCKED
    Measure.objects.update(ends_on=date(2026, 3, 10))
    assert returns.returns_refresh(on=date(2026, 3, 11)) == {"blocked": 0, "unblocked": 1}
    made.refresh_from_db()
    assert made.status == ReturnPlan.Status.PLANNED


ZERO_WIDTH = "\u200b"


@pytest.mark.parametrize("blank", [ZERO_WIDTH, " \u200b\u200d ", "\ufeff\u00ad"])
def test_invisible_characters_are_no_reason(world: World, case: Case, offers: dict[str, Offering], blank: str) -> None:
    """The same rule of "blank" as a plan's objectives or a charge's authority: only characters one can see count."""
    with pytest.raises(ValidationError) as refused:
        closure.case_close(actor=world.supervisor, case=case, code="other", reason=blank)
    assert set(refused.value.message_dict) == {"reason"}
    _referral(world, case)
    with pytest.raises(ValidationError, match="write why the case closes all the same"):
        closure.case_close(actor=world.supervisor, case=case, code="goals_met", override_reason=blank)
    assert not Closure.objects.filter(case=case).exists()
    closure.case_close(actor=world.supervisor, case=case, code="goals_met", override_reason=OVERRIDE)
    closure.case_reopen(actor=world.supervisor, case=case, code="new_need", reason=blank)
    assert Reopening.objects.get(case=case).reason == ""  # kept as no reason, not as an invisible one


def test_the_pages_refuse_an_invisible_reason_and_keep_the_form(
    world: World, case: Case, staff: dict[str, Client]
) -> None:
    refused = staff["supervisor"].post(f"/cases/{case.reference}/close/", {"code": "other", "reason": ZERO_WIDTH})
    assert refused.status_code == 422
    assert "Say in words why the case closes." in refused.content.decode()
    case.refresh_from_db()
    assert case.stage != Stage.CLOSED


@pytest.mark.parametrize(("days", "refused"), [(2 * 366, False), (2 * 366 + 1, True), (3_000, True)])
def test_a_return_is_planned_within_two_years(world: World, case: Case, days: int, refused: bool) -> None:
    plan: dict[str, Any] = {"country": "RO", "risk_level": "low", "receiving_name": "eLiberare", "own_request": True,
            "own_request_text": "I want to go home"}  # fmt: skip
    planned_on = date(2026, 3, 2) + timedelta(days=days)
    if not refused:
        assert returns.return_plan(actor=world.caseworker, case=case, planned_on=planned_on, **plan).pk
        return
    with pytest.raises(ValidationError, match="within two years") as raised:
        returns.return_plan(actor=world.caseworker, case=case, planned_on=planned_on, **plan)
    assert set(raised.value.message_dict) == {"planned_on"}
    assert not ReturnPlan.objects.filter(case=case).exists()


def test_the_api_refuses_a_return_in_9999(world: World, case: Case, api_client: dict[str, Client]) -> None:
    plan = {"country": "RO", "planned_on": "9999-12-31", "risk_level": "low", "receiving_name": "eLiberare",
            "own_request": True, "own_request_text": "I want to go home"}  # fmt: skip
    refused = api_client["caseworker"].post(f"/api/v1/cases/{case.reference}/returns", plan,
                                            content_type="application/json")  # fmt: skip
    assert refused.status_code == 422
    assert refused["Content-Type"] == "application/problem+json"
    assert "within two years" in refused.content.decode()
    assert not ReturnPlan.objects.filter(case=case).exists()


def test_the_authority_sees_the_dates_and_codes_of_closings_never_the_reasons(
    world: World, case: Case, staff: dict[str, Client], offers: dict[str, Offering]
) -> None:
    cases.case_refer_to_authority(actor=world.caseworker, case=case, consent_given=True)
    _referral(world, case)
    closure.case_close(actor=world.supervisor, case=case, code="other", reason="Moved to her aunt in Crete",
                       override_reason=OVERRIDE)  # fmt: skip
    closure.case_reopen(actor=world.supervisor, case=case, code="re_trafficked", reason="Found again in Patras")
    url = f"/cases/{case.reference}/"
    holder = staff["supervisor"].get(url).content.decode()
    assert OVERRIDE in holder
    assert "Found again in Patras" in holder
    authority = staff["authority_member"].get(url)
    assert authority.status_code == 200
    page = authority.content.decode()
    assert "Closings and reopenings" in page
    assert "closed by a supervisor while something was open" in page  # the fact and its date, with the codes
    assert OVERRIDE not in page
    assert "Found again in Patras" not in page


def _closed_in_recovery(world: World, case: Case) -> Case:
    """A case closed during its recovery period (a supervisor's override), which ends on 2026-04-01."""
    cases.case_assign(actor=world.supervisor, case=case, assignee=world.caseworker)
    cases.case_refer_to_authority(actor=world.caseworker, case=case, consent_given=True)
    cases.case_decide(actor=world.authority_member, case=case, kind="reasonable_grounds", outcome="positive",
                      reasons="Indicators of forced labour", decided_on=date(2026, 3, 2))  # fmt: skip
    closure.case_close(actor=world.supervisor, case=Case.objects.get(pk=case.pk), code="lost_contact",
                       override_reason="No contact")  # fmt: skip
    return Case.objects.get(pk=case.pk)


def test_trafficked_again_starts_a_new_episode_at_identification_and_alerts_urgently(
    world: World, case: Case, time_machine: Any
) -> None:
    closed = _closed_in_recovery(world, case)
    # Months later, the old recovery period long over, she is found trafficked again
    time_machine.move_to(date(2026, 9, 1))
    AlertModel.objects.all().delete()
    closure.case_reopen(actor=world.supervisor, case=closed, code="re_trafficked")
    case.refresh_from_db()
    # Then the case is back at identification, with no deadline from the old episode
    assert case.stage == Stage.IDENTIFIED
    assert (case.recovery_ends, case.reasonable_grounds_due, case.next_deadline) == (None, None, None)
    assert not case_list(world.caseworker, CaseFilters(overdue=True), today=date(2026, 9, 1)).filter(pk=case.pk)
    # and the caseworker and the supervisor are alerted urgently
    alerts = AlertModel.objects.filter(recipient__in=[world.caseworker, world.supervisor])
    assert len(alerts) == 2
    assert all(a.urgent for a in alerts)
    # and a new referral sets a fresh deadline from today
    cases.case_refer_to_authority(actor=world.caseworker, case=case, consent_given=True)
    case.refresh_from_db()
    assert case.stage == Stage.REFERRED
    assert case.next_deadline is not None
    assert case.next_deadline > date(2026, 9, 1)


def test_another_reason_reopens_into_the_old_stage_without_an_urgent_alert(world: World, case: Case) -> None:
    closed = _closed_in_recovery(world, case)
    AlertModel.objects.all().delete()
    closure.case_reopen(actor=world.supervisor, case=closed, code="new_need")
    case.refresh_from_db()
    assert (case.stage, case.next_deadline) == (Stage.RECOVERY, date(2026, 4, 1))
    assert not AlertModel.objects.filter(urgent=True).exists()

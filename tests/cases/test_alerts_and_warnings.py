"""What an NRM practitioner needs to act in time: every alert about a case links to the right part of its page (by
the reference) and the urgent ones come first; the case list filters and counts the cases at high risk, with a
safety plan to review, an open detention or removal order, or a permit running out; the permit's mark on the case
and the list; the expiry alert at once when a permit is recorded inside the window; a refused form met with its
error; a reopened case back with its caseworker; a referral preselected as an emergency for a high risk."""

from __future__ import annotations

import re
from datetime import date, timedelta
from typing import Any

import pytest
from django.db.models import F
from django.test import Client

from lantern.cases import closure, plans, residence, selectors
from lantern.cases import services as cases
from lantern.cases.models import Case, CountryProfile, PermitAlert, PermitStatus, ResidencePermit
from lantern.core import selectors as core_selectors
from lantern.core import services as core
from lantern.core.models import Alert
from tests.conftest import World

TODAY = date(2026, 3, 2)  # the clock of the `case` fixture


def _granted(world: World, case: Case, *, until: date) -> ResidencePermit:
    return residence.permit_record(
        actor=world.caseworker,
        case=case,
        kind="victim",
        status=PermitStatus.GRANTED,
        applied_on=date(2026, 2, 17),
        granted_on=date(2026, 2, 20),
        valid_until=until,
    )


def _high_risk(world: World, case: Case, *, review_on: date = TODAY + timedelta(days=7)) -> None:
    plans.risk_assess(
        actor=world.caseworker,
        case=case,
        risk_level="high",
        reasons="The recruiter called her.",
        safety_plan="Change her phone; the shelter's address stays secret.",
        review_on=review_on,
    )


def _removal(world: World, case: Case) -> None:
    residence.removal_record(
        actor=world.caseworker, case=case, kind="detention", ordered_on=TODAY, authority="Aliens Police"
    )


# --- 1. Alerts link to the case at the right section; urgent ones first -------------------------------------


def test_the_urgent_alerts_link_to_the_section_of_the_case_by_its_reference(
    world: World, case: Case, staff: dict[str, Client]
) -> None:
    page = f"/cases/{case.reference}/"
    _removal(world, case)
    permit = _granted(world, case, until=TODAY + timedelta(days=10))
    _high_risk(world, case)
    links = {(a.url, a.urgent) for a in Alert.objects.filter(recipient=world.supervisor)}
    assert links == {
        (f"{page}#removal-warning", True),
        (f"{page}#permit-{permit.pk}", True),
        (f"{page}#plan", True),
    }
    for alert in Alert.objects.all():
        assert "Maria" not in alert.url
        assert "Popescu" not in alert.url
    shown = staff["supervisor"].get(page).content.decode()
    for fragment in ("removal-warning", f"permit-{permit.pk}", "plan"):
        assert f'id="{fragment}"' in shown  # every link lands on something


def test_the_decision_alert_is_urgent_and_links_to_the_competent_authority_section(world: World, case: Case) -> None:
    cases.case_refer_to_authority(actor=world.caseworker, case=case, consent_given=True)
    cases.case_decide(
        actor=world.authority_member,
        case=case,
        kind="reasonable_grounds",
        outcome="positive",
        reasons="Indicators of forced labour",
        decided_on=TODAY,
    )
    alert = Alert.objects.get(recipient=world.caseworker)
    assert alert.urgent
    assert alert.url == f"/cases/{case.reference}/#nrm-authority-heading"


def test_unread_urgent_alerts_come_first_then_the_newest(world: World, case: Case, time_machine: object) -> None:
    _removal(world, case)  # urgent, the oldest
    time_machine.shift(timedelta(hours=1))  # type: ignore[attr-defined]
    core.alerts_send(messages=[(world.supervisor, "Routine news")], kind=Alert.Kind.INFO)
    listed = [a.urgent for a in core_selectors.alerts_for(world.supervisor)]
    assert listed == [True, False]
    urgent = Alert.objects.get(recipient=world.supervisor, urgent=True)
    core.alert_mark_read(actor=world.supervisor, alert=urgent)
    assert [a.urgent for a in core_selectors.alerts_for(world.supervisor)] == [False, True]  # read: by time


def test_the_alert_list_and_the_home_page_show_the_urgent_one_first_with_its_link(
    world: World, case: Case, staff: dict[str, Client]
) -> None:
    _removal(world, case)
    Alert.objects.update(created_at=F("created_at") - timedelta(hours=1))  # the urgent one is the older
    core.alerts_send(messages=[(world.supervisor, "Routine news")], kind=Alert.Kind.INFO)
    for url in ("/alerts/", "/"):
        html = staff["supervisor"].get(url).content.decode()
        assert html.index("Urgent, case") < html.index("Routine news")
        assert f'href="/cases/{case.reference}/#removal-warning"' in html


# --- 2 and 3. The list's filters and counts, the permit's mark --------------------------------------------------


@pytest.fixture
def four(world: World, case: Case) -> dict[str, Case]:
    """Maria's case and three more of the organisation: at high risk with a review past, detained, with a permit
    running out."""

    def another() -> Case:
        return cases.case_register(
            actor=world.caseworker,
            organisation=world.ngo_a,
            person=cases.PersonData(first_name="Ana", second_name="Stoica", citizenship=["RO"]),
            identified_on=TODAY,
            consent_to_case_management=True,
        )

    risky, detained, permit = another(), another(), another()
    _high_risk(world, risky)
    plans.risk_assess(actor=world.caseworker, case=case, risk_level="medium", safety_plan="Call daily",
                      review_on=TODAY + timedelta(days=1))  # fmt: skip
    _removal(world, detained)
    _granted(world, permit, until=TODAY + timedelta(days=20))
    return {"maria": case, "risky": risky, "detained": detained, "permit": permit}


def test_the_list_filters_by_risk_removal_and_permit(world: World, four: dict[str, Case], time_machine: object) -> None:
    def found(**flags: Any) -> set[str]:
        return set(
            selectors.case_list(world.supervisor, selectors.CaseFilters(**flags)).values_list("reference", flat=True)
        )

    assert found(high_risk=True) == {four["risky"].reference}
    assert found(removal_open=True) == {four["detained"].reference}
    assert found(permit_due=True) == {four["permit"].reference}
    assert found(safety_review_overdue=True) == set()
    time_machine.shift(timedelta(days=8))  # type: ignore[attr-defined]
    assert found(safety_review_overdue=True) == {four["risky"].reference, four["maria"].reference}
    # The risk is read only by those who hold the plan: the authority member sees no case by it.
    assert not selectors.case_list(world.authority_member, selectors.CaseFilters(high_risk=True)).exists()


def test_the_api_list_filters_by_risk_removal_and_permit_as_the_page_does(
    world: World, four: dict[str, Case], api_client: dict[str, Client], time_machine: object
) -> None:
    def found(who: str, query: str) -> set[str]:
        response = api_client[who].get(f"/api/v1/cases?{query}")
        assert response.status_code == 200, response.content
        return {item["reference"] for item in response.json()["items"]}

    assert found("supervisor", "high_risk=true") == {four["risky"].reference}
    assert found("supervisor", "removal_open=true") == {four["detained"].reference}
    assert found("supervisor", "permit_due=true") == {four["permit"].reference}
    assert found("supervisor", "safety_plan_missing=true") == set()  # the high risk has its safety plan
    assert found("supervisor", "safety_review_overdue=true") == set()
    time_machine.shift(timedelta(days=8))  # type: ignore[attr-defined]
    assert found("supervisor", "safety_review_overdue=true") == {four["risky"].reference, four["maria"].reference}
    # The risk is read only by those who hold the plan: the authority member finds no case by it.
    for flag in ("high_risk", "safety_review_overdue", "safety_plan_missing"):
        assert found("authority_member", f"{flag}=true") == set()
    assert api_client["supervisor"].get("/api/v1/cases?high_risk=maybe").status_code == 422


def test_the_permit_window_is_the_country_s_and_an_expired_permit_counts_until_renewed(
    world: World, case: Case, time_machine: object
) -> None:
    CountryProfile.objects.create(country="GR", weekend=[6, 7], permit_expiry_alert_days=10)
    permit = _granted(world, case, until=TODAY + timedelta(days=12))
    assert selectors.permit_due_of(case) is None
    time_machine.shift(timedelta(days=2))  # type: ignore[attr-defined]
    assert selectors.permit_due_of(case) == permit
    time_machine.shift(timedelta(days=20))  # type: ignore[attr-defined]
    assert selectors.permit_due_of(case) == permit  # ran out, not renewed
    renewal = residence.permit_record(
        actor=world.caseworker, case=case, kind="victim", status="applied", applied_on=date(2026, 3, 24), renews=permit
    )
    assert selectors.permit_due_of(case) is None  # the renewal is applied for: the caseworker acted
    residence.permit_decide(actor=world.caseworker, permit=renewal, status="refused")
    assert selectors.permit_due_of(case) == permit


def test_the_list_page_counts_filters_and_marks_the_rows(
    world: World, four: dict[str, Case], staff: dict[str, Client]
) -> None:
    html = staff["supervisor"].get("/cases/").content.decode()
    assert '<a href="?high_risk=on">1 case at high risk</a>' in html
    assert '<a href="?removal_open=on">1 case with a detention or removal order open</a>' in html
    assert '<a href="?permit_due=on">1 case with a residence permit running out or expired</a>' in html
    assert html.count('class="badge permit-due"') == 1
    assert 'permit runs out <time datetime="2026-03-22">2026-03-22</time>' in html  # isolated in Arabic
    filtered = staff["supervisor"].get("/cases/?permit_due=on").content.decode()
    assert four["permit"].reference in filtered
    assert four["detained"].reference not in filtered
    assert re.search(r'<input[^>]*name="permit_due"[^>]*checked', filtered)  # kept in the query string, a code
    assert re.search(r'class="list-count" role="status">1 case\b', filtered)
    # No filter by risk for a role that does not read the plan.
    police = staff["police"].get("/cases/").content.decode()
    for flag in ("high_risk", "safety_review_overdue", "safety_plan_missing"):
        assert f'name="{flag}"' not in police, flag
    assert 'name="safety_plan_missing"' in html


def test_the_case_page_warns_of_the_permit_near_the_top(world: World, case: Case, staff: dict[str, Client]) -> None:
    permit = _granted(world, case, until=TODAY + timedelta(days=20))
    html = staff["caseworker"].get(f"/cases/{case.reference}/").content.decode()
    assert 'id="permit-warning"' in html
    assert "runs out on 2026-03-22, in 20 days" in html
    assert html.index('id="permit-warning"') < html.index("The person</h2>")
    assert f'href="#permit-{permit.pk}"' in html


def test_no_permit_warning_for_a_permit_far_from_its_end(world: World, case: Case, staff: dict[str, Client]) -> None:
    _granted(world, case, until=TODAY + timedelta(days=200))
    assert 'id="permit-warning"' not in staff["caseworker"].get(f"/cases/{case.reference}/").content.decode()


# --- 4. The expiry alert at once when the permit is recorded inside the window --------------------------------


def test_a_permit_recorded_inside_the_window_alerts_at_once_and_the_job_does_not_repeat_it(
    world: World, case: Case
) -> None:
    permit = _granted(world, case, until=TODAY + timedelta(days=10))
    assert PermitAlert.objects.filter(permit=permit).count() == 1
    assert Alert.objects.filter(recipient=world.caseworker, url__endswith=f"#permit-{permit.pk}").count() == 1
    assert residence.permits_alert_expiry(today=TODAY) == 0
    assert residence.permits_alert_expiry(today=TODAY + timedelta(days=1)) == 0
    assert Alert.objects.filter(recipient=world.caseworker).count() == 1


def test_a_renewal_granted_inside_the_window_alerts_at_once(world: World, case: Case) -> None:
    first = _granted(world, case, until=TODAY + timedelta(days=100))
    renewal = residence.permit_record(
        actor=world.caseworker, case=case, kind="victim", status="applied", applied_on=TODAY, renews=first
    )
    assert not PermitAlert.objects.exists()  # applied for: no end yet
    residence.permit_decide(
        actor=world.caseworker,
        permit=renewal,
        status="granted",
        granted_on=TODAY,
        valid_until=TODAY + timedelta(days=5),
    )
    assert PermitAlert.objects.get().permit == renewal


def test_a_permit_far_from_its_end_waits_for_the_job(world: World, case: Case) -> None:
    _granted(world, case, until=TODAY + timedelta(days=31))
    assert not PermitAlert.objects.exists()
    assert not Alert.objects.exists()


# --- 5. A refused form is where the browser lands --------------------------------------------------------------


def test_a_refused_form_focuses_its_first_wrong_field(world: World, case: Case, staff: dict[str, Client]) -> None:
    response = staff["caseworker"].post(
        f"/cases/{case.reference}/removal/", {"kind": "deportation", "ordered_on": "2026-03-01", "authority": "Police"}
    )
    assert response.status_code == 422
    html = response.content.decode()
    assert html.count(" autofocus") == 1
    tag = html[html.index(" autofocus") - 200 : html.index(" autofocus") + 20]
    assert 'name="scheduled_on"' in tag
    assert f'action="/cases/{case.reference}/removal/"' in html  # the form's action is unchanged
    assert " autofocus" not in staff["caseworker"].get(f"/cases/{case.reference}/").content.decode()


# --- 6. Reopening gives the case back to its caseworker and tells -------------------------------------------


def test_a_reopened_case_is_back_with_its_caseworker_who_is_told_with_the_supervisors(world: World, case: Case) -> None:
    closure.case_close(actor=world.caseworker, case=case, code="integrated")
    cases.case_assign(actor=world.supervisor, case=case, assignee=None)
    Alert.objects.all().delete()
    closure.case_reopen(actor=world.supervisor, case=case, code="re_trafficked", reason="Found again in a bar")
    case.refresh_from_db()
    assert case.assigned_to == world.caseworker
    mine = Alert.objects.get(recipient=world.caseworker)
    assert mine.text == f"Case {case.reference} was opened again and is back with you."
    assert mine.url == f"/cases/{case.reference}/#closure"
    assert Alert.objects.filter(recipient=world.supervisor).count() == 1
    assert "bar" not in "".join(Alert.objects.values_list("text", flat=True))
    assert case.timeline.get(kind="reopen").detail["assignee"] == world.caseworker.get_username()


def test_a_caseworker_who_left_is_not_given_the_case_the_supervisors_are(world: World, case: Case) -> None:
    closure.case_close(actor=world.caseworker, case=case, code="integrated")
    world.caseworker.is_active = False
    world.caseworker.save(update_fields=["is_active"])
    closure.case_reopen(actor=world.supervisor, case=case, code="new_need")
    case.refresh_from_db()
    assert case.assigned_to is None
    (alert,) = Alert.objects.filter(recipient=world.supervisor)
    assert "give it to a caseworker" in alert.text
    assert alert.url == f"/cases/{case.reference}/#assign"
    assert not Alert.objects.filter(recipient=world.caseworker).exists()


def test_a_caseworker_of_another_organisation_is_not_restored(world: World, case: Case) -> None:
    """Handed over before closing: the caseworker who held it at the first organisation does not get it back."""
    closure.case_close(actor=world.caseworker, case=case, code="integrated")
    case.assigned_to = world.users["outsider"]  # a stale assignee from elsewhere
    case.save(update_fields=["assigned_to"])
    closure.case_reopen(actor=world.supervisor, case=case, code="new_need")
    case.refresh_from_db()
    assert case.assigned_to == world.caseworker  # who registered it, not the stale assignee from elsewhere


# --- 7. A high risk preselects the emergency on the referral form ---------------------------------------------


def test_the_referral_form_preselects_the_emergency_for_a_high_risk_and_says_why(
    world: World, consented_case: Case, offers: dict, staff: dict[str, Client]
) -> None:
    url = f"/referrals/case/{consented_case.reference}/?service_type=legal_counselling&region=Attica"
    before = staff["caseworker"].get(url).content.decode()
    assert '<option value="routine" selected>' in before
    assert "assessed at high risk" not in before
    _high_risk(world, consented_case)
    after = staff["caseworker"].get(url).content.decode()
    assert '<option value="emergency" selected>' in after
    assert '<option value="routine" selected>' not in after
    assert "the person was assessed at high risk, and her referrals are sent as emergencies" in after

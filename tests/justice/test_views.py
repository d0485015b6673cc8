"""Justice pages: who sees what, forms that keep what was typed, actions with clear refusals, no names."""

from __future__ import annotations

from datetime import date

import pytest
from django.test import Client

from lantern.cases.models import Case
from lantern.core.models import OutboxEvent
from lantern.crisis import services as crisis
from lantern.justice import services
from lantern.justice.models import Hearing, HearingStatus, Proceeding
from tests.conftest import World
from tests.justice.helpers import Justice, at, referred_to_prosecution

pytestmark = pytest.mark.django_db


def test_who_sees_the_hearings_page(staff: dict[str, Client], justice: Justice, case: Case) -> None:
    for persona in ("prosecutor", "caseworker", "supervisor"):
        page = staff[persona].get("/justice/")
        assert page.status_code == 200, persona
        assert case.reference in page.content.decode()
    for persona in ("coordinator", "analyst", "auditor", "provider", "shelter_worker"):
        assert staff[persona].get("/justice/").status_code == 403, persona
    other_ngo = staff["outsider"].get("/justice/")
    assert other_ngo.status_code == 200
    assert case.reference not in other_ngo.content.decode()


def test_pages_show_the_reference_never_the_name(staff: dict[str, Client], justice: Justice, case: Case) -> None:
    urls = [
        "/justice/",
        f"/justice/case/{case.reference}/",
        f"/justice/proceeding/{justice.proceeding.pk}/",
        f"/justice/hearing/{justice.hearing.pk}/",
    ]
    for url in urls:
        body = staff["prosecutor"].get(url).content.decode()
        assert case.reference in body
        assert "Maria" not in body
        assert "Popescu" not in body


def test_the_court_time_is_shown_in_the_courts_time_zone(staff: dict[str, Client], justice: Justice) -> None:
    body = staff["prosecutor"].get(f"/justice/hearing/{justice.hearing.pk}/").content.decode()
    assert "2026-03-09 12:00" in body  # 10:00 UTC is noon in Athens in March
    assert "2026-03-09 10:00" in body  # and the UTC time beside it


def test_caseworker_sees_the_hearing_but_gets_no_action(staff: dict[str, Client], justice: Justice) -> None:
    page = staff["caseworker"].get(f"/justice/hearing/{justice.hearing.pk}/")
    assert page.status_code == 200
    assert "/postpone/" not in page.content.decode()
    refused = staff["caseworker"].post(f"/justice/hearing/{justice.hearing.pk}/postpone/", {"reason": "illness"})
    assert refused.status_code == 403
    justice.hearing.refresh_from_db()
    assert justice.hearing.status == HearingStatus.SCHEDULED
    assert staff["outsider"].get(f"/justice/hearing/{justice.hearing.pk}/").status_code == 404


def test_schedule_form_keeps_what_was_typed_and_converts_the_local_time(
    staff: dict[str, Client], justice: Justice
) -> None:
    url = f"/justice/proceeding/{justice.proceeding.pk}/hearings/"
    bad = staff["prosecutor"].post(url, {"court": justice.athens.pk, "starts_at": "2026-03-01T10:00", "mode": "hybrid"})
    assert bad.status_code == 422
    body = bad.content.decode()
    assert 'value="2026-03-01T10:00"' in body
    assert "must be later than" in body
    assert '<option value="hybrid" selected>' in body
    good = staff["prosecutor"].post(
        url, {"court": justice.athens.pk, "starts_at": "2026-07-01T10:00", "mode": "remote"}
    )
    assert good.status_code == 302
    hearing = Hearing.objects.get(starts_at=at(2026, 7, 1, 7))  # 10:00 in Athens in summer is 07:00 UTC
    assert hearing.mode == "remote"


def test_postpone_and_reschedule_through_the_pages(staff: dict[str, Client], justice: Justice, world: World) -> None:
    url = f"/justice/hearing/{justice.hearing.pk}/"
    bad = staff["prosecutor"].post(url + "postpone/", {"reason": "illness", "new_starts_at": "2026-03-05T10:00"})
    assert bad.status_code == 422
    assert 'value="2026-03-05T10:00"' in bad.content.decode()
    assert staff["prosecutor"].post(url + "postpone/", {"reason": "illness"}).status_code == 302
    again = staff["prosecutor"].post(url + "postpone/", {"reason": "illness"}, follow=True)
    assert "postponed, not scheduled" in again.content.decode()
    listed = staff["prosecutor"].get("/justice/to-reschedule/").content.decode()
    assert f"/justice/hearing/{justice.hearing.pk}/" in listed
    done = staff["prosecutor"].post(url + "reschedule/", {"new_starts_at": "2026-04-20T09:30", "mode": "remote"})
    assert done.status_code == 302
    following = Hearing.objects.get(follows=justice.hearing)
    assert following.starts_at == at(2026, 4, 20, 6).replace(minute=30)  # EEST, UTC+3
    assert OutboxEvent.objects.filter(kind="hearing.rescheduled").count() == 1


def test_cancel_refusal_is_said(staff: dict[str, Client], justice: Justice) -> None:
    url = f"/justice/hearing/{justice.hearing.pk}/cancel/"
    assert staff["prosecutor"].post(url, {"confirmed": "yes"}).status_code == 302
    page = staff["prosecutor"].post(url, {"confirmed": "yes"}, follow=True).content.decode()
    assert "cancelled, not scheduled" in page


def test_open_a_proceeding_from_the_reference(staff: dict[str, Client], world: World, case: Case) -> None:
    found = staff["prosecutor"].get("/justice/find/", {"reference": case.reference.lower()})
    assert found.status_code == 302
    assert found["Location"] == f"/justice/case/{case.reference}/"
    bad = staff["prosecutor"].post(
        f"/justice/case/{case.reference}/open/",
        {"organisation": world.prosecution.pk, "kind": "appeal", "survivor_role": "villain"},
    )
    assert bad.status_code == 422
    assert '<option value="appeal" selected>' in bad.content.decode()
    assert not Proceeding.objects.exists()
    ok = staff["prosecutor"].post(
        f"/justice/case/{case.reference}/open/",
        {"organisation": world.prosecution.pk, "kind": "appeal", "survivor_role": "witness"},
    )
    assert ok.status_code == 422  # nobody referred the case to the prosecution service yet
    assert "not been referred" in ok.content.decode()
    assert '<option value="appeal" selected>' in ok.content.decode()
    assert not Proceeding.objects.exists()
    referred_to_prosecution(world, case)
    ok = staff["prosecutor"].post(
        f"/justice/case/{case.reference}/open/",
        {"organisation": world.prosecution.pk, "kind": "appeal", "survivor_role": "witness"},
    )
    assert ok.status_code == 302
    assert staff["caseworker"].post(f"/justice/case/{case.reference}/open/", {}).status_code == 403
    assert staff["outsider"].get(f"/justice/case/{case.reference}/").status_code == 404


def test_backlog_for_the_coordinator_without_references(
    staff: dict[str, Client], justice: Justice, case: Case, world: World
) -> None:
    services.hearing_postpone(actor=world.prosecutor, hearing=justice.hearing, reason="illness")
    page = staff["coordinator"].get("/justice/backlog/")
    assert page.status_code == 200
    body = page.content.decode()
    assert "Athens First Instance" in body
    assert case.reference not in body
    assert staff["caseworker"].get("/justice/backlog/").status_code == 403


def test_the_suspension_shows_on_the_hearing(staff: dict[str, Client], justice: Justice, world: World) -> None:
    from lantern.core import outbox

    pandemic = crisis.crisis_declare(
        actor=None, name="Pandemic", kind="pandemic", country="GR", starts_on=date(2026, 3, 1)
    )
    crisis.measure_add(actor=None, crisis=pandemic, kind="court_suspension", starts_on=date(2026, 3, 2))
    outbox.dispatch(OutboxEvent.objects.get(kind="measure.added").pk)
    body = staff["caseworker"].get(f"/justice/hearing/{justice.hearing.pk}/").content.decode()
    assert "Court suspended by a crisis measure" in body


def test_the_case_timeline_names_the_hearing_changes(staff: dict[str, Client], justice: Justice, case: Case) -> None:
    body = staff["caseworker"].get(f"/cases/{case.reference}/").content.decode()
    assert "Proceeding opened" in body
    assert "Hearing scheduled" in body


def test_the_hearings_page_is_a_calendar_by_the_courts_day(
    staff: dict[str, Client], justice: Justice, world: World
) -> None:
    # 23:30 UTC on 15 March is already 16 March in Athens: it is listed on the 16th.
    late = services.hearing_schedule(
        actor=world.prosecutor, proceeding=justice.proceeding, court=justice.athens, starts_at=at(2026, 3, 15, 23)
    )
    body = staff["prosecutor"].get("/justice/").content.decode()
    assert '<time datetime="2026-03-09">' in body
    assert '<time datetime="2026-03-16">' in body
    assert '<time datetime="2026-03-15">' not in body
    assert body.index('<time datetime="2026-03-16">') < body.index(f"/justice/hearing/{justice.other.pk}/")
    assert f"/justice/hearing/{late.pk}/" in body

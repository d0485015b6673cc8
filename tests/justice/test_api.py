"""The justice API: the operations, their refusals (problem+json naming the field), and what each side sees."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from lantern.cases.models import Case
from lantern.core.models import OutboxEvent
from lantern.justice.models import Hearing, HearingStatus
from tests.conftest import World
from tests.justice.helpers import Justice

pytestmark = pytest.mark.django_db


def post(client: Client, url: str, body: dict[str, object]) -> object:
    return client.post(f"/api/v1{url}", data=json.dumps(body), content_type="application/json")


def test_open_schedule_postpone_reschedule(
    api_client: dict[str, Client], world: World, case: Case, justice: Justice
) -> None:
    prosecutor = api_client["prosecutor"]
    opened = post(
        prosecutor,
        "/justice/proceedings",
        {"case_reference": case.reference, "organisation_id": world.prosecution.pk, "kind": "compensation",
         "survivor_role": "civil_claimant"},
    )  # fmt: skip
    assert opened.status_code == 201, opened.content  # type: ignore[attr-defined]
    proceeding_id = opened.json()["id"]  # type: ignore[attr-defined]
    scheduled = post(
        prosecutor,
        f"/justice/proceedings/{proceeding_id}/hearings",
        {"court_id": justice.athens.pk, "starts_at": "2026-05-04T12:30:00+03:00", "mode": "remote"},
    )
    assert scheduled.status_code == 201  # type: ignore[attr-defined]
    hearing = scheduled.json()  # type: ignore[attr-defined]
    assert hearing["starts_at"].startswith("2026-05-04T09:30:00")
    assert hearing["court_time_zone"] == "Europe/Athens"
    postponed = post(prosecutor, f"/justice/hearings/{hearing['id']}/postpone", {"reason": "interpreter_unavailable"})
    assert postponed.json()["status"] == "postponed"  # type: ignore[attr-defined]
    new = post(prosecutor, f"/justice/hearings/{hearing['id']}/reschedule", {"new_starts_at": "2026-06-01T07:00:00Z"})
    assert new.status_code == 201  # type: ignore[attr-defined]
    assert new.json()["follows_id"] == hearing["id"]  # type: ignore[attr-defined]
    kinds = list(OutboxEvent.objects.filter(kind__startswith="hearing.").values_list("kind", flat=True))
    assert kinds.count("hearing.postponed") == 1
    assert kinds.count("hearing.rescheduled") == 1


def test_bad_input_is_a_problem_naming_the_field(api_client: dict[str, Client], justice: Justice) -> None:
    prosecutor = api_client["prosecutor"]
    naive = post(
        prosecutor,
        f"/justice/proceedings/{justice.proceeding.pk}/hearings",
        {"court_id": justice.athens.pk, "starts_at": "2026-05-04T12:30:00"},
    )
    assert naive.status_code == 422  # type: ignore[attr-defined]
    assert naive["Content-Type"] == "application/problem+json"  # type: ignore[index]
    assert [e["field"] for e in naive.json()["errors"]] == ["starts_at"]  # type: ignore[attr-defined]
    no_court = post(
        prosecutor,
        f"/justice/proceedings/{justice.proceeding.pk}/hearings",
        {"court_id": 999999, "starts_at": "2026-05-04T12:30:00Z"},
    )
    assert [e["field"] for e in no_court.json()["errors"]] == ["court_id"]  # type: ignore[attr-defined]
    reason = post(prosecutor, f"/justice/hearings/{justice.hearing.pk}/postpone", {"reason": "court_suspension"})
    assert [e["field"] for e in reason.json()["errors"]] == ["reason"]  # type: ignore[attr-defined]
    assert Hearing.objects.filter(status=HearingStatus.SCHEDULED).count() == 2


def test_caseworker_reads_the_hearings_of_her_case_and_changes_nothing(
    api_client: dict[str, Client], justice: Justice, case: Case
) -> None:
    listed = api_client["caseworker"].get("/api/v1/justice/hearings").json()
    assert {h["id"] for h in listed["items"]} == {justice.hearing.pk, justice.other.pk}
    assert all(h["reference"] == case.reference for h in listed["items"])
    assert post(api_client["caseworker"], f"/justice/hearings/{justice.hearing.pk}/cancel", {}).status_code == 403  # type: ignore[attr-defined]
    assert api_client["outsider"].get("/api/v1/justice/hearings").json()["items"] == []


def test_filters_of_the_hearing_list(api_client: dict[str, Client], justice: Justice) -> None:
    client = api_client["prosecutor"]
    by_court = client.get("/api/v1/justice/hearings", {"court_id": justice.piraeus.pk}).json()
    assert [h["id"] for h in by_court["items"]] == [justice.other.pk]
    remote = client.get("/api/v1/justice/hearings", {"mode": "remote"}).json()
    assert [h["id"] for h in remote["items"]] == [justice.other.pk]
    window = client.get("/api/v1/justice/hearings", {"starts_from": "2026-03-10", "starts_to": "2026-03-31"}).json()
    assert [h["id"] for h in window["items"]] == [justice.other.pk]


def test_backlog_figures(api_client: dict[str, Client], justice: Justice, world: World) -> None:
    from lantern.justice import services

    services.hearing_postpone(actor=world.prosecutor, hearing=justice.hearing, reason="illness")
    rows = api_client["coordinator"].get("/api/v1/justice/backlog").json()
    by_court = {r["court"]: r for r in rows}
    athens = by_court["Athens First Instance"]
    assert (athens["hearings"], athens["pending"], athens["postponed"], athens["postponed_share"]) == (1, 1, 1, 1.0)
    assert athens["median_delay_days"] == 0.0  # postponed a week ahead, still without a new date: no delay yet
    overall = rows[-1]
    assert overall["court_id"] is None
    assert (overall["hearings"], overall["remote"], overall["remote_share"]) == (2, 1, 0.5)
    assert api_client["caseworker"].get("/api/v1/justice/backlog").status_code == 403


def test_the_hearing_list_is_not_n_plus_one(api_client: dict[str, Client], justice: Justice, world: World) -> None:
    from datetime import timedelta

    from lantern.justice import services

    def count() -> int:
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as queries:
            assert api_client["prosecutor"].get("/api/v1/justice/hearings").status_code == 200
        return len(queries)

    count()  # the token's first use is recorded once
    few = count()
    for i in range(8):
        services.hearing_schedule(
            actor=world.prosecutor,
            proceeding=justice.proceeding,
            court=justice.crete,
            starts_at=justice.hearing.starts_at + timedelta(days=1, hours=i),
        )
    assert count() == few

"""Justice services: proceedings, protective measures and hearings, with their outbox events, audit and refusals
that write nothing."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from lantern.cases.models import Case, TimelineEntry
from lantern.core.models import AuditEvent, OutboxEvent
from lantern.justice import services
from lantern.justice.models import Hearing, HearingStatus, Proceeding, ProtectiveMeasure
from tests.conftest import World
from tests.justice.helpers import Justice, at

pytestmark = pytest.mark.django_db


def events(kind: str) -> list[OutboxEvent]:
    return list(OutboxEvent.objects.filter(kind=kind).order_by("pk"))


def test_scheduling_emits_the_contract_event_with_ids_and_codes_only(justice: Justice, case: Case) -> None:
    emitted = events("hearing.scheduled")
    assert len(emitted) == 2
    first = emitted[0]
    assert first.organisation_id == case.organisation_id
    assert first.payload == {
        "hearing_id": justice.hearing.pk,
        "case_id": case.pk,
        "proceeding_id": justice.proceeding.pk,
        "court_id": justice.athens.pk,
        "starts_at": "2026-03-09T10:00:00+00:00",
        "new_starts_at": None,
        "mode": "in_person",
        "reason": "",
    }
    assert AuditEvent.objects.filter(action="hearing.schedule").count() == 2


def test_postpone_then_reschedule(world: World, justice: Justice) -> None:
    postponed = services.hearing_postpone(actor=world.prosecutor, hearing=justice.hearing, reason="illness")
    assert postponed.status == HearingStatus.POSTPONED
    assert postponed.new_starts_at is None
    [event] = events("hearing.postponed")
    assert event.payload["reason"] == "illness"
    assert event.payload["new_starts_at"] is None
    new = services.hearing_reschedule(
        actor=justice.clerk, hearing=postponed, new_starts_at=at(2026, 4, 20, 8), mode="hybrid"
    )
    assert new.status == HearingStatus.SCHEDULED
    assert new.follows_id == postponed.pk
    assert new.mode == "hybrid"
    postponed.refresh_from_db()
    assert postponed.new_starts_at == at(2026, 4, 20, 8)
    [rescheduled] = events("hearing.rescheduled")
    assert rescheduled.payload["starts_at"] == "2026-03-09T10:00:00+00:00"
    assert rescheduled.payload["new_starts_at"] == "2026-04-20T08:00:00+00:00"
    assert rescheduled.payload["reason"] == "illness"
    with pytest.raises(ValidationError) as refused:
        services.hearing_reschedule(actor=justice.clerk, hearing=postponed, new_starts_at=at(2026, 5, 1))
    assert "new_starts_at" in refused.value.message_dict


def test_postpone_with_a_known_new_date_schedules_it(world: World, justice: Justice) -> None:
    services.hearing_postpone(
        actor=world.prosecutor, hearing=justice.hearing, reason="witness_unavailable", new_starts_at=at(2026, 3, 30)
    )
    follower = Hearing.objects.get(follows=justice.hearing)
    assert follower.status == HearingStatus.SCHEDULED
    assert follower.starts_at == at(2026, 3, 30)
    [event] = events("hearing.postponed")
    assert event.payload["new_starts_at"] == "2026-03-30T09:00:00+00:00"
    assert len(events("hearing.scheduled")) == 2  # the follow-up is told as the postponement, not a new hearing


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"reason": "because"}, "reason"),
        ({"reason": "court_suspension"}, "reason"),
        ({"reason": "illness", "new_starts_at": datetime(2026, 4, 1, 9)}, "new_starts_at"),  # naive
        ({"reason": "illness", "new_starts_at": at(2026, 3, 3)}, "new_starts_at"),  # before the hearing's date
        ({"reason": "illness", "new_starts_at": at(2040, 1, 1)}, "new_starts_at"),
    ],
)
def test_bad_postponements_are_refused_and_write_nothing(
    world: World, justice: Justice, kwargs: dict[str, object], field: str
) -> None:
    before = (Hearing.objects.count(), OutboxEvent.objects.count(), AuditEvent.objects.count())
    with pytest.raises(ValidationError) as refused:
        services.hearing_postpone(actor=world.prosecutor, hearing=justice.hearing, **kwargs)  # type: ignore[arg-type]
    assert field in refused.value.message_dict
    assert (Hearing.objects.count(), OutboxEvent.objects.count(), AuditEvent.objects.count()) == before
    justice.hearing.refresh_from_db()
    assert justice.hearing.status == HearingStatus.SCHEDULED


def test_a_hearing_no_longer_scheduled_is_not_postponed_twice(world: World, justice: Justice) -> None:
    services.hearing_cancel(actor=world.prosecutor, hearing=justice.hearing)
    with pytest.raises(ValidationError) as refused:
        services.hearing_postpone(actor=justice.clerk, hearing=justice.hearing, reason="illness")
    assert "cancelled" in refused.value.message_dict["status"][0]
    assert len(events("hearing.cancelled")) == 1
    assert not events("hearing.postponed")


def test_mode_change(world: World, justice: Justice) -> None:
    services.hearing_mode_change(actor=world.prosecutor, hearing=justice.hearing, mode="remote")
    [event] = events("hearing.mode_changed")
    assert event.payload["mode"] == "remote"
    with pytest.raises(ValidationError):
        services.hearing_mode_change(actor=world.prosecutor, hearing=justice.hearing, mode="remote")
    with pytest.raises(ValidationError):
        services.hearing_mode_change(actor=world.prosecutor, hearing=justice.hearing, mode="video")
    assert len(events("hearing.mode_changed")) == 1


def test_hold_only_once_its_time_has_come(world: World, justice: Justice, clock: object) -> None:
    with pytest.raises(ValidationError):
        services.hearing_hold(actor=world.prosecutor, hearing=justice.hearing)
    clock.move_to(justice.hearing.starts_at + timedelta(hours=2), tick=False)  # type: ignore[attr-defined]
    held = services.hearing_hold(actor=justice.clerk, hearing=justice.hearing)
    assert held.status == HearingStatus.HELD
    assert AuditEvent.objects.filter(action="hearing.hold").count() == 1


def test_who_may_change_a_hearing(world: World, justice: Justice) -> None:
    for persona in ("caseworker", "supervisor", "coordinator", "outsider", "police"):
        with pytest.raises(PermissionDenied):
            services.hearing_postpone(actor=world.users[persona], hearing=justice.hearing, reason="illness")
    # The Piraeus court has no registry in Lantern: its clerk is not the Athens one.
    with pytest.raises(PermissionDenied):
        services.hearing_cancel(actor=justice.clerk, hearing=justice.other)
    with pytest.raises(PermissionDenied):
        services.proceeding_open(
            actor=world.caseworker,
            case=justice.proceeding.case,
            organisation=world.prosecution,
            kind="trial",
            survivor_role="witness",
        )


def test_proceeding_refusals_name_the_field(world: World, case: Case) -> None:
    with pytest.raises(ValidationError) as refused:
        services.proceeding_open(
            actor=world.prosecutor, case=case, organisation=world.prosecution, kind="duel", survivor_role="hero"
        )
    assert set(refused.value.message_dict) == {"kind", "survivor_role"}
    assert not Proceeding.objects.exists()
    assert not TimelineEntry.objects.filter(kind="proceeding_open").exists()


def test_protective_measures(world: World, justice: Justice) -> None:
    services.protective_measure_add(actor=world.prosecutor, proceeding=justice.proceeding, kind="screen")
    services.protective_measure_add(
        actor=world.prosecutor, proceeding=justice.proceeding, kind="interpreter", language="RO"
    )
    assert list(justice.proceeding.protective_measures.values_list("kind", "language")) == [
        ("screen", ""),
        ("interpreter", "ro"),
    ]
    for kind, language, field in [
        ("interpreter", "", "language"),
        ("interpreter", "klingon", "language"),
        ("screen", "ro", "language"),
        ("screen", "", "kind"),  # already in place
        ("cloak", "", "kind"),
    ]:
        with pytest.raises(ValidationError) as refused:
            services.protective_measure_add(
                actor=world.prosecutor, proceeding=justice.proceeding, kind=kind, language=language
            )
        assert field in refused.value.message_dict
    assert ProtectiveMeasure.objects.count() == 2


def test_court_refusals(world: World) -> None:
    with pytest.raises(ValidationError) as refused:
        services.court_create(actor=world.coordinator, name="", country="XX", region="", time_zone="Mars/Olympus")
    assert set(refused.value.message_dict) == {"name", "country", "region", "time_zone"}
    with pytest.raises(PermissionDenied):
        services.court_create(actor=world.prosecutor, name="C", country="GR", region="Attica", time_zone="UTC")


def test_times_are_typed_in_the_courts_time_zone_and_stored_in_utc(world: World, justice: Justice) -> None:
    # 10:00 in Athens in summer time (UTC+3) and in winter time (UTC+2).
    summer = services.local_to_utc(justice.athens, datetime(2026, 7, 1, 10, 0))
    winter = services.local_to_utc(justice.athens, datetime(2026, 12, 1, 10, 0))
    assert summer == datetime(2026, 7, 1, 7, 0, tzinfo=UTC)
    assert winter == datetime(2026, 12, 1, 8, 0, tzinfo=UTC)
    hearing = services.hearing_schedule(
        actor=world.prosecutor, proceeding=justice.proceeding, court=justice.athens, starts_at=summer
    )
    assert (
        OutboxEvent.objects.get(kind="hearing.scheduled", payload__hearing_id=hearing.pk).payload["starts_at"]
        == "2026-07-01T07:00:00+00:00"
    )

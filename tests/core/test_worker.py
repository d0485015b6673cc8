"""The background worker (`lantern worker`) and /healthz."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from lantern.core.management.commands.worker import _beat
from lantern.core.models import Alert, WorkerHeartbeat
from lantern.core.tasks import alert_email_send
from tests.conftest import World
from tests.helpers import run_queued_tasks


def test_a_queued_task_is_run_once_by_the_database_worker(world: World, mailoutbox: list) -> None:
    alert = Alert.objects.create(recipient=world.supervisor, kind=Alert.Kind.SECURITY, text="Check the audit trail")
    alert_email_send.enqueue(alert.pk)
    alert_email_send.enqueue(alert.pk)  # delivered twice by mistake: still one e-mail
    assert run_queued_tasks() == 2
    assert len(mailoutbox) == 1
    assert DBTaskResult.objects.successful().count() == 2
    alert.refresh_from_db()
    assert alert.emailed_at is not None


@pytest.mark.django_db
def test_healthz_reports_the_database_and_a_recent_worker() -> None:
    client = Client()
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["worker"]["ok"] is False
    _beat("w1", timezone.now())
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {
        "status": "ok",
        "database": {"ok": True},
        "worker": response.json()["worker"] | {"ok": True},
    }


@pytest.mark.django_db
def test_healthz_reports_a_silent_worker_as_down(settings: pytest.FixtureRequest) -> None:
    _beat("w1", timezone.now())
    WorkerHeartbeat.objects.update(last_seen=timezone.now() - timedelta(minutes=5))
    response = Client().get("/healthz")
    assert response.status_code == 503
    assert response.json()["status"] == "degraded"


def test_periodic_jobs_are_queued_once_per_interval_and_run_by_the_worker(
    world: World, time_machine: object, django_capture_on_commit_callbacks: object
) -> None:
    from datetime import UTC, datetime

    from lantern.core.periodic import queue_due_jobs

    time_machine.move_to(datetime(2026, 3, 2, 9, 0, tzinfo=UTC), tick=False)  # type: ignore[attr-defined]
    with django_capture_on_commit_callbacks(execute=True):  # type: ignore[operator]
        assert "referrals.escalate" in queue_due_jobs()
        assert queue_due_jobs() == []  # not again within five minutes
    assert run_queued_tasks() >= 1
    assert DBTaskResult.objects.successful().count() >= 1
    time_machine.shift(301)  # type: ignore[attr-defined]
    with django_capture_on_commit_callbacks(execute=True):  # type: ignore[operator]
        assert "referrals.escalate" in queue_due_jobs()

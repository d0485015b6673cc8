"""Background tasks of the core: thin, load by id, safe to run twice."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone, translation
from django.utils.module_loading import import_string
from django_tasks import task

from lantern.core.models import Alert
from lantern.core.outbox import dispatch, dispatch_many
from lantern.core.periodic import JOBS


@task()
def alert_email_send(alert_id: int) -> None:
    """E-mail a copy of an alert to its recipient, once. The text carries no personal data of victims."""
    with transaction.atomic():
        alert = (
            Alert.objects.select_for_update()
            .select_related("recipient")
            .filter(pk=alert_id, emailed_at__isnull=True)
            .first()
        )
        if alert is None or not alert.recipient.email:
            return
        with translation.override(alert.recipient.preferred_language or settings.LANGUAGE_CODE):
            subject = f"[Lantern] {alert.get_kind_display()}"  # in the reader's language, like the text
        send_mail(subject=subject, message=alert.text, from_email=None, recipient_list=[alert.recipient.email])
        alert.emailed_at = timezone.now()
        alert.save(update_fields=["emailed_at"])


@task()
def periodic_job_run(name: str) -> None:
    """Run one registered periodic job (see lantern.core.periodic); the jobs themselves are safe to run twice."""
    job = JOBS.get(name)
    if job is not None:
        import_string(job.function)()


@task()
def outbox_dispatch(event_id: int) -> None:
    """Run the consumers of one outbox event (lantern.core.outbox); each runs once even if this task runs twice."""
    dispatch(event_id)


@task()
def outbox_dispatch_many(event_ids: list[int]) -> None:
    """Run the consumers of a chunk of events recorded together (lantern.core.outbox.emit_many)."""
    dispatch_many(event_ids)

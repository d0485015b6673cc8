"""Background tasks of notifications: thin, and safe to run twice (a delivery is claimed before it is sent)."""

from __future__ import annotations

from django_tasks import task


@task()
def deliveries_send() -> None:
    """Send one batch of due deliveries (lantern.notify.sending.deliveries_send_due)."""
    from lantern.notify.sending import deliveries_send_due

    deliveries_send_due()

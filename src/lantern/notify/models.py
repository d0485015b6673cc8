"""Deliveries: one row per (event, recipient, channel), written in the transaction of the outbox consumer that
decided it, then sent by the workers; and the tasks a caseworker gets when a survivor cannot be told directly.

No text of a message is stored: a delivery keeps the codes it is rendered from (event, language, detail level),
so the log shows what was sent without holding it, and a row never carries personal data in clear."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from lantern.cases.models import Case
from lantern.core.models import Organisation, OutboxEvent


class Channel(models.TextChoices):
    SMS = "sms", _("Text message")
    MESSAGING = "messaging", _("Messaging app")
    EMAIL = "email", _("E-mail")
    IN_APP = "in_app", _("In-app message")
    NONE = "none", _("No channel")


class Detail(models.TextChoices):
    """How much a message may say: minimal is safe on a phone someone else may read."""

    MINIMAL = "minimal", _("Minimal")
    DETAILED = "detailed", _("Date and court")


class DeliveryStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    SENDING = "sending", _("Sending")
    SENT = "sent", pgettext_lazy("notify", "Sent")
    FAILED = "failed", _("Failed, will retry")
    GAVE_UP = "gave_up", _("Gave up")
    HANDED_TO_CASEWORKER = "handed_to_caseworker", _("Handed to the caseworker")


class Reason(models.TextChoices):
    """Why a survivor was not told directly (the caseworker gets a task instead)."""

    NO_CONSENT = "no_consent", _("No consent to be contacted on this channel")
    CASEWORKER_ONLY = "caseworker_only", _("Only through the caseworker")
    PHONE_CALL = "phone_call", _("By phone call only")
    NO_CONTACT = "no_contact", _("No contact details for this channel")
    NO_LANGUAGE = "no_language", _("No message in a language the person reads")
    GAVE_UP = "gave_up", _("Sending failed every time")


class Delivery(models.Model):
    event = models.ForeignKey(OutboxEvent, on_delete=models.PROTECT, related_name="deliveries")
    kind = models.CharField(max_length=64, help_text="the event kind, kept for the log")
    case = models.ForeignKey(Case, on_delete=models.CASCADE, null=True, blank=True, related_name="deliveries")
    # "survivor", or "user:<id>" for staff: with event and channel, what makes a delivery unique.
    recipient = models.CharField(max_length=40)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True, blank=True, related_name="deliveries"
    )
    channel = models.CharField(max_length=12, choices=Channel.choices)
    transport = models.CharField(max_length=12, blank=True, default="", help_text="gateway, smtp, file, console, db")
    language = models.CharField(max_length=8, blank=True, default="")
    detail = models.CharField(max_length=10, choices=Detail.choices, blank=True, default="")
    status = models.CharField(max_length=24, choices=DeliveryStatus.choices, default=DeliveryStatus.QUEUED)
    reason = models.CharField(max_length=20, choices=Reason.choices, blank=True, default="")
    # The idempotency key each channel carries (gateway header, e-mail Message-ID).
    key = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    lease_until = models.DateTimeField(null=True, blank=True, help_text="a worker is sending it until then")
    claimed_by = models.CharField(max_length=80, blank=True, default="", help_text="host and process id")
    last_error = models.CharField(max_length=100, blank=True, default="", help_text="a code, never message text")
    provider_reference = models.CharField(max_length=100, blank=True, default="")
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["status", "next_attempt_at"], name="delivery_due"),
            models.Index(fields=["case", "-created_at"], name="delivery_case_log"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["event", "recipient", "channel"], name="delivery_once"),
            models.CheckConstraint(
                condition=~Q(status="handed_to_caseworker") | ~Q(reason=""), name="handed_over_says_why"
            ),
        ]

    def __str__(self) -> str:
        return f"delivery #{self.pk} ({self.kind}, {self.channel}, {self.status})"


class CaseworkerTask(models.Model):
    """Something a member of staff must do by hand: call a survivor (with an interpreter) because a message could
    not be sent. Its text is made from codes when shown, so it holds no personal data."""

    class Kind(models.TextChoices):
        CALL = "call", _("Call the person")
        CALL_WITH_INTERPRETER = "call_with_interpreter", _("Call the person with an interpreter")

    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notify_tasks")
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="notify_tasks")
    delivery = models.ForeignKey(Delivery, on_delete=models.CASCADE, related_name="tasks")
    kind = models.CharField(max_length=24, choices=Kind.choices)
    language = models.CharField(max_length=8, blank=True, default="", help_text="the person's preferred language")
    created_at = models.DateTimeField(default=timezone.now)
    done_at = models.DateTimeField(null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["done_at", "-created_at", "-pk"]
        indexes = [models.Index(fields=["recipient", "done_at", "-created_at"], name="notify_task_inbox")]
        constraints = [models.UniqueConstraint(fields=["delivery", "recipient"], name="notify_task_once")]

    def __str__(self) -> str:
        return f"task #{self.pk} ({self.kind})"


class PackageNotice(models.Model):
    """An organisation was told, on one day of a crisis, how many of its cases miss part of the minimum package."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    crisis_id = models.BigIntegerField()
    on = models.DateField()
    count = models.PositiveIntegerField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organisation", "crisis_id", "on"], name="package_notice_once_a_day")
        ]

    def __str__(self) -> str:
        return f"package notice for organisation #{self.organisation_id} on {self.on}"


EVENT_LABELS = {
    "hearing.scheduled": pgettext_lazy("notify", "Hearing scheduled"),
    "hearing.postponed": pgettext_lazy("notify", "Hearing postponed"),
    "hearing.rescheduled": _("Hearing moved to a new date"),
    "hearing.cancelled": pgettext_lazy("notify", "Hearing cancelled"),
    "hearing.mode_changed": _("Hearing held another way"),
    "referral.received": _("Referral received"),
    "referral.overdue": _("Referral overdue"),
    "package.missing": _("Minimum package missing"),
}

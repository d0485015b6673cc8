"""A referral: one need of one case sent to one organisation, followed until the service is delivered."""

from __future__ import annotations

import secrets
from datetime import timedelta

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lantern.cases.models import Case
from lantern.core.fields import EncryptedTextField
from lantern.core.models import Organisation
from lantern.providers.models import Offering


class Urgency(models.TextChoices):
    EMERGENCY = "emergency", _("Emergency")
    URGENT = "urgent", _("Urgent")
    ROUTINE = "routine", _("Routine")


# How long the receiving organisation has to accept or decline.
RESPONSE_TIME = {
    Urgency.EMERGENCY: timedelta(hours=4),
    Urgency.URGENT: timedelta(hours=24),
    Urgency.ROUTINE: timedelta(hours=72),
}


class Status(models.TextChoices):
    PENDING = "pending", _("Waiting for an answer")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")
    IN_PROGRESS = "in_progress", _("Service started")
    COMPLETED = "completed", _("Delivered")
    CANCELLED = "cancelled", _("Cancelled")
    EXPIRED = "expired", _("Expired")


OPEN_STATUSES = (Status.PENDING, Status.ACCEPTED, Status.IN_PROGRESS)
MEETS_NEED = (Status.ACCEPTED, Status.IN_PROGRESS, Status.COMPLETED)


class Outcome(models.TextChoices):
    DELIVERED = "delivered", _("Delivered in full")
    PARTLY = "partly", _("Partly delivered")
    NOT_DELIVERED = "not_delivered", _("Not delivered")


class DeclineReason(models.TextChoices):
    """Why a receiving organisation says no: a short coded list the sender can act on (find another provider, wait,
    send an interpreter), with free text beside it when the code does not say enough."""

    NO_CAPACITY = "no_capacity", _("No place or staff free now")
    NOT_ELIGIBLE = "not_eligible", _("The person is not eligible for this service")
    LANGUAGE = "language", _("We cannot serve in the person's language")
    OUTSIDE_AREA = "outside_area", _("Outside the area we serve")
    NOT_OFFERED = "not_offered", _("We do not give this service now")
    OTHER = "other", _("Another reason (say which)")


# Open referrals in the order a receiving organisation works them: the most urgent first, then the oldest deadline.
URGENCY_RANK = {Urgency.EMERGENCY: 0, Urgency.URGENT: 1, Urgency.ROUTINE: 2}
# Referrals whose arrival, decline or lapse is told as an urgent alert: the person cannot wait for another round.
URGENT_ANSWERS = (Urgency.EMERGENCY, Urgency.URGENT)
DECLINE_TEXT_MAX = 300  # characters of free text beside the coded reason


PUBLIC_ID_PATTERN = r"^[0-9a-f]{32}$"


def new_public_id() -> str:
    """128 random bits, hex: the referral's id in URLs and the API. The row's sequential key never leaves the
    server, so one referral's id tells nothing about another's (they were guessable as #41, #42, ...)."""
    return secrets.token_hex(16)


_URGENCY_LABELS = dict(Urgency.choices)
_STATUS_LABELS = dict(Status.choices)


class Referral(models.Model):
    public_id = models.CharField(max_length=32, unique=True, default=new_public_id, editable=False)
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="referrals")
    sender = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="referrals_sent")
    recipient = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="referrals_received")
    offering = models.ForeignKey(Offering, on_delete=models.PROTECT, related_name="referrals", null=True)
    service_type = models.CharField(max_length=40)
    urgency = models.CharField(max_length=12, choices=Urgency.choices, default=Urgency.ROUTINE)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.PENDING)
    idempotency_key = models.CharField(max_length=64, blank=True, default="")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True)
    created_at = models.DateTimeField(default=timezone.now)
    respond_by = models.DateTimeField()
    responded_at = models.DateTimeField(null=True, blank=True)
    responded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    decline_code = models.CharField(max_length=16, choices=DeclineReason.choices, blank=True, default="")
    decline_reason = EncryptedTextField(blank=True, default="")  # free text: may name the person
    accepted_week = models.DateField(null=True, blank=True, help_text="the week whose capacity it took")
    started_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    delivery_mode = models.CharField(max_length=12, blank=True, default="")
    outcome = models.CharField(max_length=16, choices=Outcome.choices, blank=True, default="")
    closed_at = models.DateTimeField(null=True, blank=True, help_text="cancelled or expired")
    escalation_level = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["recipient", "status", "-created_at"], name="referral_inbox"),
            models.Index(fields=["sender", "-created_at"], name="referral_sent"),
            models.Index(fields=["status", "respond_by"], name="referral_due"),
            models.Index(fields=["case", "service_type", "status"], name="referral_case_need"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["created_by", "idempotency_key"], condition=~Q(idempotency_key=""), name="referral_idempotent"
            ),
        ]

    def __str__(self) -> str:
        return f"referral #{self.pk} ({self.service_type}, {self.status})"

    # Every row of the inbox shows both: the label by value, without Django's generic lookup, which builds a
    # dictionary of the field's choices again on each call (a tenth of the inbox's time). Same words.
    def get_urgency_display(self) -> str:  # type: ignore[no-redef]  # django-stubs declares it
        return str(_URGENCY_LABELS.get(self.urgency, self.urgency))

    def get_status_display(self) -> str:  # type: ignore[no-redef]
        return str(_STATUS_LABELS.get(self.status, self.status))

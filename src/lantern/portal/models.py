"""The public portal's own records: the crisis messages the national coordinator maintains per language, the
call-back requests visitors send to a hotline, and the bookkeeping that keeps the call-back form safe without
a cookie (one-time form tokens, rate-limit counters that hold no personal data)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from lantern.core.fields import EncryptedTextField
from lantern.core.models import Organisation


class CrisisMessage(models.Model):
    """One text shown on the portal while a crisis is active ("you may leave home to seek help"). Its source is
    the English text; every edit of the English text raises `revision`, so a translation made from an older
    revision shows as lagging in the translation-status view."""

    key = models.SlugField(max_length=40, unique=True)
    # "" while any crisis is active; a measure kind ("curfew") only while a measure of that kind is in force;
    # "movement" while a lockdown, curfew or movement restriction is (SHOWN_WHILE in services.py).
    shown_while = models.CharField(max_length=24, blank=True, default="")
    position = models.PositiveSmallIntegerField(default=0)
    revision = models.PositiveIntegerField(default=1)
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["position", "key"]

    def __str__(self) -> str:
        return self.key


class MessageText(models.Model):
    """A crisis message in one language, with the revision of the English text it was written from."""

    message = models.ForeignKey(CrisisMessage, on_delete=models.CASCADE, related_name="texts")
    language = models.CharField(max_length=8)
    title = models.CharField(max_length=150)
    body = models.TextField(max_length=1000)
    source_revision = models.PositiveIntegerField()
    updated_at = models.DateTimeField(default=timezone.now)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")

    class Meta:
        ordering = ["message", "language"]
        constraints = [
            models.UniqueConstraint(fields=["message", "language"], name="one_text_per_language"),
            models.CheckConstraint(condition=~Q(title=""), name="message_text_has_title"),
        ]

    def __str__(self) -> str:
        return f"{self.message.key} [{self.language}]"


class Channel(models.TextChoices):
    PHONE = "phone", _("A phone call")
    SMS = "sms", _("A text message (SMS)")
    MESSAGING = "messaging", _("A messaging app")
    EMAIL = "email", _("An e-mail")


class IfSomeoneElse(models.TextChoices):
    HANG_UP = "hang_up", _("Hang up without saying anything")
    WRONG_NUMBER = "wrong_number", _("Say it was a wrong number")


class IntakeStatus(models.TextChoices):
    NEW = "new", _("New")
    CASE_OPENED = "case_opened", _("Case opened")
    CLOSED = "closed", pgettext_lazy("portal", "Closed")


class CloseReason(models.TextChoices):
    CALLED_NO_CASE = "called_no_case", _("Called back; no case needed")
    UNREACHABLE = "unreachable", _("Could not be reached safely")
    DUPLICATE = "duplicate", _("Duplicate request")
    NOT_GENUINE = "not_genuine", _("Not a genuine request")


class Intake(models.Model):
    """A call-back request from the portal, addressed to one hotline organisation. What identifies or reaches the
    person is encrypted; the rest (language, channel, when) is what the inbox lists."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="portal_intakes")
    language = models.CharField(max_length=8, help_text="the language to call back in")
    channel = models.CharField(max_length=16, choices=Channel.choices)
    contact = EncryptedTextField(blank=True, default="")
    safe_times = EncryptedTextField(blank=True, default="")
    if_someone_else = models.CharField(max_length=16, choices=IfSomeoneElse.choices, default=IfSomeoneElse.HANG_UP)
    may_leave_message = models.BooleanField(default=False)
    note = EncryptedTextField(blank=True, default="")
    status = models.CharField(max_length=16, choices=IntakeStatus.choices, default=IntakeStatus.NEW)
    close_reason = models.CharField(max_length=20, choices=CloseReason.choices, blank=True, default="")
    case_reference = models.CharField(max_length=20, blank=True, default="")
    created_at = models.DateTimeField(default=timezone.now)
    handled_at = models.DateTimeField(null=True, blank=True)
    handled_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    erased_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["organisation", "status", "-created_at"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(status=IntakeStatus.CASE_OPENED) | Q(case_reference=""), name="intake_case_only_if_opened"
            ),
            models.CheckConstraint(
                condition=Q(status=IntakeStatus.CLOSED) | Q(close_reason=""), name="intake_reason_only_if_closed"
            ),
        ]

    def __str__(self) -> str:
        return f"call-back #{self.pk} ({self.status})"


class UsedFormToken(models.Model):
    """A call-back form that was already sent: the form's token can be used once. Only a digest of the token is
    kept, and only until the token would have expired anyway."""

    digest = models.CharField(max_length=64, unique=True)
    used_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [models.Index(fields=["used_at"])]

    def __str__(self) -> str:
        return self.digest[:12]


class RateCounter(models.Model):
    """How many call-backs one of 4,096 buckets sent in one hour. The bucket is a keyed hash of the connection's
    address and the hour, cut to 12 bits: thousands of addresses share a bucket, and buckets of different hours
    cannot be linked, so nothing here points to a visitor."""

    window_start = models.DateTimeField()
    bucket = models.CharField(max_length=4)
    count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["window_start", "bucket"], name="one_counter_per_bucket")]

    def __str__(self) -> str:
        return f"{self.bucket}@{self.window_start:%Y-%m-%dT%H}: {self.count}"

"""Organisations, the people who use Lantern and their roles, API tokens, the audit trail, break-glass grants,
staff alerts and worker heartbeats."""

from __future__ import annotations

import secrets
import time
from base64 import b32encode
from binascii import unhexlify
from typing import Any
from urllib.parse import quote, urlencode

from django.contrib.auth.models import AbstractUser
from django.contrib.sessions.base_session import AbstractBaseSession
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_otp.models import Device, ThrottlingMixin, TimestampMixin
from django_otp.oath import TOTP

from lantern.core.fields import EncryptedTextField
from lantern.core.roles import Role


class User(AbstractUser):  # type: ignore[django-manager-missing]  # django-otp's devices are untyped
    """A member of staff. Victims are never users; their data lives in the case registry."""

    preferred_language = models.CharField(max_length=8, blank=True, default="")
    # The work phone that a provider calls back on about a referral (beside the work e-mail); never a private one.
    work_phone = models.CharField(max_length=32, blank=True, default="")
    # Set when an administrator resets the account: the password is a temporary one, good until this moment and
    # only to choose a new one; the second factor is enrolled again too.
    temporary_password_until = models.DateTimeField(null=True, blank=True)

    class Meta:
        db_table = "core_user"


def _new_totp_secret() -> str:
    return secrets.token_hex(20)


class OrganisationType(models.TextChoices):
    # HTCDS 2.0 org_Type values
    NGO = "NGO", _("Non-governmental organisation")
    LAW_ENFORCEMENT = "LawEnforcement", _("Law enforcement")
    HEALTH_SERVICE = "HealthServiceOrganisation", _("Health service")
    CENTRAL_GOVERNMENT = "CentralGovernmentOrganisation", _("Central government")
    LOCAL_GOVERNMENT = "LocalGovernmentOrganisation", _("Local government")
    IMMIGRATION_SERVICE = "ImmigrationService", _("Immigration service")
    LEGAL_SERVICE = "LegalService", _("Legal service")
    CORPORATE_BUSINESS = "CorporateBusiness", _("Business")
    SCHOOL_OR_COLLEGE = "SchoolOrCollege", _("School or college")
    # Lantern's own additions
    SHELTER = "Shelter", _("Shelter")
    COURT = "Court", _("Court")
    PROSECUTION = "Prosecution", _("Prosecution service")
    MINISTRY = "Ministry", _("Ministry")
    LABOUR_INSPECTORATE = "LabourInspectorate", _("Labour inspectorate")
    HOTLINE = "Hotline", _("Hotline")
    # The body that takes the reasonable- and conclusive-grounds decisions of the national referral mechanism (OSCE
    # NRM handbook): one per country, designated by the national coordinator. A multi-agency panel is one such
    # organisation whose members come from several agencies (a user may belong to several organisations).
    COMPETENT_AUTHORITY = "CompetentAuthority", _("Competent authority (identification decisions)")


class Organisation(models.Model):
    name = models.CharField(max_length=200, unique=True)
    type = models.CharField(max_length=40, choices=OrganisationType.choices)
    country = models.CharField(max_length=2, help_text="ISO 3166-1 alpha-2")
    region = models.CharField(max_length=100, blank=True, default="")
    languages = models.JSONField(default=list, help_text="ISO 639-1 codes, most used first")
    is_lead_agency = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name"]
        constraints = [
            # One lead agency of the national response per country.
            models.UniqueConstraint(
                fields=["country"], condition=Q(is_lead_agency=True), name="one_lead_agency_per_country"
            ),
            models.CheckConstraint(condition=Q(country__regex=r"^[A-Z]{2}$"), name="organisation_country_iso2"),
            # One competent authority per country: a referral to "the" authority must name one body.
            models.UniqueConstraint(
                fields=["country"], condition=Q(type="CompetentAuthority"), name="one_competent_authority_per_country"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Membership(models.Model):
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="memberships")
    role = models.CharField(max_length=32, choices=Role.choices)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["organisation__name", "role"]
        constraints = [
            models.UniqueConstraint(fields=["user", "organisation", "role"], name="membership_unique_role"),
        ]

    def __str__(self) -> str:
        return f"{self.user.username} · {self.role} · {self.organisation.name}"


class ApiToken(models.Model):
    """A bearer token for integrations. Only its SHA-256 digest is stored; the token is shown once."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=100)
    prefix = models.CharField(max_length=12, help_text="The first characters, to recognise a token in lists")
    digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"


class AuditEvent(models.Model):
    """One row of the append-only, hash-chained audit trail.

    No foreign keys: the trail outlives the users and organisations it names, and a cascading update or delete
    would be refused by the database triggers that keep it append-only (on PostgreSQL). The hash covers every
    column below and the previous row's hash, so an edit, a removal or an insertion breaks the chain.
    """

    # Given by the chain (head.last_seq + 1 under the head row lock), never by a database sequence.
    seq = models.BigIntegerField(primary_key=True)
    at = models.DateTimeField()
    actor_id = models.BigIntegerField(null=True, blank=True)
    actor_label = models.CharField(max_length=150, blank=True, default="")
    organisation_id = models.BigIntegerField(null=True, blank=True)
    action = models.CharField(max_length=64)
    object_type = models.CharField(max_length=64, blank=True, default="")
    object_id = models.CharField(max_length=64, blank=True, default="")
    detail = models.JSONField(default=dict, blank=True)
    ip_address = models.CharField(max_length=45, blank=True, default="")
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)
    # The audit key (kept outside the database) whose HMAC `hash` is; "" only for rows from before the chain was keyed.
    key_id = models.CharField(max_length=32, blank=True, default="")

    class Meta:
        ordering = ["seq"]
        indexes = [
            models.Index(fields=["action", "at"]),
            models.Index(fields=["object_type", "object_id"]),
            models.Index(fields=["organisation_id", "at"]),
        ]

    def __str__(self) -> str:
        return f"#{self.seq} {self.action}"


class AuditHead(models.Model):
    """The single row that holds the end of the chain; appending locks it so the chain stays a line."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    last_seq = models.BigIntegerField(default=0)
    last_hash = models.CharField(max_length=64)

    class Meta:
        constraints = [models.CheckConstraint(condition=Q(id=1), name="audit_head_singleton")]

    def __str__(self) -> str:
        return f"audit head at #{self.last_seq}"


class BreakGlassGrant(models.Model):
    """Emergency access beyond a user's normal scope: reason required, time-limited, audited, supervisors told.

    Those who hold cases open it at once (`approved_at` is the moment they asked); anyone else's grant is a
    request that opens nothing until a supervisor of the record's organisation approves it, and then runs for
    `hours` from the approval."""

    user = models.ForeignKey(User, on_delete=models.PROTECT, related_name="break_glass_grants")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    object_type = models.CharField(max_length=64)
    object_id = models.CharField(max_length=64)
    # What people read for the record (a case's LT-... reference, an organisation's name), taken from the record
    # when the grant is made: core cannot import the apps whose records it opens. The internal id is never shown.
    object_label = models.CharField(max_length=200, blank=True, default="")
    # Where the record is read once the grant is open (empty when the record has no page).
    object_url = models.CharField(max_length=300, blank=True, default="")
    reason = EncryptedTextField()  # free text may name people
    created_at = models.DateTimeField(default=timezone.now)
    hours = models.PositiveSmallIntegerField(default=4)
    approved_at = models.DateTimeField(null=True, blank=True)
    approved_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    expires_at = models.DateTimeField()
    ended_at = models.DateTimeField(null=True, blank=True, help_text="ended early, or the request refused")

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["user", "object_type", "object_id"]),
            models.Index(fields=["user", "created_at"], name="break_glass_per_day"),
        ]

    def __str__(self) -> str:
        return f"break-glass #{self.pk} on {self.object_type} {self.object_id}"


class Alert(models.Model):
    """An in-app message to one member of staff. The text never carries personal data of victims."""

    class Kind(models.TextChoices):
        BREAK_GLASS = "break_glass", _("Break-glass access")
        SECURITY = "security", _("Security")
        INFO = "info", _("Information")

    recipient = models.ForeignKey(User, on_delete=models.CASCADE, related_name="alerts")
    kind = models.CharField(max_length=32, choices=Kind.choices)
    text = models.CharField(max_length=500)
    object_type = models.CharField(max_length=64, blank=True, default="")
    object_id = models.CharField(max_length=64, blank=True, default="")
    url = models.CharField(max_length=300, blank=True, default="", help_text="where the reader acts on it")
    # Something to act on at once (a removal order, a permit running out, a high risk, a decision): shown first
    # while unread.
    urgent = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["recipient", "read_at"])]

    def __str__(self) -> str:
        return f"alert #{self.pk} ({self.kind})"


class OutboxEvent(models.Model):
    """Something that happened, recorded with the change itself (lantern.core.outbox). Ids and codes only."""

    kind = models.CharField(max_length=64)
    payload = models.JSONField(default=dict)
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, null=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    dispatched_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["pk"]
        indexes = [models.Index(fields=["dispatched_at", "created_at"], name="outbox_undispatched")]

    def __str__(self) -> str:
        return f"event #{self.pk} ({self.kind})"


class OutboxConsumption(models.Model):
    """One consumer has run for one event: the unique pair makes a retried dispatch run each consumer once."""

    event = models.ForeignKey(OutboxEvent, on_delete=models.CASCADE, related_name="consumptions")
    consumer = models.CharField(max_length=100)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["event", "consumer"], name="outbox_consumed_once")]

    def __str__(self) -> str:
        return f"{self.consumer} on event #{self.event_id}"


class WorkerHeartbeat(models.Model):
    worker_id = models.CharField(max_length=64, unique=True)
    hostname = models.CharField(max_length=255)
    pid = models.IntegerField()
    started_at = models.DateTimeField()
    last_seen = models.DateTimeField()

    class Meta:
        ordering = ["-last_seen"]

    def __str__(self) -> str:
        return self.worker_id


class PeriodicRun(models.Model):
    """When a periodic job (lantern.core.periodic) was last queued."""

    name = models.CharField(max_length=100, unique=True)
    last_queued_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return self.name


# --- Accounts: second factors, sessions -----------------------------------------------------------------------


class TotpDevice(TimestampMixin, ThrottlingMixin, Device):
    """An authenticator app (TOTP, RFC 6238). Its secret is encrypted with the data keys, like personal data: a
    copy of the database alone does not give anyone the codes (django-otp's own TOTP model keeps it in clear).
    `lantern keys rotate` re-encrypts it with everything else."""

    secret = EncryptedTextField(default=_new_totp_secret)  # hex, 20 random bytes
    step: models.PositiveSmallIntegerField[int, int] = models.PositiveSmallIntegerField(default=30)
    t0: models.BigIntegerField[int, int] = models.BigIntegerField(default=0)
    digits: models.PositiveSmallIntegerField[int, int] = models.PositiveSmallIntegerField(default=6)
    tolerance: models.PositiveSmallIntegerField[int, int] = models.PositiveSmallIntegerField(default=1)
    drift: models.SmallIntegerField[int, int] = models.SmallIntegerField(default=0)
    # The time step of the last code accepted: a code is never accepted twice.
    last_t: models.BigIntegerField[int, int] = models.BigIntegerField(default=-1)

    class Meta(Device.Meta):
        verbose_name = "TOTP device"

    @property
    def bin_key(self) -> bytes:
        return unhexlify(self.secret.encode("ascii"))

    def verify_token(self, token: Any) -> bool:
        allowed, _ = self.verify_is_allowed()
        if not allowed:
            return False
        try:
            number = int(str(token).strip())
        except ValueError:
            number = None
        verified = False
        if number is not None:
            totp = TOTP(self.bin_key, self.step, self.t0, self.digits, self.drift)
            totp.time = time.time()
            verified = bool(totp.verify(number, self.tolerance, self.last_t + 1))
            if verified:
                self.last_t = totp.t()
                self.drift = totp.drift
                self.throttle_reset(commit=False)
                self.set_last_used_timestamp(commit=False)
                self.save()
        if not verified:
            self.throttle_increment(commit=True)
        return verified

    def get_throttle_factor(self) -> int:
        return 1

    @property
    def config_url(self) -> str:
        label = quote(f"Lantern:{self.user.get_username()}")
        query = urlencode(
            {
                "secret": b32encode(self.bin_key).decode("ascii"),
                "algorithm": "SHA1",
                "digits": self.digits,
                "period": self.step,
            }
        )
        return f"otpauth://totp/{label}?{query}&issuer=Lantern"


class RecoveryCodeDevice(ThrottlingMixin, Device):
    """One set of single-use recovery codes for someone who lost the phone with her authenticator. The codes are
    shown once, and only keyed digests of them are kept (lantern.core.accounts)."""

    class Meta(Device.Meta):
        verbose_name = "recovery codes"

    def verify_token(self, token: Any) -> bool:
        from lantern.core.accounts import recovery_code_use  # accounts imports this module

        allowed, _ = self.verify_is_allowed()
        if not allowed:
            return False
        if recovery_code_use(device=self, code=str(token)):
            self.throttle_reset()
            return True
        self.throttle_increment()
        return False

    def get_throttle_factor(self) -> int:
        return 1


class RecoveryCode(models.Model):
    device = models.ForeignKey(RecoveryCodeDevice, on_delete=models.CASCADE, related_name="codes")
    digest = models.CharField(max_length=64, unique=True)
    used_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"recovery code #{self.pk}"


class StaffSession(AbstractBaseSession):
    """A logged-in browser. The key in the cookie is never stored: the primary key is its SHA-256 digest, so a
    copy of the database (or of a backup) gives nobody a session to use (lantern.core.sessions)."""

    session_key = models.CharField(max_length=64, primary_key=True)
    user = models.ForeignKey(User, on_delete=models.CASCADE, null=True, blank=True, related_name="+")

    class Meta:
        db_table = "core_staff_session"

    @classmethod
    def get_session_store_class(cls) -> type:
        from lantern.core.sessions import SessionStore  # sessions imports this module

        return SessionStore

"""Who offers which service, where, in which languages and how; whether they are operating now; how much
capacity is left this week."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lantern.core.models import Organisation


class OperatingStatus(models.TextChoices):
    OPEN = "open", _("Open")
    REDUCED = "reduced", _("Reduced service")
    REMOTE_ONLY = "remote_only", _("Remote only")
    SUSPENDED = "suspended", _("Suspended")


class DeliveryMode(models.TextChoices):
    IN_PERSON = "in_person", _("In person")
    REMOTE = "remote", _("Remote")
    OUTREACH = "outreach", _("Outreach")


class Offering(models.Model):
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="offerings")
    service_type = models.CharField(max_length=40)
    regions = models.JSONField(default=list, help_text="regions served")
    languages = models.JSONField(default=list, help_text="ISO 639-1 codes the service is given in")
    interpreter_available = models.BooleanField(default=False)
    delivery_modes = models.JSONField(default=list)
    weekly_capacity = models.PositiveIntegerField(default=10)
    regardless_of_status = models.BooleanField(default=True, help_text="served whatever the immigration status")
    eligibility_note = models.CharField(max_length=300, blank=True, default="")
    hours = models.CharField(max_length=200, blank=True, default="")
    public_contact = models.CharField(max_length=200, blank=True, default="", help_text="shown on the public portal")
    is_public = models.BooleanField(default=False, help_text="listed on the public portal")
    # The language the entry's own words (name, hours, contact, note) are written in, and their translations for the
    # portal: language -> {"name", "hours", "public_contact", "eligibility_note"} (an empty or missing one falls
    # back to the original, which the portal marks with its language).
    text_language = models.CharField(max_length=8, default="en")
    translations = models.JSONField(default=dict, blank=True)
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField(default=timezone.now)
    # The coordinator's review of what the portal shows (PUBLIC_FIELDS): the portal shows the version last approved,
    # never one nobody has looked at. `reviewed` is what the coordinator last saw, approved or not; a change since
    # puts the entry back on the review list.
    approved_public = models.JSONField(null=True, blank=True, help_text="what the portal shows; none: not shown")
    approved_at = models.DateTimeField(null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reviewed_public = models.JSONField(null=True, blank=True)
    review_reason = models.CharField(max_length=300, blank=True, default="", help_text="why the last was rejected")

    class Meta:
        ordering = ["organisation__name", "service_type"]
        indexes = [models.Index(fields=["service_type", "active"])]

    def __str__(self) -> str:
        return f"{self.service_type} by {self.organisation_id}"

    def public_version(self) -> dict[str, Any]:
        """Everything the portal shows of this entry or finds it by, and a visitor could be misled by: who, what
        kind of help, where, in which languages, how, how to reach them, when, on what terms. The portal reads
        only the approved copy of this (`approved_public`), so a change to any of it waits for the coordinator."""
        version: dict[str, Any] = {
            "name": self.organisation.name,
            "service_type": self.service_type,
            "regions": sorted(self.regions),
            "languages": sorted(self.languages),
            "interpreter_available": self.interpreter_available,
            "delivery_modes": sorted(self.delivery_modes),
            "public_contact": self.public_contact,
            "hours": self.hours,
            "eligibility_note": self.eligibility_note,
        }
        # Added only when used, so that entries approved before translations existed stay approved as they are.
        if self.text_language != "en":
            version["text_language"] = self.text_language
        if self.translations:
            version["translations"] = self.translations
        return version

    @property
    def awaits_review(self) -> bool:
        return self.is_public and self.active and self.reviewed_public != self.public_version()

    @property
    def review_state(self) -> str:
        """For the provider's own pages: "" (nothing pending, or not public), "waiting" for the coordinator, or
        "rejected" (she looked at this very version and did not approve it)."""
        if not (self.is_public and self.active):
            return ""
        version = self.public_version()
        if version == self.approved_public:
            return ""
        return "rejected" if self.reviewed_public == version else "waiting"


class OfferingRegion(models.Model):
    """One region an offer serves: the index routing searches by (a JSON list cannot be indexed on SQLite)."""

    offering = models.ForeignKey(Offering, on_delete=models.CASCADE, related_name="served_regions")
    service_type = models.CharField(max_length=40)
    region = models.CharField(max_length=100)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["offering", "region"], name="offering_region_once")]
        indexes = [models.Index(fields=["service_type", "region"])]

    def __str__(self) -> str:
        return self.region


class StatusChange(models.Model):
    """The history of an organisation's operating status and of its staff off sick or reassigned."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="status_changes")
    status = models.CharField(max_length=16, choices=OperatingStatus.choices)
    staff_absence_percent = models.PositiveSmallIntegerField(default=0)
    reason = models.CharField(max_length=200, blank=True, default="")
    valid_from = models.DateTimeField(default=timezone.now)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True)

    class Meta:
        ordering = ["-valid_from", "-pk"]
        indexes = [models.Index(fields=["organisation", "-valid_from"])]
        constraints = [
            models.CheckConstraint(condition=Q(staff_absence_percent__lte=100), name="absence_at_most_all_staff")
        ]

    def __str__(self) -> str:
        return f"{self.status} from {self.valid_from:%Y-%m-%d}"


class ProviderState(models.Model):
    """The current state of an organisation as a provider: the latest status change, kept beside the history so
    that routing reads one row per organisation."""

    organisation = models.OneToOneField(Organisation, on_delete=models.CASCADE, related_name="provider_state")
    status = models.CharField(max_length=16, choices=OperatingStatus.choices, default=OperatingStatus.OPEN)
    staff_absence_percent = models.PositiveSmallIntegerField(default=0)
    since = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return self.status

    def capacity_factor(self) -> float:
        """What share of the nominal capacity is there: staff absence reduces it, a reduced service halves it."""
        if self.status == OperatingStatus.SUSPENDED:
            return 0.0
        factor = 1 - self.staff_absence_percent / 100
        return factor / 2 if self.status == OperatingStatus.REDUCED else factor


class CapacityWeek(models.Model):
    """How many referrals an offer has accepted in one week (Monday). Accepting increments `used` only while it is
    below the week's capacity, in one UPDATE: two people accepting the last place at once cannot both get it."""

    offering = models.ForeignKey(Offering, on_delete=models.CASCADE, related_name="weeks")
    week_start = models.DateField()
    used = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["offering", "week_start"], name="one_row_per_week")]

    def __str__(self) -> str:
        return f"{self.used} used in week of {self.week_start}"

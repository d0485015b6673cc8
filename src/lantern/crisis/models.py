"""Crises, the public measures taken against them, and the minimum service package a crisis guarantees."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class CrisisKind(models.TextChoices):
    PANDEMIC = "pandemic", _("Pandemic or epidemic")
    CONFLICT = "conflict", _("Armed conflict")
    DISASTER = "disaster", _("Natural disaster")
    ECONOMIC = "economic", _("Economic crisis")
    OTHER = "other", _("Other emergency")


class MeasureKind(models.TextChoices):
    LOCKDOWN = "lockdown", _("Lockdown")
    CURFEW = "curfew", _("Curfew")
    MOVEMENT_RESTRICTION = "movement_restriction", _("Movement restriction")
    BORDER_CLOSURE = "border_closure", _("Border closure")
    COURT_SUSPENSION = "court_suspension", _("Court suspension")
    SCHOOL_CLOSURE = "school_closure", _("School closure")
    BUSINESS_CLOSURE = "business_closure", _("Business closure")
    SHELTER_INTAKE_FREEZE = "shelter_intake_freeze", _("Shelter intake freeze")
    # The offices that issue and renew residence permits are closed: foreign victims' permits run out unrenewed.
    PERMIT_OFFICES_CLOSED = "permit_offices_closed", _("Residence permit offices closed")


# Measures under which people cannot easily go somewhere: services that can be delivered remotely come first.
MOVEMENT_MEASURES = frozenset({MeasureKind.LOCKDOWN, MeasureKind.CURFEW, MeasureKind.MOVEMENT_RESTRICTION})


class CrisisEvent(models.Model):
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=20, choices=CrisisKind.choices)
    country = models.CharField(max_length=2)
    regions = models.JSONField(default=list, blank=True, help_text="empty: the whole country")
    starts_on = models.DateField()
    ends_on = models.DateField(null=True, blank=True)
    declared_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True)
    declared_at = models.DateTimeField(default=timezone.now)
    # The quarantine protocol: days a newly admitted shelter resident spends in the quarantine wing (0: none).
    quarantine_days = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["-starts_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=F("starts_on")), name="crisis_ends_after_it_starts"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Measure(models.Model):
    crisis = models.ForeignKey(CrisisEvent, on_delete=models.PROTECT, related_name="measures")
    kind = models.CharField(max_length=24, choices=MeasureKind.choices)
    regions = models.JSONField(default=list, blank=True, help_text="empty: everywhere the crisis covers")
    starts_on = models.DateField()
    ends_on = models.DateField(null=True, blank=True)
    note = models.CharField(max_length=300, blank=True, default="")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["starts_on", "pk"]
        indexes = [models.Index(fields=["kind", "starts_on", "ends_on"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=F("starts_on")), name="measure_ends_after_it_starts"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.starts_on})"

    def covers(self, region: str) -> bool:
        regions = self.regions or self.crisis.regions
        return not regions or not region or region in regions


class PackageItem(models.Model):
    """One service of the minimum package every open case must be offered while a crisis lasts."""

    service_type = models.CharField(max_length=40, unique=True)
    deadline_days = models.PositiveSmallIntegerField(help_text="days from identification (or from the crisis start)")
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["deadline_days", "service_type"]

    def __str__(self) -> str:
        return f"{self.service_type} within {self.deadline_days} days"

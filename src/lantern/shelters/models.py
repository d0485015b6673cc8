"""Rooms and beds of shelters, stays (admission to discharge), the beds a stay occupies over time, quarantine steps,
planned repatriations and the waiting list."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from lantern.cases.models import Case
from lantern.core.models import Organisation


class Wing(models.TextChoices):
    REGULAR = "regular", _("Regular")
    QUARANTINE = "quarantine", _("Quarantine")


class Restriction(models.TextChoices):
    WOMEN = "women", _("Women only")
    MEN = "men", _("Men only")
    CHILDREN = "children", _("Children")
    FAMILIES = "families", _("Families")
    MIXED = "mixed", _("Anyone")


class AgeGroup(models.TextChoices):
    """Who a room is for by age: a child is never placed in a room for adults, nor an adult in a children's room."""

    ADULTS = "adults", _("Adults")
    CHILDREN = "children", _("Children")
    FAMILIES = "families", _("Families with their children")


class Room(models.Model):
    shelter = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="rooms")
    name = models.CharField(max_length=60)
    wing = models.CharField(max_length=12, choices=Wing.choices, default=Wing.REGULAR)
    restriction = models.CharField(max_length=12, choices=Restriction.choices, default=Restriction.MIXED)
    age_group = models.CharField(max_length=10, choices=AgeGroup.choices, default=AgeGroup.ADULTS)
    accessible = models.BooleanField(default=False)

    class Meta:
        ordering = ["shelter_id", "wing", "name"]
        constraints = [models.UniqueConstraint(fields=["shelter", "name"], name="room_name_once")]

    def __str__(self) -> str:
        return self.name


class Bed(models.Model):
    room = models.ForeignKey(Room, on_delete=models.PROTECT, related_name="beds")
    label = models.CharField(max_length=20)
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["room_id", "label"]
        constraints = [models.UniqueConstraint(fields=["room", "label"], name="bed_label_once")]

    def __str__(self) -> str:
        return self.label


class Destination(models.TextChoices):
    INDEPENDENT = "independent", _("Independent living")
    OTHER_SHELTER = "other_shelter", _("Another shelter")
    FAMILY = "family", pgettext_lazy("discharge destination", "Family")
    RETURN = "return", _("Return to the country of origin")
    LEFT = "left", _("Left without notice")


class Stay(models.Model):
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="stays")
    shelter = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="stays")
    referral_id = models.BigIntegerField(null=True, blank=True)
    admitted_at = models.DateTimeField(default=timezone.now)
    quarantine_until = models.DateField(null=True, blank=True)
    discharged_at = models.DateTimeField(null=True, blank=True)
    destination = models.CharField(max_length=16, choices=Destination.choices, blank=True, default="")
    admitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True)

    class Meta:
        ordering = ["-admitted_at"]
        indexes = [models.Index(fields=["shelter", "discharged_at"])]
        constraints = [
            # Nobody is in two shelters at once.
            models.UniqueConstraint(fields=["case"], condition=Q(discharged_at__isnull=True), name="one_open_stay"),
        ]

    def __str__(self) -> str:
        return f"stay #{self.pk}"


class BedAssignment(models.Model):
    """Which bed a stay occupies, from when until when. The database allows one open assignment per bed: two
    admissions racing for the same bed cannot both insert theirs."""

    stay = models.ForeignKey(Stay, on_delete=models.CASCADE, related_name="assignments")
    bed = models.ForeignKey(Bed, on_delete=models.PROTECT, related_name="assignments")
    wing = models.CharField(max_length=12, choices=Wing.choices)
    since = models.DateTimeField(default=timezone.now)
    until = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["since"]
        constraints = [
            models.UniqueConstraint(fields=["bed"], condition=Q(until__isnull=True), name="one_occupant_per_bed"),
            models.UniqueConstraint(fields=["stay"], condition=Q(until__isnull=True), name="one_bed_per_stay"),
        ]

    def __str__(self) -> str:
        return f"bed {self.bed_id} for stay {self.stay_id}"


class QuarantineStep(models.Model):
    class Kind(models.TextChoices):
        TEST = "test", _("Test")
        ISOLATION_START = "isolation_start", _("Isolation started")
        ISOLATION_END = "isolation_end", _("Isolation ended")

    class Result(models.TextChoices):
        NEGATIVE = "negative", _("Negative")
        POSITIVE = "positive", _("Positive")
        NONE = "", _("—")

    stay = models.ForeignKey(Stay, on_delete=models.CASCADE, related_name="quarantine_steps")
    kind = models.CharField(max_length=16, choices=Kind.choices)
    result = models.CharField(max_length=10, choices=Result.choices, blank=True, default="")
    at = models.DateTimeField(default=timezone.now)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True)

    class Meta:
        ordering = ["at"]

    def __str__(self) -> str:
        return self.kind


class WaitingEntry(models.Model):
    """Someone who needs a bed when none is free: the shelter sees who waits, and since when."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="bed_waits")
    region = models.CharField(max_length=100)
    restriction = models.CharField(max_length=12, choices=Restriction.choices)
    since = models.DateTimeField(default=timezone.now)
    resolved_at = models.DateTimeField(null=True, blank=True)
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True)

    class Meta:
        ordering = ["since"]
        constraints = [
            models.UniqueConstraint(fields=["case"], condition=Q(resolved_at__isnull=True), name="one_open_wait")
        ]

    def __str__(self) -> str:
        return f"waiting since {self.since:%Y-%m-%d}"

"""Preparedness: checklist versions, assessments of a country's plan against them, the level of each item with its
evidence and history, the plan of action, and the roles of each organisation in the phases of a crisis. Nothing
here holds personal data of victims: texts are about organisations and plans."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from lantern.core.models import Organisation


class ChecklistVersion(models.Model):
    """A checklist as used by assessments: the built-in file (country blank) or a country's adapted copy. Kept as
    the TOML text it was loaded from, so an assessment always shows the wording it was made against."""

    country = models.CharField(max_length=2, blank=True, default="")
    version = models.CharField(max_length=40)
    source = models.TextField()
    loaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    loaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-loaded_at"]
        constraints = [models.UniqueConstraint(fields=["country", "version"], name="prep_checklist_once")]

    def __str__(self) -> str:
        return f"{self.country or 'built-in'} {self.version}"


class AssessmentStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", pgettext_lazy("preparedness", "Submitted")


class Assessment(models.Model):
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")  # who runs it
    country = models.CharField(max_length=2)
    region = models.CharField(max_length=100, blank=True, default="")
    assessed_on = models.DateField()
    title = models.CharField(max_length=200)
    checklist = models.ForeignKey(ChecklistVersion, on_delete=models.PROTECT, related_name="assessments")
    contributors = models.ManyToManyField(Organisation, blank=True, related_name="+")
    status = models.CharField(max_length=10, choices=AssessmentStatus.choices, default=AssessmentStatus.DRAFT)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    submitted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-assessed_on", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(country__regex=r"^[A-Z]{2}$"), name="prep_assessment_country_iso2"),
            models.CheckConstraint(
                condition=Q(status="draft", submitted_at__isnull=True)
                | Q(status="submitted", submitted_at__isnull=False),
                name="prep_submitted_has_time",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def frozen(self) -> bool:
        return self.status == AssessmentStatus.SUBMITTED


class LanternDecision(models.TextChoices):
    NONE = "", _("Not yet decided")
    ACCEPTED = "accepted", _("Accepted")
    OVERRIDDEN = "overridden", _("Overridden")


class ItemAnswer(models.Model):
    """One checklist item in one assessment: its level, the evidence, who owns it, and what Lantern itself found."""

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="answers")
    item_id = models.CharField(max_length=20)
    level = models.PositiveSmallIntegerField(default=0)
    weight = models.PositiveSmallIntegerField(default=1)  # from the checklist, editable when ranking gaps
    evidence = models.TextField(blank=True, default="")
    link = models.URLField(max_length=500, blank=True, default="")
    owner = models.ForeignKey(Organisation, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    comment = models.TextField(blank=True, default="")
    # What Lantern held when the assessment was opened (text and figures; no personal data), and the level it
    # suggests; the assessor accepts it or overrides it with a reason.
    lantern_figures = models.JSONField(default=dict, blank=True)
    lantern_level = models.PositiveSmallIntegerField(null=True, blank=True)
    lantern_decision = models.CharField(max_length=10, choices=LanternDecision.choices, blank=True, default="")
    override_reason = models.TextField(blank=True, default="")
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["assessment", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["assessment", "item_id"], name="prep_item_once"),
            models.CheckConstraint(condition=Q(level__lte=5), name="prep_level_0_to_5"),
            models.CheckConstraint(condition=Q(weight__gte=1, weight__lte=3), name="prep_weight_1_to_3"),
            models.CheckConstraint(
                condition=~Q(lantern_decision="overridden") | ~Q(override_reason=""), name="prep_override_has_reason"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.item_id} in assessment #{self.assessment_id}"


class ItemChange(models.Model):
    """The history of an item in an assessment: who changed which fields, from what to what."""

    answer = models.ForeignKey(ItemAnswer, on_delete=models.CASCADE, related_name="changes")
    changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    changed_at = models.DateTimeField(default=timezone.now)
    changes = models.JSONField(default=dict)  # field -> [before, after]

    class Meta:
        ordering = ["-changed_at", "-pk"]

    def __str__(self) -> str:
        return f"change #{self.pk} of item answer #{self.answer_id}"


class ActionStatus(models.TextChoices):
    OPEN = "open", _("Open")
    IN_PROGRESS = "in_progress", _("In progress")
    DONE = "done", _("Done")
    DROPPED = "dropped", _("Dropped")


class PlanAction(models.Model):
    """A step of the plan of action that closes a gap of an assessment."""

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="actions")
    item_id = models.CharField(max_length=20)
    title = models.CharField(max_length=300)
    owner = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    due_on = models.DateField()
    status = models.CharField(max_length=12, choices=ActionStatus.choices, default=ActionStatus.OPEN)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    overdue_alerted_at = models.DateTimeField(null=True, blank=True)  # owners are told once

    class Meta:
        ordering = ["due_on", "pk"]
        indexes = [models.Index(fields=["status", "due_on"])]

    def __str__(self) -> str:
        return self.title

    @property
    def overdue(self) -> bool:
        return self.status in (ActionStatus.OPEN, ActionStatus.IN_PROGRESS) and self.due_on < timezone.localdate()


class Phase(models.TextChoices):
    BEFORE = "before", _("Before a crisis")
    DECLARED = "declared", _("Crisis declared")
    LIFTED = "lifted", _("Crisis lifted")


class CrisisRole(models.Model):
    """What one organisation does in one phase of a crisis, and the contingency SOP text it follows."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    phase = models.CharField(max_length=10, choices=Phase.choices)
    duty = models.TextField()
    sop = models.TextField(blank=True, default="")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    updated_at = models.DateTimeField(default=timezone.now)
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["phase", "organisation__name"]
        constraints = [models.UniqueConstraint(fields=["organisation", "phase"], name="prep_role_once_per_phase")]

    def __str__(self) -> str:
        return f"{self.organisation_id} {self.phase}"

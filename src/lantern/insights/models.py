"""The summary tables the dashboards read: one row per indicator, month, region, organisation and disaggregation
cell, with its numerator and denominator; and, per indicator, the checkpoint of how far its refresh got. Then the
datasets that statistics are published from, their privacy budget, and the releases made from them.

The rows are written only by `lantern.insights.refresh`; nothing here holds personal data (counts and sums only).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lantern.core.models import Organisation


class IndicatorValue(models.Model):
    """One cell of an indicator in the DHIS2 manner: indicator x period x region x organisation x disaggregation.
    A count has only a numerator; a share or an average has a denominator too (value = numerator / denominator)."""

    indicator = models.CharField(max_length=40)
    # "cell": one cell of every disaggregation; "total": summed over them; a disaggregation's name: summed over the
    # others. Dashboards read the small margins, the full cells stay for cross-tabulations.
    grain = models.CharField(max_length=12, default="total")
    period = models.DateField(help_text="first day of the month")
    region = models.CharField(max_length=100, blank=True, default="")
    # The organisation the cell belongs to (the case's, the sender's, the shelter, the provider): what a
    # supervisor's dashboard is limited to. Empty for cells that belong to no one organisation.
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, null=True, related_name="+")
    sex = models.CharField(max_length=24, blank=True, default="")
    age_band = models.CharField(max_length=8, blank=True, default="")
    form = models.CharField(max_length=40, blank=True, default="", help_text="form of exploitation, or Multiple")
    border = models.CharField(max_length=12, blank=True, default="", help_text="domestic or cross_border")
    platform = models.CharField(max_length=40, blank=True, default="", help_text="online recruitment platform")
    numerator = models.FloatField()
    denominator = models.FloatField(null=True, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["indicator", "grain", "period"], name="indicator_grain_period"),
            models.Index(fields=["indicator", "grain", "organisation", "period"], name="indicator_grain_org_period"),
        ]
        constraints = [
            models.CheckConstraint(condition=models.Q(numerator__gte=0), name="indicator_numerator_not_negative"),
            models.CheckConstraint(
                condition=models.Q(denominator__isnull=True) | models.Q(denominator__gte=0),
                name="indicator_denominator_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.indicator} {self.period:%Y-%m}"


class RefreshCheckpoint(models.Model):
    """How far the refresh of one indicator got: the data it read was complete up to `data_until`; the next
    refresh recomputes only the periods whose source rows changed after it (and the open periods)."""

    indicator = models.CharField(max_length=40, unique=True)
    data_until = models.DateTimeField()
    # The highest id of each source table then: rows added since with dates in the past (a bulk import) are new.
    high_ids = models.JSONField(default=dict, blank=True)
    first_period = models.DateField(null=True, blank=True)
    last_period = models.DateField(null=True, blank=True)
    periods_recomputed = models.PositiveIntegerField(default=0, help_text="in the last refresh")
    rows = models.PositiveIntegerField(default=0)
    duration_ms = models.PositiveIntegerField(default=0)
    refreshed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["indicator"]

    def __str__(self) -> str:
        return f"{self.indicator} up to {self.data_until:%Y-%m-%d %H:%M}"


# --- Privacy-safe publication: datasets, their privacy budget, and the releases made from them -----------------


class PublicationDataset(models.Model):
    """A dataset statistics are published from, and its differential-privacy budget. Lantern's own data is one
    dataset ("lantern:ctdc"); an uploaded file is known by the SHA-256 of its content, or by the name it is given
    so that revised versions of the same records share one budget."""

    key = models.CharField(max_length=100, unique=True)
    label = models.CharField(max_length=200)
    budget = models.FloatField(help_text="total epsilon that the releases of this dataset may spend")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["label", "pk"]
        constraints = [models.CheckConstraint(condition=Q(budget__gt=0), name="publication_budget_positive")]

    def __str__(self) -> str:
        return self.label


class PublicationMode(models.TextChoices):
    K_THRESHOLD = "k", _("Small-cell suppression (k threshold)")
    DIFFERENTIAL_PRIVACY = "dp", _("Differential privacy")


class PublicationRelease(models.Model):
    """One published table: the ledger entry of the privacy it spent and the release itself, written together."""

    dataset = models.ForeignKey(PublicationDataset, on_delete=models.PROTECT, related_name="releases")
    mode = models.CharField(max_length=2, choices=PublicationMode.choices)
    k = models.PositiveSmallIntegerField(null=True, blank=True)
    epsilon = models.FloatField(null=True, blank=True)
    dimensions = models.JSONField(default=list)
    records = models.PositiveIntegerField()
    cells = models.PositiveIntegerField()
    suppressed = models.PositiveIntegerField(default=0)
    table_csv = models.TextField()
    note = models.TextField()
    chart_svg = models.TextField(blank=True)
    chart_data = models.JSONField(default=list)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(mode="k", k__gte=2, epsilon__isnull=True) | Q(mode="dp", epsilon__gt=0, k__isnull=True)),
                name="publication_release_mode_parameters",
            )
        ]

    def __str__(self) -> str:
        return f"release #{self.pk}"


class PublicationPolicy(models.Model):
    """What the national coordinator requires of every publication: the smallest k anyone may publish with (an
    analyst alone cannot lower it). One row; without it the default applies (lantern.insights.publication)."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    minimum_k = models.PositiveSmallIntegerField(default=11)
    updated_at = models.DateTimeField(default=timezone.now)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(id=1), name="publication_policy_singleton"),
            models.CheckConstraint(condition=Q(minimum_k__gte=2, minimum_k__lte=100), name="publication_minimum_k"),
        ]

    def __str__(self) -> str:
        return f"minimum k = {self.minimum_k}"

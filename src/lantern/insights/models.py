"""The summary tables the dashboards read: one row per indicator, month, region, organisation and disaggregation
cell, with its numerator and denominator; and, per indicator, the checkpoint of how far its refresh got.

The rows are written only by `lantern.insights.refresh`; nothing here holds personal data (counts and sums only).
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone

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
    child = models.CharField(max_length=16, blank=True, default="", help_text="child, presumed_child or adult")
    disability = models.CharField(max_length=12, blank=True, default="", help_text="disability, none or not_asked")
    at_risk = models.CharField(max_length=40, blank=True, default="", help_text="at-risk group, multiple, none...")
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

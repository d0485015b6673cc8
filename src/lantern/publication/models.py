"""The datasets that statistics are published from, their privacy budget, the releases made from them, and the
coordinator's publication policy.

These tables were created by the insights app and keep their names (`db_table`): decision 0011.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext, gettext_noop
from django.utils.translation import gettext_lazy as _

# Lantern's own data in the privacy ledger: its key and its label are stored as they are, in English, whoever
# publishes and in whatever language; pages show the label translated (dataset_name).
LANTERN_DATASET = "lantern:ctdc"
LANTERN_DATASET_LABEL = gettext_noop("Lantern (cases consented to statistics)")


def dataset_name(key: str, label: str) -> str:
    """A dataset's name as a page shows it: Lantern's own in the reader's language, an uploaded file's as the
    person who published it named it."""
    return gettext(LANTERN_DATASET_LABEL) if key == LANTERN_DATASET else label


class PublicationDataset(models.Model):
    """A dataset statistics are published from, and its differential-privacy budget. Lantern's own data is one
    dataset ("lantern:ctdc"); an uploaded file is known by the SHA-256 of its content, or by the name it is given
    so that revised versions of the same records share one budget."""

    key = models.CharField(max_length=100, unique=True)
    label = models.CharField(max_length=200)
    budget = models.FloatField(help_text="total epsilon that the releases of this dataset may spend")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        db_table = "insights_publicationdataset"
        ordering = ["label", "pk"]
        constraints = [models.CheckConstraint(condition=Q(budget__gt=0), name="publication_budget_positive")]

    def __str__(self) -> str:
        return self.label

    @property
    def name(self) -> str:
        return dataset_name(self.key, self.label)


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
    note = models.TextField()  # in English: the API and the archive keep this one
    # The note's fixed text in each other staff language, written with the release (language -> Markdown); a
    # release older than these shows its English note, saying so.
    notes = models.JSONField(default=dict, blank=True)
    chart_svg = models.TextField(blank=True)
    chart_data = models.JSONField(default=list)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        db_table = "insights_publicationrelease"
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
    analyst alone cannot lower it). One row; without it the default applies (lantern.publication.services)."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    minimum_k = models.PositiveSmallIntegerField(default=11)
    updated_at = models.DateTimeField(default=timezone.now)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        db_table = "insights_publicationpolicy"
        constraints = [
            models.CheckConstraint(condition=Q(id=1), name="publication_policy_singleton"),
            models.CheckConstraint(condition=Q(minimum_k__gte=2, minimum_k__lte=100), name="publication_minimum_k"),
        ]

    def __str__(self) -> str:
        return f"minimum k = {self.minimum_k}"

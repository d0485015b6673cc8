"""What the coordinator holds: the organisations' encodings (record ids and bit vectors, never a name) and the
results of linking them."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from lantern.core.models import Organisation


class EncodingSet(models.Model):
    """One organisation's encodings as uploaded by the coordinator. A newer upload for the same organisation
    replaces it in the next run."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True)
    uploaded_at = models.DateTimeField(default=timezone.now)
    record_count = models.PositiveIntegerField()
    fingerprint = models.CharField(max_length=16, help_text="of the shared secret; not the secret")
    record_ids = models.TextField(help_text="pseudonymous record ids, one a line")
    bits = models.BinaryField(help_text="packed bit vectors, 128 bytes a record, in the order of record_ids")

    class Meta:
        constraints = [models.CheckConstraint(condition=models.Q(record_count__gte=1), name="linkage_set_not_empty")]
        indexes = [models.Index(fields=["organisation", "-uploaded_at"])]

    def __str__(self) -> str:
        return f"encodings #{self.pk} of organisation {self.organisation_id}"


class LinkageRun(models.Model):
    """A linkage of the latest encodings of every organisation: the estimate the coordinator sees."""

    class ThresholdHow(models.TextChoices):
        EM = "em", "em"
        GIVEN = "given", "given"

    run_at = models.DateTimeField(default=timezone.now)
    run_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True)
    encoding_sets = models.ManyToManyField(EncodingSet, related_name="runs")
    records = models.PositiveIntegerField()
    distinct = models.PositiveIntegerField()
    distinct_low = models.PositiveIntegerField()
    distinct_high = models.PositiveIntegerField()
    threshold = models.FloatField()
    threshold_how = models.CharField(max_length=8, choices=ThresholdHow.choices)
    # How many records of each organisation fell into clusters with another organisation: {organisation id: n}
    shared_by_organisation = models.JSONField(default=dict)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(distinct_low__lte=models.F("distinct"))
                & models.Q(distinct__lte=models.F("distinct_high"))
                & models.Q(distinct__lte=models.F("records")),
                name="linkage_run_interval_holds",
            )
        ]

    def __str__(self) -> str:
        return f"linkage run #{self.pk}"

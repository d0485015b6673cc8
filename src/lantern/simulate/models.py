"""A run of the simulator queued for the worker: too long for a page request. It holds the scenarios as typed
(TOML; capacity and policy figures, never a person), its progress, and its results once done."""

from __future__ import annotations

from django.db import models
from django.db.models import F, Q
from django.utils import timezone

from lantern.core.models import User


class RunStatus(models.TextChoices):
    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"


class SimulationRun(models.Model):
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    scenario = models.TextField(help_text="scenario A, TOML")
    compare = models.TextField(blank=True, default="", help_text="scenario B, TOML (empty: none)")
    status = models.CharField(max_length=8, choices=RunStatus.choices, default=RunStatus.QUEUED)
    replications_done = models.PositiveIntegerField(default=0)
    replications_total = models.PositiveIntegerField()
    result = models.JSONField(null=True, blank=True)
    error = models.CharField(max_length=300, blank=True, default="")
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["created_by", "-created_at"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(replications_done__lte=F("replications_total")), name="simulation_run_progress_in_range"
            ),
            models.CheckConstraint(
                condition=Q(status="done", result__isnull=False) | ~Q(status="done"),
                name="simulation_run_done_has_result",
            ),
        ]

    def __str__(self) -> str:
        return f"simulation run {self.pk} ({self.status})"

    @property
    def percent(self) -> int:
        return round(100 * self.replications_done / self.replications_total) if self.replications_total else 0

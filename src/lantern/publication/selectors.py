"""Reads of the publication ledger, for the people allowed to publish (national: every dataset and release)."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.db.models import Count, Q, QuerySet, Sum
from django.http import Http404

from lantern.core.models import User
from lantern.core.permissions import require
from lantern.publication.models import (
    LANTERN_DATASET,
    LANTERN_DATASET_LABEL,
    PublicationDataset,
    PublicationMode,
    PublicationPolicy,
    PublicationRelease,
    dataset_name,
)
from lantern.publication.permissions import PublicationAction


@dataclass(frozen=True)
class Budget:
    key: str
    label: str
    budget: float
    spent: float
    releases: int

    @property
    def name(self) -> str:
        return dataset_name(self.key, self.label)

    @property
    def left(self) -> float:
        return max(self.budget - self.spent, 0.0)


def budgets(user: User) -> list[Budget]:
    """Every dataset with its privacy budget, what its releases spent and what is left (Lantern's own first)."""
    require(user, PublicationAction.PUBLISH)
    rows = PublicationDataset.objects.annotate(
        spent=Sum("releases__epsilon", filter=Q(releases__mode=PublicationMode.DIFFERENTIAL_PRIVACY)),
        release_count=Count("releases"),
    ).order_by("label", "pk")
    result = [Budget(d.key, d.label, d.budget, float(d.spent or 0), d.release_count) for d in rows]
    if not any(b.key == LANTERN_DATASET for b in result):
        result.insert(0, Budget(LANTERN_DATASET, LANTERN_DATASET_LABEL, settings.LANTERN_DP_BUDGET, 0.0, 0))
    result.sort(key=lambda b: (b.key != LANTERN_DATASET, b.label))
    return result


def releases_visible_to(user: User) -> QuerySet[PublicationRelease]:
    require(user, PublicationAction.PUBLISH)
    return (
        PublicationRelease.objects.select_related("dataset")
        .defer("table_csv", "chart_svg")
        .order_by("-created_at", "-pk")
    )


def release_get_for_user(user: User, release_id: int) -> PublicationRelease:
    require(user, PublicationAction.PUBLISH)
    release = PublicationRelease.objects.select_related("dataset").filter(pk=release_id).first()
    if release is None:
        raise Http404
    return release


def policy_get() -> PublicationPolicy | None:
    """The coordinator's publication policy (the minimum k), or None until she first sets it."""
    return PublicationPolicy.objects.filter(id=1).first()

"""What other modules ask crisis mode: which crises and measures are in force, where, on a given day.
Justice postpones hearings on a court suspension, shelters block repatriations on a border closure, routing puts
remote services first under a lockdown, the portal shows crisis messages: all of them through these functions."""

from __future__ import annotations

from datetime import date

from django.db.models import Q, QuerySet
from django.utils import timezone

from lantern.crisis.models import MOVEMENT_MEASURES, CrisisEvent, Measure, MeasureKind, PackageItem


def _in_force(on: date) -> Q:
    return Q(starts_on__lte=on) & (Q(ends_on__isnull=True) | Q(ends_on__gte=on))


def active_crises(*, on: date | None = None) -> QuerySet[CrisisEvent]:
    on = on or timezone.localdate()
    return CrisisEvent.objects.filter(_in_force(on)).order_by("starts_on")


def crisis_list(*, active: bool = False) -> QuerySet[CrisisEvent]:
    """Every crisis, newest first, or those in force, oldest first; with their measures (a page at a time)."""
    crises = (
        active_crises().order_by("starts_on", "pk") if active else CrisisEvent.objects.order_by("-starts_on", "-pk")
    )
    return crises.prefetch_related("measures")


def past_crises(*, limit: int = 20) -> QuerySet[CrisisEvent]:
    return CrisisEvent.objects.filter(ends_on__lt=timezone.localdate()).order_by("-starts_on")[:limit]


def crisis_get(crisis_id: int) -> CrisisEvent | None:
    return CrisisEvent.objects.filter(pk=crisis_id).first()


def measure_get(measure_id: int) -> Measure | None:
    return Measure.objects.filter(pk=measure_id).first()


def active_measures(*, on: date | None = None, region: str = "", kind: str = "") -> list[Measure]:
    """Measures in force on a day (of crises in force), optionally only those covering a region or of one kind."""
    on = on or timezone.localdate()
    measures = (
        Measure.objects.select_related("crisis")
        .filter(_in_force(on))
        .filter(Q(crisis__ends_on__isnull=True) | Q(crisis__ends_on__gte=on), crisis__starts_on__lte=on)
    )
    if kind:
        measures = measures.filter(kind=kind)
    return [m for m in measures.order_by("starts_on", "pk") if m.covers(region)]


def measure_in_force(kind: str, *, region: str = "", on: date | None = None) -> bool:
    return bool(active_measures(on=on, region=region, kind=kind))


def permit_offices_closed(country: str, on: date) -> bool:
    """Whether a measure in force closes the offices that renew residence permits in this country (the case
    registry asks, through lantern.cases.residence.OFFICES_CLOSED, to alert earlier)."""
    return any(m.crisis.country == country for m in active_measures(on=on, kind=MeasureKind.PERMIT_OFFICES_CLOSED))


def movement_restricted(*, region: str = "", on: date | None = None) -> bool:
    return any(m.kind in MOVEMENT_MEASURES for m in active_measures(on=on, region=region))


def crisis_mode(*, on: date | None = None) -> bool:
    return active_crises(on=on).exists()


def minimum_package() -> list[PackageItem]:
    return list(PackageItem.objects.filter(active=True).order_by("deadline_days", "service_type"))


def crisis_regions() -> list[tuple[str, str]]:
    """(country, region) of every crisis area and measure: what the region pickers offer (core.regions)."""
    pairs: set[tuple[str, str]] = set()
    for country, names in CrisisEvent.objects.values_list("country", "regions"):
        pairs.update((country, str(name)) for name in names or [])
    for country, names in Measure.objects.values_list("crisis__country", "regions"):
        pairs.update((country, str(name)) for name in names or [])
    return sorted(pairs)


def border_closure_in(country: str, on: date) -> tuple[date, str] | None:
    """A border closure in force in `country` on that day (when it started, its words), for a return planned there
    (cases.returns)."""
    for measure in active_measures(on=on, kind=MeasureKind.BORDER_CLOSURE):
        if measure.crisis.country == country:
            return measure.starts_on, measure.note or str(measure.get_kind_display())
    return None

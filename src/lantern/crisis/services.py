"""Declaring and ending crises and measures, and setting the minimum service package. National coordinator only;
everything is kept as history and audited."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from lantern.cases.codes import SERVICE_TYPES
from lantern.core import codes, listing, outbox
from lantern.core.audit import audit_record
from lantern.core.models import User
from lantern.core.permissions import require
from lantern.core.pickers import refused_codes
from lantern.crisis.models import CrisisEvent, CrisisKind, Measure, MeasureKind, PackageItem
from lantern.crisis.permissions import CrisisAction


def _regions(regions: list[str]) -> list[str]:
    cleaned = list(dict.fromkeys(" ".join(r.split()) for r in regions if r and r.strip()))
    if any(len(r) > 100 for r in cleaned):
        raise ValidationError(
            {"regions": ngettext("At most %(n)d character.", "At most %(n)d characters.", 100) % {"n": 100}}
        )
    return cleaned


def _dates(starts_on: date, ends_on: date | None) -> None:
    if ends_on is not None and ends_on < starts_on:
        raise ValidationError({"ends_on": _("The end is before the start.")})


def _measure_event(kind: str, measure: Measure) -> None:
    """Other modules react to measures through the outbox (justice postpones hearings on a court suspension)."""
    outbox.emit(kind=kind, payload={"measure_id": measure.pk, "crisis_id": measure.crisis_id, "kind": measure.kind})


def crisis_declare(
    *,
    actor: User | None,
    name: str,
    kind: str,
    country: str,
    starts_on: date,
    regions: list[str] | None = None,
    ends_on: date | None = None,
    quarantine_days: int = 0,
) -> CrisisEvent:
    if actor is not None:
        require(actor, CrisisAction.MANAGE)
    name = " ".join(name.split())
    errors: dict[str, str] = {}
    if not name or len(name) > 200:
        errors["name"] = _("A name of at most 200 characters is required.")
    if kind not in CrisisKind.values:
        errors["kind"] = _("Unknown value %(value)s.") % {"value": repr(kind)}
    country = country.strip().upper()
    if country not in codes.country_codes():
        errors["country"] = refused_codes("country", [country])
    if not 0 <= quarantine_days <= 60:
        errors["quarantine_days"] = _("Between 0 and 60 days.")
    if errors:
        raise ValidationError(errors)
    _dates(starts_on, ends_on)
    with transaction.atomic():
        crisis = CrisisEvent.objects.create(
            quarantine_days=quarantine_days,
            name=name,
            kind=kind,
            country=country,
            regions=_regions(regions or []),
            starts_on=starts_on,
            ends_on=ends_on,
            declared_by=actor,
        )
        audit_record(
            action="crisis.declare",
            actor=actor,
            actor_label="console",
            object_type="crisis.crisisevent",
            object_id=crisis.pk,
            detail={"kind": kind, "starts_on": starts_on.isoformat()},
        )
    return crisis


def crisis_end(*, actor: User | None, crisis: CrisisEvent, ends_on: date | None = None) -> CrisisEvent:
    """The crisis ends, and every measure of it still running ends the same day."""
    if actor is not None:
        require(actor, CrisisAction.MANAGE)
    ends_on = ends_on or timezone.localdate()
    if crisis.ends_on is not None and crisis.ends_on <= ends_on:
        raise ValidationError({"ends_on": _("This crisis has already ended.")})
    _dates(crisis.starts_on, ends_on)
    with transaction.atomic():
        crisis.ends_on = ends_on
        crisis.save(update_fields=["ends_on"])
        ending = list(crisis.measures.filter(Q(ends_on__isnull=True) | Q(ends_on__gt=ends_on)).order_by("pk"))
        ended = crisis.measures.filter(ends_on__isnull=True).update(ends_on=ends_on)
        crisis.measures.filter(ends_on__gt=ends_on).update(ends_on=ends_on)
        for measure in ending:
            _measure_event("measure.ended", measure)
        audit_record(
            action="crisis.end",
            actor=actor,
            actor_label="console",
            object_type="crisis.crisisevent",
            object_id=crisis.pk,
            detail={"ends_on": ends_on.isoformat(), "measures_ended": ended},
        )
    return crisis


def measure_add(
    *,
    actor: User | None,
    crisis: CrisisEvent,
    kind: str,
    starts_on: date,
    regions: list[str] | None = None,
    ends_on: date | None = None,
    note: str = "",
) -> Measure:
    if actor is not None:
        require(actor, CrisisAction.MANAGE)
    if kind not in MeasureKind.values:
        raise ValidationError({"kind": _("Unknown value %(value)s.") % {"value": repr(kind)}})
    _dates(starts_on, ends_on)
    if starts_on < crisis.starts_on or (crisis.ends_on is not None and starts_on > crisis.ends_on):
        raise ValidationError({"starts_on": _("A measure starts while its crisis lasts.")})
    cleaned = _regions(regions or [])
    outside = [r for r in cleaned if crisis.regions and r not in crisis.regions]
    if outside:
        raise ValidationError({"regions": _("Not in the crisis area: %(value)s.") % {"value": listing.join(outside)}})
    if len(note) > 300:
        raise ValidationError(
            {"note": ngettext("At most %(n)d character.", "At most %(n)d characters.", 300) % {"n": 300}}
        )
    with transaction.atomic():
        measure = Measure.objects.create(
            crisis=crisis,
            kind=kind,
            regions=cleaned,
            starts_on=starts_on,
            ends_on=ends_on,
            note=note.strip(),
            created_by=actor,
        )
        audit_record(
            action="measure.add",
            actor=actor,
            actor_label="console",
            object_type="crisis.measure",
            object_id=measure.pk,
            detail={"kind": kind, "regions": cleaned, "starts_on": starts_on.isoformat()},
        )
        _measure_event("measure.added", measure)
    return measure


def measure_end(*, actor: User | None, measure: Measure, ends_on: date | None = None) -> Measure:
    if actor is not None:
        require(actor, CrisisAction.MANAGE)
    ends_on = ends_on or timezone.localdate()
    if measure.ends_on is not None and measure.ends_on <= ends_on:
        raise ValidationError({"ends_on": _("This measure has already ended.")})
    _dates(measure.starts_on, ends_on)
    with transaction.atomic():
        measure.ends_on = ends_on
        measure.save(update_fields=["ends_on"])
        audit_record(
            action="measure.end",
            actor=actor,
            actor_label="console",
            object_type="crisis.measure",
            object_id=measure.pk,
            detail={"ends_on": ends_on.isoformat()},
        )
        _measure_event("measure.ended", measure)
    return measure


def package_item_set(*, actor: User | None, service_type: str, deadline_days: int, active: bool = True) -> PackageItem:
    if actor is not None:
        require(actor, CrisisAction.MANAGE)
    if service_type not in SERVICE_TYPES:
        raise ValidationError({"service_type": _("Unknown value %(value)s.") % {"value": repr(service_type)}})
    if not 0 <= deadline_days <= 365:
        raise ValidationError({"deadline_days": _("Between 0 and 365.")})
    with transaction.atomic():
        item, _created = PackageItem.objects.update_or_create(
            service_type=service_type, defaults={"deadline_days": deadline_days, "active": active}
        )
        audit_record(
            action="package.set",
            actor=actor,
            actor_label="console",
            detail={"service_type": service_type, "deadline_days": deadline_days, "active": active},
        )
    return item

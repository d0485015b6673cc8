"""Justice's consumers of crisis mode's events: a court suspension (`measure.added`) postpones every scheduled
hearing it covers in one transaction, and its end (`measure.ended`) lists them to reschedule and alerts the
prosecutors and clerks. Registered in apps.py; each runs once per event, after the commit, in the workers."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import ngettext

from lantern.cases.services import timeline_record_many
from lantern.core import outbox
from lantern.core.audit import audit_record
from lantern.core.models import Alert, Membership, OutboxEvent
from lantern.core.roles import Role
from lantern.crisis.models import Measure, MeasureKind
from lantern.justice.models import Court, Hearing, HearingStatus, PostponementReason
from lantern.justice.services import iso_utc


def covered_hearings_q(measure: Measure) -> Q:
    """The scheduled hearings a court suspension covers: courts of the crisis country in the measure's regions
    (or the crisis's, or all of them), whose local date falls between the measure's start and end (or later,
    when it has no end). Day bounds are taken in each court's own time zone."""
    regions = measure.regions or measure.crisis.regions
    courts = Court.objects.filter(country=measure.crisis.country)
    if regions:
        courts = courts.filter(region__in=regions)
    by_zone: dict[str, list[int]] = defaultdict(list)
    for court_id, zone in courts.values_list("pk", "time_zone"):
        by_zone[zone].append(court_id)
    window = Q(pk__in=[])
    for zone, court_ids in by_zone.items():
        tz = ZoneInfo(zone)
        condition = Q(court_id__in=court_ids, starts_at__gte=datetime.combine(measure.starts_on, time.min, tz))
        if measure.ends_on is not None:
            end = datetime.combine(measure.ends_on + timedelta(days=1), time.min, tz)
            condition &= Q(starts_at__lt=end)
        window |= condition
    return window & Q(status=HearingStatus.SCHEDULED)


def postpone_for_suspension(*, measure: Measure) -> int:
    """Postpone every covered scheduled hearing in one transaction: one UPDATE, the rows read back by the measure
    and the moment, a timeline entry per case and one `hearing.postponed` event per hearing written in bulk, and
    one audit event with the count."""
    with transaction.atomic():
        now = timezone.now()
        count = Hearing.objects.filter(covered_hearings_q(measure)).update(
            status=HearingStatus.POSTPONED,
            postponement_reason=PostponementReason.COURT_SUSPENSION,
            postponed_at=now,
            postponed_by_measure=measure,
            changed_at=now,
        )
        if not count:
            audit_record(
                action="justice.suspension_postpone",
                actor_label="crisis",
                object_type="crisis.measure",
                object_id=measure.pk,
                detail={"hearings": 0},
            )
            return 0
        rows = Hearing.objects.filter(postponed_by_measure=measure, postponed_at=now).values_list(
            "pk", "proceeding_id", "court_id", "starts_at", "mode", "proceeding__case_id",
            "proceeding__case__organisation_id",
        )  # fmt: skip
        by_organisation: dict[int, list[dict[str, Any]]] = defaultdict(list)
        timeline: list[tuple[int, dict[str, Any]]] = []
        for pk, proceeding_id, court_id, starts_at, mode, case_id, organisation_id in rows.iterator(chunk_size=2000):
            by_organisation[organisation_id].append(
                {
                    "hearing_id": pk,
                    "case_id": case_id,
                    "proceeding_id": proceeding_id,
                    "court_id": court_id,
                    "starts_at": iso_utc(starts_at),
                    "new_starts_at": None,
                    "mode": mode,
                    "reason": PostponementReason.COURT_SUSPENSION.value,
                }
            )
            timeline.append(
                (case_id, {"hearing": pk, "court": court_id, "reason": "court_suspension", "measure": measure.pk})
            )
        timeline_record_many(kind="hearing_postpone", at=now, entries=timeline)
        for organisation_id, payloads in by_organisation.items():
            outbox.emit_many(kind="hearing.postponed", payloads=payloads, organisation_id=organisation_id)
        audit_record(
            action="justice.suspension_postpone",
            actor_label="crisis",
            object_type="crisis.measure",
            object_id=measure.pk,
            detail={"hearings": count, "organisations": len(by_organisation)},
        )
    return count


def suspension_ended(*, measure: Measure) -> int:
    """The suspension is over: its postponed hearings without a new date are now listed to reschedule, and the
    prosecutors and clerks who answer for them get an alert (a count, nothing about anyone). Returns how many."""
    rows = list(
        Hearing.objects.filter(
            postponed_by_measure=measure, status=HearingStatus.POSTPONED, new_starts_at__isnull=True
        ).values_list("pk", "proceeding__organisation_id", "court__registry_id")
    )
    with transaction.atomic():
        hearings_of: dict[int, set[int]] = defaultdict(set)
        for pk, organisation_id, registry_id in rows:
            hearings_of[organisation_id].add(pk)
            if registry_id is not None:
                hearings_of[registry_id].add(pk)
        per_user: dict[int, set[int]] = defaultdict(set)
        for user_id, organisation_id in Membership.objects.filter(
            organisation_id__in=list(hearings_of), role=Role.JUSTICE, user__is_active=True
        ).values_list("user_id", "organisation_id"):
            per_user[user_id] |= hearings_of[organisation_id]
        Alert.objects.bulk_create(
            [
                Alert(
                    recipient_id=user_id,
                    kind=Alert.Kind.INFO,
                    text=ngettext(
                        "A court suspension has ended: %(count)d hearing to reschedule.",
                        "A court suspension has ended: %(count)d hearings to reschedule.",
                        len(ids),
                    )
                    % {"count": len(ids)},
                    object_type="crisis.measure",
                    object_id=str(measure.pk),
                    url=reverse("justice:hearings"),
                )
                for user_id, ids in sorted(per_user.items())
            ]
        )
        audit_record(
            action="justice.suspension_end",
            actor_label="crisis",
            object_type="crisis.measure",
            object_id=measure.pk,
            detail={"to_reschedule": len(rows), "alerted": len(per_user)},
        )
    return len(rows)


SUSPENSION_CONSUMER = "justice.suspension"  # the consumer of `measure.added` (apps.py)


def _suspension(event: Any) -> Measure | None:
    data = event.payload
    if data.get("kind") != MeasureKind.COURT_SUSPENSION:
        return None
    return Measure.objects.select_related("crisis").filter(pk=data.get("measure_id")).first()


def on_measure_added(event: Any) -> None:
    measure = _suspension(event)
    if measure is not None:
        postpone_for_suspension(measure=measure)


def on_measure_ended(event: Any) -> None:
    """A suspension ended before a worker had postponed its hearings (both events were taken by different workers at
    once) waits for the postponement: listing and alerting now would find nothing and never come back."""
    measure = _suspension(event)
    if measure is None:
        return
    started = OutboxEvent.objects.filter(kind="measure.added", payload__measure_id=measure.pk)
    if started.exclude(consumptions__consumer=SUSPENSION_CONSUMER).exists():
        raise outbox.NotYet
    suspension_ended(measure=measure)

"""The writes of the person's journey (HTCDS hte_: where she was recruited, moved through and exploited) and of the
perpetrators (HTCDS per_). Same form as cases.services (keyword-only, one transaction, the audit event and the
timeline entry with it). The checks are shared with the HTCDS import (clean_event, clean_perpetrator): a value
refused on the page is refused in a file."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from lantern.cases import codes
from lantern.cases.models import Case, JourneyEvent, Perpetrator
from lantern.cases.permissions import CaseAction
from lantern.cases.services import _event
from lantern.cases.validation import JOURNEY_LIMIT, clean_event, clean_perpetrator
from lantern.core.models import User
from lantern.core.permissions import require


@dataclass(frozen=True)
class PerpetratorLink:
    """Something another app ties to a perpetrator of the case (justice: a defendant of a proceeding), as the case
    page names it for the reader, and where it is."""

    perpetrator_id: int
    label: str
    url: str


# Apps to the right register here from their AppConfig.ready, the way closure checks are: (user, case) -> links the
# user may see. The case page never imports them.
LINKERS: list[Callable[[User, Case], list[PerpetratorLink]]] = []


def register_linker(function: Callable[[User, Case], list[PerpetratorLink]]) -> None:
    if function not in LINKERS:
        LINKERS.append(function)


def perpetrator_links(user: User, case: Case) -> dict[int, list[PerpetratorLink]]:
    found: dict[int, list[PerpetratorLink]] = {}
    for linker in LINKERS:
        for link in linker(user, case):
            found.setdefault(link.perpetrator_id, []).append(link)
    return found


def _writable(actor: User, case: Case) -> None:
    require(actor, CaseAction.UPDATE, case)
    if case.status in (codes.CaseStatus.CLOSED, codes.CaseStatus.CLOSED_REFERRED) or case.anonymised_at is not None:
        raise ValidationError(_("The case is closed."))


def journey_event_add(*, actor: User, case: Case, **data: Any) -> JourneyEvent:
    """Add a step at the end of the journey, or at `position` (the later steps move one down)."""
    _writable(actor, case)
    position = data.pop("position", None)
    values, errors = clean_event(data, today=timezone.localdate())
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        steps = JourneyEvent.objects.select_for_update().filter(case=case)
        count = steps.count()
        if count >= JOURNEY_LIMIT:
            raise ValidationError(
                ngettext(
                    "A journey has at most %(count)d step.", "A journey has at most %(count)d steps.", JOURNEY_LIMIT
                )
                % {"count": JOURNEY_LIMIT}
            )
        last = count + 1
        position = last if position is None or not 1 <= position <= last else position
        for step in steps.filter(position__gte=position).order_by("-position"):
            step.position += 1
            step.save(update_fields=["position"])
        event = JourneyEvent.objects.create(case=case, position=position, recorded_by=actor, **values)
        _event(case, "journey_event", actor, kind=values["kind"], country=values["country"], position=position)
    return event


def journey_event_remove(*, actor: User, case: Case, event_id: int) -> None:
    _writable(actor, case)
    with transaction.atomic():
        event = JourneyEvent.objects.select_for_update().filter(case=case, pk=event_id).first()
        if event is None:
            raise ValidationError(_("No such step of the journey."))
        event.delete()
        for position, step in enumerate(JourneyEvent.objects.filter(case=case).order_by("position", "pk"), 1):
            if step.position != position:
                step.position = position
                step.save(update_fields=["position"])
        _event(case, "journey_event_remove", actor, kind=event.kind)


def perpetrator_add(*, actor: User, case: Case, **data: Any) -> Perpetrator:
    _writable(actor, case)
    values, errors = clean_perpetrator(data)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        existing = Perpetrator.objects.select_for_update().filter(case=case)
        if existing.count() >= JOURNEY_LIMIT:
            raise ValidationError(
                ngettext(
                    "A case has at most %(count)d perpetrator.",
                    "A case has at most %(count)d perpetrators.",
                    JOURNEY_LIMIT,
                )
                % {"count": JOURNEY_LIMIT}
            )
        position = (existing.aggregate(top=Max("position"))["top"] or 0) + 1
        perpetrator = Perpetrator.objects.create(case=case, position=position, recorded_by=actor, **values)
        # The audit names the codes (role, relationship), never the name or what was said.
        _event(case, "perpetrator", actor, roles=values["roles"], relationship=values["relationship"])
    return perpetrator


def perpetrator_remove(*, actor: User, case: Case, perpetrator_id: int) -> None:
    _writable(actor, case)
    with transaction.atomic():
        deleted, _rows = Perpetrator.objects.filter(case=case, pk=perpetrator_id).delete()
        if not deleted:
            raise ValidationError(_("No such perpetrator."))
        _event(case, "perpetrator_remove", actor)

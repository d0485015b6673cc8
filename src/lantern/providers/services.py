"""Writes of the provider directory: what an organisation offers, its operating status (two clicks), capacity."""

from __future__ import annotations

import math
from datetime import date, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from lantern.cases.codes import SERVICE_TYPES
from lantern.core import codes
from lantern.core.audit import audit_record
from lantern.core.models import Organisation, User
from lantern.core.permissions import require
from lantern.core.pickers import refused_codes
from lantern.core.roles import Role
from lantern.core.services import alerts_send
from lantern.providers.capacity import ACCOMMODATION
from lantern.providers.models import (
    CapacityWeek,
    DeliveryMode,
    Offering,
    OfferingRegion,
    OperatingStatus,
    ProviderState,
    StatusChange,
)
from lantern.providers.permissions import ProviderAction

NATIONWIDE = "*"
# A region is a place name: the portal shows it to victims and staff export it, so no markup and nothing a
# spreadsheet would run as a formula. (The code has no list of the country's regions to check names against.)
_NOT_IN_A_REGION = set('<>"`{}[]\\|')
_FORMULA_START = ("=", "+", "-", "@")
REJECTION_REASON_MAX = 300


def week_of(day: date) -> date:
    return day - timedelta(days=day.weekday())


def _clean_offering(fields: dict[str, Any]) -> dict[str, Any]:
    errors: dict[str, str] = {}
    if fields["service_type"] not in SERVICE_TYPES:
        errors["service_type"] = _("Unknown value %(value)s.") % {"value": repr(fields["service_type"])}
    regions = list(dict.fromkeys(" ".join(r.split()) for r in fields["regions"] if r and r.strip()))
    if not regions:
        errors["regions"] = _("Name the regions served, or * for the whole country.")
    if any(
        r != NATIONWIDE and (r.startswith(_FORMULA_START) or _NOT_IN_A_REGION & set(r) or not r.isprintable())
        for r in regions
    ):
        errors["regions"] = _("A region is a place name: no markup, and it does not start with = + - or @.")
    if any(len(r) > 100 for r in regions):
        errors["regions"] = ngettext("At most %(n)d character.", "At most %(n)d characters.", 100) % {"n": 100}
    languages = list(
        dict.fromkeys(codes.language_code(code) or code.strip().lower() for code in fields["languages"] if code.strip())
    )
    wrong = [c for c in languages if c not in codes.language_codes()]
    if wrong:
        errors["languages"] = refused_codes("language", wrong)
    modes = list(dict.fromkeys(fields["delivery_modes"]))
    if not modes or any(m not in DeliveryMode.values for m in modes):
        errors["delivery_modes"] = _("Choose in person, remote or outreach.")
    if not 0 <= fields["weekly_capacity"] <= 100_000:
        errors["weekly_capacity"] = _("Between 0 and 100000.")
    for name, limit in (("eligibility_note", 300), ("hours", 200), ("public_contact", 200)):
        if len(fields.get(name, "")) > limit:
            errors[name] = ngettext("At most %(n)d character.", "At most %(n)d characters.", limit) % {"n": limit}
    if fields.get("text_language", "en") not in {code for code, _name in settings.PORTAL_LANGUAGES}:
        errors["text_language"] = _("Not a language of the portal: %(value)s.") % {
            "value": repr(str(fields["text_language"])[:20])
        }
    if errors:
        raise ValidationError(errors)
    return {**fields, "regions": regions, "languages": languages, "delivery_modes": modes}


def offering_save(
    *, actor: User | None, organisation: Organisation, offering: Offering | None = None, **fields: Any
) -> Offering:
    """Create an offer, or change one: service type, regions, languages, delivery modes, weekly capacity,
    eligibility, hours, public contact."""
    if actor is not None:
        require(actor, ProviderAction.MANAGE, organisation)
    defaults = {"regions": [], "languages": [], "delivery_modes": [DeliveryMode.IN_PERSON], "weekly_capacity": 10}
    if offering is not None:
        if offering.organisation_id != organisation.pk:
            raise ValidationError({"offering": _("This offer belongs to another organisation.")})
        current = {
            name: getattr(offering, name)
            for name in (
                "service_type",
                "regions",
                "languages",
                "delivery_modes",
                "weekly_capacity",
                "interpreter_available",
                "regardless_of_status",
                "eligibility_note",
                "hours",
                "public_contact",
                "is_public",
                "active",
                "text_language",
            )
        }
        fields = {**current, **fields}
    cleaned = _clean_offering({**defaults, **fields})
    with transaction.atomic():
        if offering is None:
            offering = Offering(organisation=organisation)
        for name, value in cleaned.items():
            setattr(offering, name, value)
        if not offering.is_public:
            # Taken off the portal: putting it back is a new entry for the coordinator, not the old approval.
            offering.approved_public = offering.reviewed_public = None
            offering.review_reason = ""
        offering.save()
        OfferingRegion.objects.filter(offering=offering).delete()
        OfferingRegion.objects.bulk_create(
            [OfferingRegion(offering=offering, service_type=offering.service_type, region=r) for r in offering.regions]
        )
        ProviderState.objects.get_or_create(organisation=organisation)
        if actor is None and offering.is_public:
            # The operator at the console (the seed data, a deployment script) is trusted as everywhere else.
            _approve(offering, actor=None)
        audit_record(
            action="offering.save",
            actor=actor,
            actor_label="console",
            organisation_id=organisation.pk,
            object_type="providers.offering",
            object_id=offering.pk,
            detail={"service_type": offering.service_type, "awaits_review": offering.awaits_review},
        )
    return offering


def _approve(offering: Offering, *, actor: User | None) -> None:
    version = offering.public_version()
    offering.approved_public = offering.reviewed_public = version
    offering.approved_at = timezone.now()
    offering.approved_by = actor
    offering.save(update_fields=["approved_public", "reviewed_public", "approved_at", "approved_by"])


def offering_review(*, actor: User, offering: Offering, approve: bool, reason: str = "") -> Offering:
    """The coordinator approves what the portal shows of an entry, or rejects it: a rejected new entry stays off
    the portal, and a rejected change leaves the portal showing the version approved before. A rejection, with
    its optional short reason, alerts the organisation's administrators and supervisors in their own language."""
    require(actor, ProviderAction.REVIEW, offering)
    reason = " ".join(reason.split())
    if len(reason) > REJECTION_REASON_MAX:
        raise ValidationError(
            {
                "reason": ngettext("At most %(n)d character.", "At most %(n)d characters.", REJECTION_REASON_MAX)
                % {"n": REJECTION_REASON_MAX}
            }
        )
    with transaction.atomic():
        offering = Offering.objects.select_for_update().select_related("organisation").get(pk=offering.pk)
        if not offering.awaits_review:
            raise ValidationError({"offering": _("This entry has nothing new to review.")})
        if approve:
            _approve(offering, actor=actor)
            offering.review_reason = ""
        else:
            offering.reviewed_public = offering.public_version()
            offering.review_reason = reason
            _rejection_alert(offering, reason=reason)
        offering.save(update_fields=["reviewed_public", "review_reason"])
        audit_record(
            action="directory.approve" if approve else "directory.reject",
            actor=actor,
            organisation_id=offering.organisation_id,
            object_type="providers.offering",
            object_id=offering.pk,
            detail={"service_type": offering.service_type, "reason": reason}
            if reason
            else {"service_type": offering.service_type},
        )
    return offering


def _rejection_alert(offering: Offering, *, reason: str) -> None:
    staff = User.objects.filter(
        is_active=True,
        memberships__organisation_id=offering.organisation_id,
        memberships__role__in=[Role.ORG_ADMIN, Role.SUPERVISOR],
    ).distinct()
    service = SERVICE_TYPES.get(offering.service_type, offering.service_type)
    messages = []
    for user in staff:
        with translation.override(user.preferred_language or settings.LANGUAGE_CODE):
            text = _(
                "The national coordinator did not approve the public portal entry for %(service)s: the portal keeps "
                "showing the version approved before, if there is one."
            ) % {"service": str(service)}
            if reason:
                text += " " + _("Reason: %(reason)s") % {"reason": reason}
        messages.append((user, text))
    alerts_send(messages=messages, object_type="providers.offering", object_id=str(offering.pk))


def status_set(
    *,
    actor: User | None,
    organisation: Organisation,
    status: str,
    staff_absence_percent: int | None = None,
    reason: str = "",
) -> ProviderState:
    """The two clicks: pick a status (and, if it changed, how many staff are off); history is kept. Suspending the
    organisation, or lifting a suspension, is for its administrators and supervisors (ProviderAction.SUSPEND)."""
    if actor is not None:
        require(actor, ProviderAction.STATUS, organisation)
    if status not in OperatingStatus.values:
        raise ValidationError({"status": _("Unknown value %(value)s.") % {"value": repr(status)}})
    existing = ProviderState.objects.filter(organisation=organisation).first()
    suspending = OperatingStatus.SUSPENDED in (status, existing.status if existing is not None else "")
    if actor is not None and suspending:
        require(actor, ProviderAction.SUSPEND, organisation)
    absence = staff_absence_percent
    if absence is None:
        absence = existing.staff_absence_percent if existing is not None else 0
    if not 0 <= absence <= 100:
        raise ValidationError({"staff_absence_percent": _("Between 0 and 100.")})
    reason = " ".join(reason.split())
    if len(reason) > 200:
        raise ValidationError(
            {"reason": ngettext("At most %(n)d character.", "At most %(n)d characters.", 200) % {"n": 200}}
        )
    now = timezone.now()
    with transaction.atomic():
        state, _created = ProviderState.objects.get_or_create(organisation=organisation)
        StatusChange.objects.create(
            organisation=organisation,
            status=status,
            staff_absence_percent=absence,
            reason=reason,
            valid_from=now,
            recorded_by=actor,
        )
        state.status, state.staff_absence_percent, state.since = status, absence, now
        state.save()
        audit_record(
            action="provider.status",
            actor=actor,
            actor_label="console",
            organisation_id=organisation.pk,
            detail={"status": status, "staff_absence_percent": absence},
        )
    return state


def weekly_capacity(offering: Offering, state: ProviderState | None) -> int:
    factor = state.capacity_factor() if state is not None else 1.0
    return math.floor(offering.weekly_capacity * factor)


def capacity_take(*, offering: Offering, on: date) -> bool:
    """Take one place of this week's capacity, or say there is none. Safe under concurrency: the check and the
    increment are one UPDATE ... WHERE used < capacity. Accommodation has no weekly places: its capacity is the
    shelter's beds, and the bed is taken on admission, where the database gives it once (providers.capacity)."""
    if offering.service_type in ACCOMMODATION:
        return True
    state = ProviderState.objects.filter(organisation_id=offering.organisation_id).first()
    capacity = weekly_capacity(offering, state)
    week, _created = CapacityWeek.objects.get_or_create(offering=offering, week_start=week_of(on))
    return CapacityWeek.objects.filter(pk=week.pk, used__lt=capacity).update(used=F("used") + 1) == 1


def capacity_release(*, offering: Offering, on: date) -> None:
    if offering.service_type in ACCOMMODATION:
        return
    CapacityWeek.objects.filter(offering=offering, week_start=week_of(on), used__gt=0).update(used=F("used") - 1)


# What of an entry is translated for the portal, and how long each may be (as the original).
TRANSLATED_FIELDS = {"name": 200, "hours": 200, "public_contact": 200, "eligibility_note": 300}


def offering_translation_set(
    *, actor: User | None, offering: Offering, language: str, texts: dict[str, str]
) -> Offering:
    """The entry's name, hours, contact and note in one portal language (all empty: the translation is removed and
    the portal shows the original). Like any change of what the portal shows, it waits for the coordinator's
    review; the portal keeps showing the version she approved meanwhile."""
    if actor is not None:
        require(actor, ProviderAction.MANAGE, offering.organisation)
    errors: dict[str, str] = {}
    portal_languages = {code for code, _name in settings.PORTAL_LANGUAGES}
    if language not in portal_languages:
        errors["language"] = _("Not a language of the portal: %(value)s.") % {"value": repr(language[:20])}
    cleaned: dict[str, str] = {}
    for name, limit in TRANSLATED_FIELDS.items():
        value = " ".join(str(texts.get(name, "")).split())
        if len(value) > limit:
            errors[name] = ngettext("At most %(n)d character.", "At most %(n)d characters.", limit) % {"n": limit}
        elif not value.isprintable():
            errors[name] = _("Plain text only.")
        elif value:
            cleaned[name] = value
    unknown = set(texts) - set(TRANSLATED_FIELDS)
    if unknown:
        errors["texts"] = _("Unknown value %(value)s.") % {"value": repr(sorted(unknown)[0][:40])}
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        current = Offering.objects.select_for_update(of=("self",)).select_related("organisation").get(pk=offering.pk)
        translations = dict(current.translations or {})
        if cleaned:
            translations[language] = cleaned
        else:
            translations.pop(language, None)
        current.translations = translations
        current.save(update_fields=["translations"])
        if actor is None and current.is_public and current.approved_public is not None:
            _approve(current, actor=None)
        audit_record(
            action="offering.translation_set",
            actor=actor,
            actor_label="console",
            organisation_id=current.organisation_id,
            object_type="providers.offering",
            object_id=current.pk,
            detail={"language": language, "fields": sorted(cleaned), "awaits_review": current.awaits_review},
        )
    return current

"""Every write of identification by first responders: a checklist of indicators on a case, and an anonymous
notification. Keyword-only, one transaction each, validated before anything is written, audited in the same
transaction (and the checklist on the case's timeline)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from lantern.cases import codes
from lantern.cases.identification import checklists
from lantern.cases.identification.permissions import IdentificationAction
from lantern.cases.models import AnonymousNotification, Case, IndicatorAnswer, IndicatorChecklist, IndicatorResponse
from lantern.cases.services import timeline_record
from lantern.core import codes as iso
from lantern.core import listing
from lantern.core.audit import audit_record
from lantern.core.models import Organisation, User
from lantern.core.permissions import require

# The CTDC age bands of adults: an anonymous notification is for an adult who declines; a child is referred
# whatever the child says (no consent is asked of a child to enter the NRM).
ADULT_AGE_BANDS = tuple(band for band in codes.AGE_BANDS if band not in ("0-8", "9-17"))
EARLIEST_DATE = date(2000, 1, 1)


SHOWN_CODES = 5  # of the wrong codes an error names: enough to find them, never a hostile body echoed back
SHOWN_CODE_CHARS = 40


def _shown(codes_given: list[str]) -> str:
    return listing.join([code[:SHOWN_CODE_CHARS] for code in codes_given[:SHOWN_CODES]])


def checklist_record(
    *, actor: User, case: Case, answers: dict[str, str], observed_on: date | None = None
) -> IndicatorChecklist:
    """Record what a first responder observed at first contact: for each indicator of the current checklist,
    observed, not observed or not known (indicators not sent are not known). At least one must be answered."""
    require(actor, IdentificationAction.CHECKLIST_RECORD, case)
    checklist = checklists.current()
    observed_on = observed_on or timezone.localdate()
    errors: dict[str, str] = {}
    unknown_codes = sorted(code for code in answers if code not in checklist.indicators)
    if unknown_codes:
        errors["answers"] = _("Not indicators of this checklist: %(value)s.") % {"value": _shown(unknown_codes)}
    wrong = sorted(code for code, answer in answers.items() if answer not in IndicatorAnswer.values)
    if wrong and not unknown_codes:
        errors["answers"] = _("Answer each indicator with yes, no or unknown: %(value)s.") % {"value": _shown(wrong)}
    if not errors and all(answer == IndicatorAnswer.UNKNOWN for answer in answers.values()):
        errors["answers"] = _("Answer at least one indicator: observed or not observed.")
    if observed_on > timezone.localdate():
        errors["observed_on"] = _("The date is in the future.")
    elif observed_on < case.identified_on:
        errors["observed_on"] = _("The date is before the case was identified.")
    if case.anonymised_at is not None:
        errors["case"] = _("This case is anonymised.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        record = IndicatorChecklist.objects.create(
            case=case,
            version=checklist.version,
            observed_on=observed_on,
            filled_by=actor,
            organisation_id=case.organisation_id,
        )
        IndicatorResponse.objects.bulk_create(
            IndicatorResponse(checklist=record, code=code, answer=answers.get(code, IndicatorAnswer.UNKNOWN))
            for code in checklist.indicators
        )
        detail = {"checklist": record.pk, "version": checklist.version}
        timeline_record(case=case, kind="indicators_record", actor=actor, detail=detail)
        audit_record(
            action="case.indicators_record",
            actor=actor,
            actor_label=actor.get_username(),
            organisation_id=case.organisation_id,
            object_type="cases.case",
            object_id=case.reference,
            detail=detail,
        )
    return record


@dataclass
class NotificationData:
    """The statistics of an anonymous notification, and nothing else."""

    identified_on: date | None = None
    gender: str = codes.Gender.UNKNOWN
    age_band: str = ""
    citizenship: str = ""
    forms_of_exploitation: list[str] = field(default_factory=list)
    exploitation_country: str = ""
    exploitation_region: str = ""


def notification_record(
    *, actor: User, organisation: Organisation, data: NotificationData, regions: list[str]
) -> AnonymousNotification:
    """Notify, for the statistics only, an adult who declines to enter the NRM. `regions` are the regions the
    notification may name (the caller's selector: the regions of the country's organisations); no free text is
    kept, so nothing typed can name the person."""
    require(actor, IdentificationAction.NOTIFY_ANONYMOUSLY, organisation)
    today = timezone.localdate()
    identified_on = data.identified_on or today
    errors: dict[str, str] = {}
    if identified_on > today:
        errors["identified_on"] = _("The date is in the future.")
    elif identified_on < EARLIEST_DATE:
        errors["identified_on"] = _("The date is before 2000.")
    if data.gender not in codes.Gender.values:
        errors["gender"] = _("Unknown value %(value)s.") % {"value": repr(data.gender)}
    if data.age_band and data.age_band not in ADULT_AGE_BANDS:
        errors["age_band"] = _("An anonymous notification is for adults: refer a child to the NRM.")
    citizenship = data.citizenship.strip().upper()
    if citizenship and citizenship not in iso.country_codes():
        errors["citizenship"] = _("Not an ISO 3166 country code: %(value)s.") % {"value": repr(citizenship)}
    forms = list(dict.fromkeys(data.forms_of_exploitation))
    wrong = [form for form in forms if form not in codes.EXPLOITATION]
    if wrong:
        shown = [form[:40] for form in wrong[:5]]  # never a whole hostile string echoed back
        errors["forms_of_exploitation"] = _("Unknown values: %(value)s.") % {"value": listing.join(shown)}
    country = (data.exploitation_country.strip().upper() or organisation.country).upper()
    if country not in iso.country_codes():
        errors["exploitation_country"] = _("Not an ISO 3166 country code: %(value)s.") % {"value": repr(country)}
    region = " ".join(data.exploitation_region.split())
    if region and region not in regions:
        errors["exploitation_region"] = _("Choose one of the regions offered.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        notification = AnonymousNotification.objects.create(
            organisation=organisation,
            identified_on=identified_on,
            gender=data.gender,
            age_band=data.age_band,
            citizenship=citizenship,
            forms_of_exploitation=forms,
            exploitation_country=country,
            exploitation_region=region,
        )
        # Who notified stays accountable, but nothing in the entry leads to the row: no identifier, the day only
        # (the row's identifier is random and it keeps no time). docs/privacy.md, "Anonymous notifications".
        audit_record(
            action="notification.anonymous",
            actor=actor,
            actor_label=actor.get_username(),
            organisation_id=organisation.pk,
            object_type="cases.anonymousnotification",
            detail={"day": notification.recorded_on.isoformat()},
        )
    return notification

"""The writes of a child's protection in the NRM: age assessments, guardians, the child's own views, and the
best-interests assessment and determination. Same form as cases.services (keyword-only, one transaction, the audit
event and the timeline entry with it); kept apart because it is one subject."""

from __future__ import annotations

from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from lantern.cases import codes, minority
from lantern.cases.models import AgeAssessment, BestInterests, Case, ChildViews, Guardian
from lantern.cases.permissions import CaseAction
from lantern.cases.services import _derive, _event, _person_data, child_protection_alert
from lantern.cases.validation import visible
from lantern.core.models import Organisation, User
from lantern.core.permissions import require

TEXT_LIMIT = 10_000  # the child's views and the reasons of a best-interests step, as long as a note
NAME_LIMIT = 200  # a guardian's name or contact, the authority that appointed them


def _day(value: date | None, case: Case, field: str, errors: dict[str, str]) -> date:
    day = value or timezone.localdate()
    if day > timezone.localdate():
        errors[field] = _("The date is in the future.")
    elif day < case.identified_on - timedelta(days=366):
        errors[field] = _("The date is too far in the past.")
    return day


def _text(value: str, field: str, errors: dict[str, str], *, limit: int, required: bool = True) -> str:
    """A text as typed, trimmed; one made only of invisible characters (zero-width spaces, marks) is empty."""
    value = value.strip()
    if not visible(value):
        value = ""
    if required and not value:
        errors[field] = _("This field is required.")
    elif len(value) > limit:
        errors[field] = ngettext("At most %(n)d character.", "At most %(n)d characters.", limit) % {"n": limit}
    return value


def _child(case: Case) -> None:
    if not case.is_minor:
        raise ValidationError({"case": _("This is not a child's case (nor a person presumed to be a child).")})


def age_assessment_record(
    *,
    actor: User,
    case: Case,
    method: str,
    assessed_by_organisation: Organisation,
    assessor_role: str,
    assessed_on: date | None = None,
    age_lower: int | None = None,
    age_upper: int | None = None,
    result_band: str = "",
) -> AgeAssessment:
    """Record how old a person of uncertain age was found to be: the range of ages the method supports (one age
    is a range of one), or only the band. The benefit of the doubt: the lower end of the range decides whether
    the person is a child. Without a birth date, the latest assessment decides whether the case is a child's:
    only an adult result ends the presumption of minority."""
    require(actor, CaseAction.CHILD_PROTECTION, case)
    errors: dict[str, str] = {}
    if method not in codes.AgeMethod.values:
        errors["method"] = _("Unknown value %(value)s.") % {"value": repr(method)}
    if assessor_role not in codes.AssessorRole.values:
        errors["assessor_role"] = _("Unknown value %(value)s.") % {"value": repr(assessor_role)}
    if age_upper is None and age_lower is not None:
        age_upper = age_lower  # one age found: a range of one
    for name, age in (("age_lower", age_lower), ("age_upper", age_upper)):
        if age is not None and not 0 <= age <= 120:
            errors[name] = _("Between 0 and 120.")
    if age_lower is None and age_upper is not None:
        errors["age_lower"] = _("Give the lower end of the range too.")
    elif age_lower is not None and age_upper is not None and not errors and age_lower > age_upper:
        errors["age_upper"] = _("The upper end is below the lower end.")
    elif age_lower is not None and not errors:
        band = minority.band_of_range(age_lower)
        if result_band and result_band != band:
            errors["result_band"] = _(
                "The range and the band disagree: the lower end of the range decides (the benefit of the doubt)."
            )
        result_band = band
    if result_band not in codes.AgeResult.values:
        errors["result_band"] = _("Give the age found, or say whether the person is under 18.")
    assessed_on = _day(assessed_on, case, "assessed_on", errors)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        assessment = AgeAssessment.objects.create(
            case=case,
            method=method,
            assessed_on=assessed_on,
            age_lower=age_lower,
            age_upper=age_upper,
            result_band=result_band,
            assessed_by_organisation=assessed_by_organisation,
            assessor_role=assessor_role,
            recorded_by=actor,
        )
        was_child = case.is_minor is True
        _derive(case, _person_data(case.person))
        case.save()
        _event(
            case,
            "age_assessment",
            actor,
            method=method,
            result=result_band,
            organisation=assessed_by_organisation.pk,
            role=assessor_role,
        )
        if case.is_minor and not was_child:
            child_protection_alert(case=case, actor=actor)
    return assessment


def guardian_appoint(
    *, actor: User, case: Case, name: str, appointed_by: str, appointed_on: date | None = None, contact: str = ""
) -> Guardian:
    """Appoint the guardian of an unaccompanied or separated child (one at a time: a new one ends the former's
    guardianship)."""
    require(actor, CaseAction.CHILD_PROTECTION, case)
    _child(case)
    errors: dict[str, str] = {}
    name = _text(" ".join(name.split()), "name", errors, limit=NAME_LIMIT)
    contact = _text(contact, "contact", errors, limit=NAME_LIMIT, required=False)
    appointed_by = _text(" ".join(appointed_by.split()), "appointed_by", errors, limit=NAME_LIMIT)
    appointed_on = _day(appointed_on, case, "appointed_on", errors)
    if errors:
        raise ValidationError(errors)
    try:
        with transaction.atomic():
            ended = Guardian.objects.filter(case=case, ended_at__isnull=True).update(ended_at=timezone.now())
            guardian = Guardian.objects.create(
                case=case,
                name=name,
                contact=contact,
                appointed_by=appointed_by,
                appointed_on=appointed_on,
                recorded_by=actor,
            )
            due = case.guardian_due
            _event(
                case,
                "guardian_appoint",
                actor,
                appointed_on=appointed_on.isoformat(),
                within_deadline=due is None or appointed_on <= due,
                replaces=bool(ended),
            )
    except IntegrityError:  # another guardian recorded at the same moment
        raise ValidationError({"name": _("Another guardian was just recorded: reload the page.")}) from None
    return guardian


def child_views_record(*, actor: User, case: Case, about: str, views: str, heard_on: date | None = None) -> ChildViews:
    """The child's own views on a decision that concerns them (the Convention on the Rights of the Child, Art. 12)."""
    require(actor, CaseAction.UPDATE, case)
    _child(case)
    errors: dict[str, str] = {}
    if about not in codes.ViewsAbout.values:
        errors["about"] = _("Unknown value %(value)s.") % {"value": repr(about)}
    views = _text(views, "views", errors, limit=TEXT_LIMIT)
    heard_on = _day(heard_on, case, "heard_on", errors)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        record = ChildViews.objects.create(case=case, about=about, views=views, heard_on=heard_on, recorded_by=actor)
        _event(case, "child_views", actor, about=about)
    return record


def best_interests_record(
    *,
    actor: User,
    case: Case,
    kind: str,
    reasons: str,
    organisation: Organisation | None = None,
    body_name: str = "",
    decided_on: date | None = None,
    solution: str = "",
) -> BestInterests:
    """A best-interests assessment, or the determination of a durable solution, by the body that took it: an
    organisation of the directory or a body named in words (a child protection panel), never assumed to be the
    organisation holding the case. A determination comes after an assessment, with the child's views heard and,
    for a child without their parents, a guardian appointed."""
    require(actor, CaseAction.CHILD_PROTECTION, case)
    _child(case)
    errors: dict[str, str] = {}
    body_name = _text(" ".join(body_name.split()), "body_name", errors, limit=NAME_LIMIT, required=False)
    if organisation is None and not body_name:
        errors["body_name"] = _(
            "Name the body that assessed or determined: an organisation of the directory, or its name."
        )
    elif organisation is not None and body_name:
        errors["body_name"] = _("Either an organisation of the directory or a name, not both.")
    if kind not in BestInterests.Kind.values:
        errors["kind"] = _("Unknown value %(value)s.") % {"value": repr(kind)}
    if kind == BestInterests.Kind.DETERMINATION and solution not in codes.DurableSolution.values:
        errors["solution"] = _("A determination chooses return, relocation or local integration.")
    if kind == BestInterests.Kind.ASSESSMENT and solution:
        errors["solution"] = _("An assessment chooses no solution: the determination does.")
    reasons = _text(reasons, "reasons", errors, limit=TEXT_LIMIT)
    decided_on = _day(decided_on, case, "decided_on", errors)
    if kind == BestInterests.Kind.DETERMINATION and not errors:
        if not case.best_interests.filter(kind=BestInterests.Kind.ASSESSMENT).exists():
            errors["kind"] = _("A best-interests assessment comes before the determination.")
        elif not case.child_views.exists():
            errors["kind"] = _("Record the child's own views before the determination.")
        elif minority.needs_guardian(case) and not case.guardians.filter(ended_at__isnull=True).exists():
            errors["kind"] = _("Appoint the child's guardian before the determination.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        record = BestInterests.objects.create(
            case=case,
            kind=kind,
            solution=solution,
            decided_on=decided_on,
            organisation=organisation,
            body_name=body_name,
            reasons=reasons,
            recorded_by=actor,
        )
        _event(
            case,
            "best_interests",
            actor,
            kind=kind,
            solution=solution,
            decided_on=decided_on.isoformat(),
            organisation=organisation.pk if organisation else 0,
            named_body=bool(body_name),
        )
    return record

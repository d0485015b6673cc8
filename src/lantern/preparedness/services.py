"""Preparedness writes: checklist copies, assessments and their items (with history), submission (which freezes
an assessment), the plan of action and its overdue alerts, and the roles matrix with acknowledgements. Each in one
transaction with its audit event; audit details are ids, codes and counts, never the free texts."""

from __future__ import annotations

from datetime import date
from typing import Any
from urllib.parse import urlsplit

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from lantern.core import codes
from lantern.core.audit import audit_record
from lantern.core.models import Alert, Membership, Organisation, User
from lantern.core.permissions import require
from lantern.core.pickers import refused_codes
from lantern.core.roles import Role
from lantern.preparedness import checklist as checklist_module
from lantern.preparedness import evidence, pdf, selectors
from lantern.preparedness.models import (
    ActionStatus,
    Assessment,
    AssessmentStatus,
    ChecklistVersion,
    CrisisRole,
    ItemAnswer,
    ItemChange,
    LanternDecision,
    Phase,
    PlanAction,
)
from lantern.preparedness.permissions import PreparednessAction

# Limits of the free texts (they are about plans and organisations, never about a person).
MAX_EVIDENCE = 4000
MAX_COMMENT = 2000
MAX_REASON = 1000
MAX_SOP = 8000
MAX_TITLE = 200


def _clean(value: str, limit: int, field: str, errors: dict[str, str], *, required: bool = False) -> str:
    value = (value or "").replace("\x00", "").strip()
    if required and not value:
        errors[field] = _("This field is required.")
    elif len(value) > limit:
        errors[field] = _("At most %(limit)s characters.") % {"limit": limit}
    return value


def _link(value: str, errors: dict[str, str]) -> str:
    value = (value or "").strip()
    if not value:
        return ""
    parts = urlsplit(value)
    if len(value) > 500 or parts.scheme not in ("http", "https") or not parts.netloc:
        errors["link"] = _("A web address starting with https:// or http://, at most 500 characters.")
    return value


# --- Checklists ---------------------------------------------------------------------------------------------------


def checklist_current(*, country: str) -> ChecklistVersion:
    """The country's latest adapted copy, or the built-in checklist (stored on first use)."""
    copy = ChecklistVersion.objects.filter(country=country).order_by("-loaded_at", "-pk").first()
    if copy is not None:
        return copy
    built_in = checklist_module.built_in()
    version, _created = ChecklistVersion.objects.get_or_create(
        country="", version=built_in.version, defaults={"source": checklist_module.BUILT_IN.read_text("utf-8")}
    )
    return version


def checklist_load(*, actor: User | None, country: str, source: str) -> ChecklistVersion:
    """Store a country's adapted checklist. Ids are stable: an id the built-in or an earlier copy used keeps its
    pillar (reword it, reweigh it or drop it, never give its id to another item)."""
    if actor is not None:
        require(actor, PreparednessAction.MANAGE)
    country = (country or "").strip().upper()
    if country not in codes.country_codes():
        raise ValidationError({"country": _("Not an ISO 3166 country code: %(value)s.") % {"value": repr(country)}})
    parsed = checklist_module.parse_toml(source)
    known: dict[str, str] = {i.id: i.pillar for i in checklist_module.built_in().items}
    for earlier in ChecklistVersion.objects.filter(Q(country=country) | Q(country="")):
        known |= {i.id: i.pillar for i in selectors.checklist_of(earlier).items}
    for item in parsed.items:
        if item.id in known and known[item.id] != item.pillar:
            raise ValidationError(
                {"checklist": f"item {item.id} belonged to pillar {known[item.id]}: give a new item a new id"}
            )
    with transaction.atomic():
        try:
            with transaction.atomic():
                version = ChecklistVersion.objects.create(
                    country=country, version=parsed.version, source=source, loaded_by=actor
                )
        except IntegrityError:
            raise ValidationError({"checklist": f"version {parsed.version} is loaded for {country} already"}) from None
        audit_record(
            action="preparedness.checklist_load",
            actor=actor,
            actor_label="" if actor else "console",
            object_type="preparedness.checklistversion",
            object_id=version.pk,
            detail={"country": country, "items": len(parsed.items)},
        )
    return version


# --- Assessments --------------------------------------------------------------------------------------------------


def assessment_open(
    *,
    actor: User,
    title: str,
    country: str,
    assessed_on: date,
    region: str = "",
    contributors: list[Organisation] | None = None,
) -> Assessment:
    """Open an assessment against the country's current checklist: every item starts not reviewed, with its
    weight and, where Lantern holds evidence, the figures and the level they suggest."""
    require(actor, PreparednessAction.MANAGE)
    errors: dict[str, str] = {}
    title = _clean(" ".join((title or "").split()), MAX_TITLE, "title", errors, required=True)
    region = _clean(" ".join((region or "").split()), 100, "region", errors)
    country = (country or "").strip().upper()
    if country not in codes.country_codes():
        errors["country"] = refused_codes("country", [country[:20]])
    if assessed_on > timezone.localdate():
        errors["assessed_on"] = _("An assessment cannot be dated in the future.")
    organisation = next(
        (
            m.organisation
            for m in actor.memberships.select_related("organisation")
            if m.role == Role.NATIONAL_COORDINATOR
        ),
        None,
    )
    if organisation is None:
        raise PermissionDenied("not a national coordinator")
    if errors:
        raise ValidationError(errors)
    version = checklist_current(country=country)
    parsed = selectors.checklist_of(version)
    found = evidence.gather(actor=actor, country=country, sources={i.lantern for i in parsed.items if i.lantern})
    with transaction.atomic():
        assessment = Assessment.objects.create(
            organisation=organisation,
            country=country,
            region=region,
            assessed_on=assessed_on,
            title=title,
            checklist=version,
            created_by=actor,
        )
        assessment.contributors.set([organisation, *(contributors or [])])
        ItemAnswer.objects.bulk_create(
            [
                ItemAnswer(
                    assessment=assessment,
                    item_id=item.id,
                    weight=item.weight,
                    lantern_figures=({"source": item.lantern, **found[item.lantern].figures} if item.lantern else {}),
                    lantern_level=found[item.lantern].level if item.lantern else None,
                    updated_by=actor,
                )
                for item in parsed.items
            ]
        )
        audit_record(
            action="preparedness.assessment_open",
            actor=actor,
            organisation_id=organisation.pk,
            object_type="preparedness.assessment",
            object_id=assessment.pk,
            detail={"country": country, "items": len(parsed.items), "checklist": version.pk},
        )
    return assessment


EDITABLE = ("level", "weight", "evidence", "link", "owner_id", "comment", "lantern_decision", "override_reason")
# A partner answers the items her organisation owns; who owns an item, how much it weighs and whether Lantern's
# own figures stand are the coordinator's calls.
COORDINATOR_ONLY = ("weight", "owner_id", "lantern_decision", "override_reason")


def item_update(*, actor: User, answer: ItemAnswer, **changes: Any) -> ItemAnswer:
    """Change an item of a draft assessment (any of EDITABLE; `owner` an Organisation or None). Accepting
    Lantern's evidence sets the level it suggests; overriding it needs a reason. Writes the history row."""
    assessment = answer.assessment
    if not selectors.may_assess(actor, assessment):
        raise PermissionDenied("not a contributor")
    if not selectors.may_assess_item(actor, answer):
        raise PermissionDenied("the item is owned by another organisation")
    if "owner" in changes:
        owner = changes.pop("owner")
        changes["owner_id"] = owner.pk if owner is not None else None
    if set(changes) & set(COORDINATOR_ONLY) and not selectors.may_manage(actor, assessment):
        raise PermissionDenied("only the coordinator ranks gaps, names owners and decides on Lantern's evidence")
    unknown = set(changes) - set(EDITABLE)
    if unknown:
        raise ValidationError({sorted(unknown)[0]: _("This field cannot be changed.")})
    errors: dict[str, str] = {}
    if "level" in changes and (
        not isinstance(changes["level"], int) or changes["level"] not in checklist_module.LEVELS
    ):
        errors["level"] = _("A level from 0 to 5.")
    if "weight" in changes and (
        not isinstance(changes["weight"], int) or changes["weight"] not in checklist_module.WEIGHTS
    ):
        errors["weight"] = _("A weight of 1, 2 or 3.")
    for field, limit in (("evidence", MAX_EVIDENCE), ("comment", MAX_COMMENT), ("override_reason", MAX_REASON)):
        if field in changes:
            changes[field] = _clean(str(changes[field] or ""), limit, field, errors)
    if "link" in changes:
        changes["link"] = _link(str(changes["link"] or ""), errors)
    decision = changes.get("lantern_decision", answer.lantern_decision)
    if "lantern_decision" in changes:
        if decision not in LanternDecision.values:
            errors["lantern_decision"] = _("Accept or override Lantern's evidence.")
        elif decision and answer.lantern_level is None:
            errors["lantern_decision"] = _("Lantern holds no evidence for this item.")
        elif decision == LanternDecision.ACCEPTED:
            changes["level"] = answer.lantern_level
            changes["override_reason"] = ""
    if decision == LanternDecision.OVERRIDDEN and not changes.get("override_reason", answer.override_reason):
        errors["override_reason"] = _("Say why Lantern's evidence is overridden.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        locked = ItemAnswer.objects.select_for_update().select_related("assessment").get(pk=answer.pk)
        if locked.assessment.status != AssessmentStatus.DRAFT:
            raise ValidationError({"assessment": _("This assessment is submitted and can no longer change.")})
        diff = {f: [getattr(locked, f), v] for f, v in changes.items() if getattr(locked, f) != v}
        if not diff:
            return locked
        for field, (_before, after) in diff.items():
            setattr(locked, field, after)
        locked.updated_by = actor
        locked.updated_at = timezone.now()
        locked.save(update_fields=[*diff, "updated_by", "updated_at"])
        # The history keeps levels, weights, owners and decisions; for texts, only that they changed.
        ItemChange.objects.create(
            answer=locked,
            changed_by=actor,
            changes={
                f: (v if f in ("level", "weight", "owner_id", "lantern_decision") else None) for f, v in diff.items()
            },
        )
        audit_record(
            action="preparedness.item_update",
            actor=actor,
            organisation_id=assessment.organisation_id,
            object_type="preparedness.itemanswer",
            object_id=locked.pk,
            detail={"assessment": assessment.pk, "item": locked.item_id, "fields": sorted(diff)},
        )
    return locked


def assessment_submit(*, actor: User, assessment: Assessment) -> Assessment:
    """Submit and freeze: no item of a submitted assessment changes again."""
    require(actor, PreparednessAction.MANAGE)
    with transaction.atomic():
        updated = Assessment.objects.filter(pk=assessment.pk, status=AssessmentStatus.DRAFT).update(
            status=AssessmentStatus.SUBMITTED, submitted_at=timezone.now()
        )
        if not updated:
            raise ValidationError({"assessment": _("This assessment is submitted already.")})
        audit_record(
            action="preparedness.assessment_submit",
            actor=actor,
            organisation_id=assessment.organisation_id,
            object_type="preparedness.assessment",
            object_id=assessment.pk,
            detail={},
        )
    assessment.refresh_from_db()
    return assessment


# --- The plan of action -------------------------------------------------------------------------------------------


def action_create(
    *, actor: User, assessment: Assessment, item_id: str, title: str, owner: Organisation, due_on: date
) -> PlanAction:
    require(actor, PreparednessAction.MANAGE)
    errors: dict[str, str] = {}
    title = _clean(" ".join((title or "").split()), 300, "title", errors, required=True)
    if not assessment.answers.filter(item_id=item_id).exists():
        errors["item_id"] = _("Not an item of this assessment.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        action = PlanAction.objects.create(
            assessment=assessment, item_id=item_id, title=title, owner=owner, due_on=due_on, created_by=actor
        )
        audit_record(
            action="preparedness.action_create",
            actor=actor,
            organisation_id=owner.pk,
            object_type="preparedness.planaction",
            object_id=action.pk,
            detail={"assessment": assessment.pk, "item": item_id},
        )
    return action


def action_update(
    *, actor: User, action: PlanAction, status: str | None = None, due_on: date | None = None
) -> PlanAction:
    require(actor, PreparednessAction.ACTIONS_UPDATE, action.owner)
    if status is not None and status not in ActionStatus.values:
        raise ValidationError({"status": _("Not a status of an action.")})
    with transaction.atomic():
        locked = PlanAction.objects.select_for_update().get(pk=action.pk)
        fields = []
        if status is not None and status != locked.status:
            locked.status = status
            fields.append("status")
        if due_on is not None and due_on != locked.due_on:
            locked.due_on = due_on
            locked.overdue_alerted_at = None  # a new date: its owners are told again if it passes
            fields += ["due_on", "overdue_alerted_at"]
        if fields:
            locked.save(update_fields=fields)
            audit_record(
                action="preparedness.action_update",
                actor=actor,
                organisation_id=locked.owner_id,
                object_type="preparedness.planaction",
                object_id=locked.pk,
                detail={"fields": sorted(set(fields) - {"overdue_alerted_at"}), "status": locked.status},
            )
    return locked


ALERTED_ROLES = (Role.SUPERVISOR, Role.ORG_ADMIN, Role.NATIONAL_COORDINATOR)


def actions_overdue_alert(*, now: Any = None) -> int:
    """Alert the supervisors and administrators of each organisation owning an overdue action, once per action and
    due date, in each recipient's language (a periodic job; safe to run twice: rows are claimed with a lock)."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    with transaction.atomic():
        due = list(
            PlanAction.objects.select_for_update(skip_locked=True)
            .filter(
                status__in=[ActionStatus.OPEN, ActionStatus.IN_PROGRESS],
                due_on__lt=today,
                overdue_alerted_at__isnull=True,
            )
            .order_by("pk")
        )
        if not due:
            return 0
        members = Membership.objects.filter(
            organisation_id__in={a.owner_id for a in due}, role__in=ALERTED_ROLES, user__is_active=True
        ).select_related("user")
        by_org: dict[int, list[User]] = {}
        for membership in members:
            by_org.setdefault(membership.organisation_id, []).append(membership.user)
        alerts = []
        for action in due:
            for user in by_org.get(action.owner_id, []):
                with translation.override(user.preferred_language or None):
                    text = _("A preparedness action is overdue (due %(due)s): %(title)s") % {
                        "due": action.due_on.isoformat(),
                        "title": action.title,
                    }
                alerts.append(
                    Alert(
                        recipient=user,
                        kind=Alert.Kind.INFO,
                        text=text[:500],
                        object_type="preparedness.planaction",
                        object_id=str(action.pk),
                        url=reverse("preparedness:actions"),
                    )
                )
        Alert.objects.bulk_create(alerts)
        PlanAction.objects.filter(pk__in=[a.pk for a in due]).update(overdue_alerted_at=now)
        audit_record(
            action="preparedness.actions_overdue",
            actor_label="periodic",
            object_type="preparedness.planaction",
            detail={"actions": len(due), "alerts": len(alerts)},
        )
    return len(due)


# --- Roles in a crisis --------------------------------------------------------------------------------------------


def role_set(*, actor: User | None, organisation: Organisation, phase: str, duty: str, sop: str = "") -> CrisisRole:
    """Write what an organisation does in a phase. A changed text needs a new acknowledgement."""
    if actor is not None:
        require(actor, PreparednessAction.MANAGE)
    errors: dict[str, str] = {}
    if phase not in Phase.values:
        errors["phase"] = _("Before, declared or lifted.")
    duty = _clean(duty, MAX_EVIDENCE, "duty", errors, required=True)
    sop = _clean(sop, MAX_SOP, "sop", errors)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        role, created = CrisisRole.objects.select_for_update().get_or_create(
            organisation=organisation, phase=phase, defaults={"duty": duty, "sop": sop, "created_by": actor}
        )
        if not created and (role.duty, role.sop) != (duty, sop):
            role.duty, role.sop = duty, sop
            role.updated_at = timezone.now()
            role.acknowledged_at, role.acknowledged_by = None, None
            role.save(update_fields=["duty", "sop", "updated_at", "acknowledged_at", "acknowledged_by"])
        audit_record(
            action="preparedness.role_set",
            actor=actor,
            actor_label="" if actor else "console",
            organisation_id=organisation.pk,
            object_type="preparedness.crisisrole",
            object_id=role.pk,
            detail={"phase": phase, "created": created},
        )
    return role


def role_acknowledge(*, actor: User, role: CrisisRole) -> CrisisRole:
    require(actor, PreparednessAction.ROLES_ACKNOWLEDGE, role.organisation)
    with transaction.atomic():
        updated = CrisisRole.objects.filter(pk=role.pk, acknowledged_at__isnull=True).update(
            acknowledged_at=timezone.now(), acknowledged_by=actor
        )
        if updated:
            audit_record(
                action="preparedness.role_acknowledge",
                actor=actor,
                organisation_id=role.organisation_id,
                object_type="preparedness.crisisrole",
                object_id=role.pk,
                detail={"phase": role.phase},
            )
    role.refresh_from_db()
    return role


# --- The report ---------------------------------------------------------------------------------------------------


def report_export(*, actor: User | None, assessment: Assessment, context: dict[str, Any]) -> bytes:
    """The gap report as PDF; the export is audited like every other."""
    body = pdf.render_pdf(context)
    with transaction.atomic():
        audit_record(
            action="preparedness.report_export",
            actor=actor,
            actor_label="" if actor else "console",
            organisation_id=assessment.organisation_id,
            object_type="preparedness.assessment",
            object_id=assessment.pk,
            detail={"bytes": len(body)},
        )
    return body

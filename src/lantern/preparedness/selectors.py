"""Preparedness reads, scoped to the user through core.permissions. The coordinator sees every assessment; a
partner organisation's supervisor or administrator sees those their organisation contributes to; actions are seen
by the organisation that owns them; roles by the organisation they are given to."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone

from lantern.core.models import Organisation, User
from lantern.core.permissions import can, organisation_scope, roles_of
from lantern.crisis import selectors as crisis_selectors
from lantern.crisis.models import CrisisEvent
from lantern.preparedness import checklist as checklist_module
from lantern.preparedness.models import (
    Assessment,
    ChecklistVersion,
    CrisisRole,
    ItemAnswer,
    Phase,
    PlanAction,
)
from lantern.preparedness.permissions import PreparednessAction

LIFTED_PHASE_DAYS = 90  # a crisis ended less than this long ago is still in its "lifted" phase (recovery)


def assessments_visible_to(user: User, action: str = PreparednessAction.VIEW) -> QuerySet[Assessment]:
    scope = organisation_scope(user, action)
    assessments = Assessment.objects.select_related("organisation", "checklist").order_by("-assessed_on", "-pk")
    if scope.everywhere:
        return assessments
    if not scope.organisation_ids:
        return assessments.none()
    return assessments.filter(contributors__in=sorted(scope.organisation_ids)).distinct()


def assessment_get_for_user(user: User, assessment_id: int, action: str = PreparednessAction.VIEW) -> Assessment:
    assessment = assessments_visible_to(user, action).filter(pk=assessment_id).first()
    if assessment is None:
        raise Http404
    return assessment


def may_assess(user: User, assessment: Assessment) -> bool:
    return assessments_visible_to(user, PreparednessAction.ASSESS).filter(pk=assessment.pk).exists()


def may_manage(user: User, assessment: Assessment) -> bool:
    return assessments_visible_to(user, PreparednessAction.MANAGE).filter(pk=assessment.pk).exists()


def may_assess_item(user: User, answer: ItemAnswer) -> bool:
    """Whether the user may change this item: the coordinator any item; a partner lead, of an assessment her
    organisation contributes to, only the items her organisation owns. An unowned item waits for the coordinator
    to name its owner, so that two partners never overwrite each other's answer."""
    if not may_assess(user, answer.assessment):
        return False
    scope = organisation_scope(user, PreparednessAction.ASSESS)
    return scope.everywhere or (answer.owner_id is not None and answer.owner_id in scope.organisation_ids)


_PARSED: dict[int, checklist_module.Checklist] = {}


def checklist_of(version: ChecklistVersion) -> checklist_module.Checklist:
    """The parsed checklist of a stored version (stored versions never change, so the parse is kept)."""
    if version.pk not in _PARSED:
        _PARSED[version.pk] = checklist_module.parse_toml(version.source)
    return _PARSED[version.pk]


def answers_of(assessment: Assessment) -> QuerySet[ItemAnswer]:
    return assessment.answers.select_related("owner").order_by("pk")


@dataclass
class PillarScore:
    pillar: checklist_module.Pillar
    mean: float | None  # mean level of the reviewed items (level 0 is "not reviewed" and left out), as e-SPAR
    reviewed: int
    items: int
    answers: list[tuple[checklist_module.Item, ItemAnswer]] = field(default_factory=list)


def scores(assessment: Assessment, answers: list[ItemAnswer] | None = None) -> list[PillarScore]:
    checklist = checklist_of(assessment.checklist)
    by_item = {a.item_id: a for a in (answers if answers is not None else answers_of(assessment))}
    result = []
    for pillar in checklist.pillars:
        rows = [(i, by_item[i.id]) for i in checklist.items if i.pillar == pillar.id and i.id in by_item]
        levels = [a.level for _, a in rows if a.level > 0]
        mean = round(sum(levels) / len(levels), 2) if levels else None
        result.append(PillarScore(pillar, mean, len(levels), len(rows), rows))
    return result


def overall(pillar_scores: list[PillarScore]) -> float | None:
    means = [p.mean for p in pillar_scores if p.mean is not None]
    return round(sum(means) / len(means), 2) if means else None


TARGET_LEVEL = 4  # PER's "established": a gap is how far an item is below it


@dataclass(frozen=True)
class Priority:
    item: checklist_module.Item
    answer: ItemAnswer
    gap: int
    score: int  # weight times gap


def priorities(assessment: Assessment) -> list[Priority]:
    """The gaps ranked by weight times gap (an item not reviewed counts as the widest gap), highest first."""
    checklist = checklist_of(assessment.checklist)
    rows = []
    for answer in answers_of(assessment):
        item = checklist.item(answer.item_id)
        if item is None:
            continue
        level = answer.level or 1
        gap = max(0, TARGET_LEVEL - level)
        if gap:
            rows.append(Priority(item, answer, gap, answer.weight * gap))
    rows.sort(key=lambda p: (-p.score, -p.answer.weight, p.item.id))
    return rows


@dataclass(frozen=True)
class Difference:
    item: checklist_module.Item
    before: int | None
    after: int | None

    @property
    def change(self) -> int:
        return (self.after or 0) - (self.before or 0)


def compare(
    older: Assessment, newer: Assessment
) -> tuple[list[tuple[str, float | None, float | None]], list[Difference]]:
    """Pillar means side by side, and the items whose level changed (by their stable ids)."""
    old_scores = {p.pillar.id: p for p in scores(older)}
    new_scores = scores(newer)
    pillars = [(p.pillar.label, getattr(old_scores.get(p.pillar.id), "mean", None), p.mean) for p in new_scores]
    old_levels = dict(older.answers.values_list("item_id", "level"))
    checklist = checklist_of(newer.checklist)
    differences = []
    for item_id, level in newer.answers.values_list("item_id", "level").order_by("pk"):
        before = old_levels.get(item_id)
        item = checklist.item(item_id)
        if item is not None and before != level:
            differences.append(Difference(item, before, level))
    differences.sort(key=lambda d: (-d.change, d.item.id))
    return pillars, differences


def actions_visible_to(user: User) -> QuerySet[PlanAction]:
    scope = organisation_scope(user, PreparednessAction.ACTIONS_VIEW)
    return PlanAction.objects.select_related("owner", "assessment").filter(scope.q("owner_id")).order_by("due_on", "pk")


def action_get_for_user(user: User, action_id: int) -> PlanAction:
    action = actions_visible_to(user).filter(pk=action_id).first()
    if action is None:
        raise Http404
    return action


def roles_visible_to(user: User) -> QuerySet[CrisisRole]:
    scope = organisation_scope(user, PreparednessAction.ROLES_VIEW)
    return CrisisRole.objects.select_related("organisation").filter(scope.q("organisation_id"))


def role_get_for_user(user: User, role_id: int) -> CrisisRole:
    role = roles_visible_to(user).filter(pk=role_id).first()
    if role is None:
        raise Http404
    return role


def phase_now(*, on: date | None = None) -> str:
    """Which phase of the roles matrix applies: a crisis in force, one lifted recently, or none."""
    on = on or timezone.localdate()
    if crisis_selectors.crisis_mode(on=on):
        return Phase.DECLARED
    if CrisisEvent.objects.filter(ends_on__lt=on, ends_on__gte=on - timedelta(days=LIFTED_PHASE_DAYS)).exists():
        return Phase.LIFTED
    return Phase.BEFORE


def roles_now(user: User) -> list[CrisisRole]:
    """The roles of the user's own organisations in the phase that applies now (what "your role now" shows)."""
    own = {org_id for org_id, _role in roles_of(user)}
    if not own or not can(user, PreparednessAction.ROLES_VIEW):
        return []
    return list(CrisisRole.objects.select_related("organisation").filter(organisation_id__in=own, phase=phase_now()))


def lead_agency(country: str) -> Organisation | None:
    return Organisation.objects.filter(country=country, is_lead_agency=True).first()


def organisations_for_choice(country: str) -> QuerySet[Organisation]:
    return Organisation.objects.filter(Q(country=country)).order_by("name")

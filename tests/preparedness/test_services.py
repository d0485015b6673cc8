"""Preparedness writes: assessments filled in by the coordinator and partners, frozen once submitted, Lantern's
evidence accepted or overridden, the history of each item, the plan of action and its overdue alerts."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from lantern.core.models import Alert, AuditEvent
from lantern.preparedness import checklist, selectors, services
from lantern.preparedness.models import Assessment, ItemAnswer, PlanAction
from tests.conftest import World

pytestmark = pytest.mark.django_db


def test_the_checklist_covers_every_pillar_and_cites_each_item() -> None:
    built_in = checklist.built_in()
    pillars = {p.id for p in built_in.pillars}
    assert {
        "coordination", "data", "information", "protection", "health", "justice", "online", "training", "budget",
        "legal", "technology", "at_risk",
    } <= pillars  # fmt: skip
    assert {i.pillar for i in built_in.items} == pillars
    assert all(i.cites.startswith(("unodc:", "amelie:")) for i in built_in.items)
    assert len(built_in.at_risk_groups) == 14
    assert sorted(built_in.levels) == [0, 1, 2, 3, 4, 5]
    staff_languages = {code for code, _name in settings.LANGUAGES}
    for text in [*(p.name for p in built_in.pillars), *(i.title for i in built_in.items)]:
        assert set(text) == staff_languages, text["en"]


def test_an_assessment_starts_with_every_item_and_lanterns_evidence(world: World, assessment: Assessment) -> None:
    answers = {a.item_id: a for a in assessment.answers.all()}
    assert set(answers) == {i.id for i in checklist.built_in().items}
    assert all(a.level == 0 for a in answers.values())
    lead = answers["COO-1"]
    assert lead.lantern_figures["lead"] == world.ministry.name
    assert lead.lantern_level == 4
    assert answers["COO-3"].lantern_figures == {}
    assert AuditEvent.objects.filter(action="preparedness.assessment_open", object_id=str(assessment.pk)).exists()


def test_a_partner_fills_an_item_and_its_history_is_kept(world: World, assessment: Assessment) -> None:
    answer = assessment.answers.get(item_id="PRO-1")  # owned by the supervisor's NGO
    services.item_update(actor=world.supervisor, answer=answer, level=3, evidence="Quarantine plan adopted in 2025")
    answer.refresh_from_db()
    assert (answer.level, answer.owner_id) == (3, world.ngo_a.pk)
    change = answer.changes.get(changed_by=world.supervisor)
    assert change.changes["level"] == [0, 3]
    assert change.changes["evidence"] is None  # the history says the text changed, not what it says
    assert change.changed_by == world.supervisor


def test_someone_outside_the_assessment_cannot_change_it(world: World, assessment: Assessment) -> None:
    answer = assessment.answers.get(item_id="PRO-1")
    for persona in ("outsider_admin", "caseworker", "analyst", "police"):
        with pytest.raises(PermissionDenied):
            services.item_update(actor=world.users[persona], answer=answer, level=5)
    answer.refresh_from_db()
    assert answer.level == 0
    with pytest.raises(PermissionDenied):  # ranking gaps is the coordinator's
        services.item_update(actor=world.supervisor, answer=answer, weight=1)


def test_a_partner_answers_only_her_organisations_items_and_the_coordinator_decides_the_rest(
    world: World, assessment: Assessment
) -> None:
    # Given COO-1, which Lantern holds evidence for, owned by the police; COO-3 with no owner; PRO-1 the NGO's
    police_item = assessment.answers.get(item_id="COO-1")
    services.item_update(actor=world.coordinator, answer=police_item, owner=world.police_unit)
    unowned = assessment.answers.get(item_id="COO-3")
    own = assessment.answers.get(item_id="PRO-1")
    for persona in ("supervisor", "org_admin"):
        partner = world.users[persona]
        # When a lead of the NGO changes an item her organisation does not own, then she is refused
        for answer in (police_item, unowned):
            with pytest.raises(PermissionDenied):
                services.item_update(actor=partner, answer=answer, level=5)
        # nor may she name owners or decide on Lantern's evidence, even on her own item
        for change in ({"owner": world.police_unit}, {"owner": None}, {"lantern_decision": "accepted"}):
            with pytest.raises(PermissionDenied):
                services.item_update(actor=partner, answer=own, **change)
    police_item.refresh_from_db()
    own.refresh_from_db()
    assert (police_item.level, police_item.owner_id, police_item.lantern_decision) == (0, world.police_unit.pk, "")
    assert (own.owner_id, own.lantern_decision) == (world.ngo_a.pk, "")
    assert unowned.changes.count() == 0
    # The coordinator changes any item, its owner and the decision on Lantern's evidence
    services.item_update(
        actor=world.coordinator,
        answer=police_item,
        owner=world.ngo_a,
        lantern_decision="overridden",
        override_reason="The figures miss the islands",
        level=2,
    )
    police_item.refresh_from_db()
    assert (police_item.owner_id, police_item.lantern_decision) == (world.ngo_a.pk, "overridden")


def test_accepting_lanterns_evidence_sets_its_level_and_overriding_needs_a_reason(
    world: World, assessment: Assessment
) -> None:
    answer = assessment.answers.get(item_id="COO-1")
    services.item_update(actor=world.coordinator, answer=answer, lantern_decision="accepted")
    answer.refresh_from_db()
    assert answer.level == answer.lantern_level == 4
    with pytest.raises(ValidationError) as refused:
        services.item_update(actor=world.coordinator, answer=answer, lantern_decision="overridden", level=2)
    assert "override_reason" in refused.value.message_dict
    answer.refresh_from_db()
    assert (answer.level, answer.lantern_decision) == (4, "accepted")
    services.item_update(
        actor=world.coordinator,
        answer=answer,
        lantern_decision="overridden",
        level=2,
        override_reason="The lead agency has no mandate written down",
    )
    answer.refresh_from_db()
    assert (answer.level, answer.lantern_decision) == (2, "overridden")


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("level", 6),
        ("level", -1),
        ("weight", 0),
        ("link", "javascript:alert(1)"),
        ("link", "https://" + "a" * 600),
        ("evidence", "x" * 10_000_000),
        ("lantern_decision", "maybe"),
    ],
)
def test_bad_values_are_refused_and_change_nothing(
    world: World, assessment: Assessment, field: str, value: object
) -> None:
    answer = assessment.answers.get(item_id="COO-1")
    with pytest.raises(ValidationError) as refused:
        services.item_update(actor=world.coordinator, answer=answer, **{field: value})
    assert field in refused.value.message_dict
    fresh = ItemAnswer.objects.get(pk=answer.pk)
    assert (fresh.level, fresh.weight, fresh.link, fresh.evidence) == (0, answer.weight, "", "")
    assert not fresh.changes.exists()


def test_a_submitted_assessment_is_frozen(world: World, assessment: Assessment) -> None:
    services.assessment_submit(actor=world.coordinator, assessment=assessment)
    answer = assessment.answers.get(item_id="COO-2")
    with pytest.raises(ValidationError):
        services.item_update(actor=world.coordinator, answer=answer, level=5)
    assert ItemAnswer.objects.get(pk=answer.pk).level == 0
    with pytest.raises(ValidationError):
        services.assessment_submit(actor=world.coordinator, assessment=assessment)


def test_scores_are_the_mean_level_of_reviewed_items_and_priorities_rank_weight_times_gap(
    world: World, assessment: Assessment
) -> None:
    for item_id, level in (("COO-1", 4), ("COO-2", 2), ("COO-3", 3)):
        services.item_update(actor=world.coordinator, answer=assessment.answers.get(item_id=item_id), level=level)
    coordination = next(s for s in selectors.scores(assessment) if s.pillar.id == "coordination")
    assert coordination.mean == 3.0  # (4 + 2 + 3) / 3; items not reviewed are left out
    assert coordination.reviewed == 3
    ranked = selectors.priorities(assessment)
    assert "COO-1" not in [p.item.id for p in ranked]  # established: no gap
    coo2 = next(p for p in ranked if p.item.id == "COO-2")
    assert (coo2.gap, coo2.score) == (2, 6)  # weight 3 times gap 2
    assert [p.score for p in ranked] == sorted((p.score for p in ranked), reverse=True)


def test_an_overdue_action_alerts_its_owners_once(world: World, assessment: Assessment) -> None:
    action = services.action_create(
        actor=world.coordinator,
        assessment=assessment,
        item_id="PRO-1",
        title="Quarantine wing plan for every shelter",
        owner=world.ngo_a,
        due_on=timezone.localdate() - timedelta(days=1),
    )
    assert services.actions_overdue_alert() == 1
    recipients = set(
        Alert.objects.filter(object_type="preparedness.planaction").values_list("recipient__username", flat=True)
    )
    assert recipients == {"supervisor", "org_admin"}
    assert services.actions_overdue_alert() == 0  # once
    assert Alert.objects.filter(object_type="preparedness.planaction").count() == 2
    services.action_update(actor=world.supervisor, action=action, status="done")
    assert PlanAction.objects.get(pk=action.pk).status == "done"
    with pytest.raises(PermissionDenied):
        services.action_update(actor=world.outsider_admin, action=action, status="open")


def test_a_country_copy_keeps_item_ids_stable(world: World) -> None:
    source = checklist.BUILT_IN.read_text("utf-8").replace('version = "2026.1"', 'version = "GR-1"')
    copy = services.checklist_load(actor=world.coordinator, country="GR", source=source)
    assert services.checklist_current(country="GR") == copy
    moved = source.replace('id = "COO-1"\npillar = "coordination"', 'id = "COO-1"\npillar = "budget"').replace(
        'version = "GR-1"', 'version = "GR-2"'
    )
    with pytest.raises(ValidationError, match="COO-1"):
        services.checklist_load(actor=world.coordinator, country="GR", source=moved)
    with pytest.raises(ValidationError):
        services.checklist_load(actor=world.coordinator, country="GR", source="version = [")
    with pytest.raises(PermissionDenied):
        services.checklist_load(actor=world.supervisor, country="GR", source=source)


def test_roles_are_acknowledged_by_their_organisation_and_a_new_text_asks_again(world: World) -> None:
    role = services.role_set(actor=world.coordinator, organisation=world.ngo_a, phase="declared", duty="Keep hotline")
    with pytest.raises(PermissionDenied):
        services.role_acknowledge(actor=world.outsider_admin, role=role)
    role = services.role_acknowledge(actor=world.supervisor, role=role)
    assert role.acknowledged_at is not None
    role = services.role_set(
        actor=world.coordinator, organisation=world.ngo_a, phase="declared", duty="Keep hotline 24/7"
    )
    assert role.acknowledged_at is None


def test_an_assessment_is_never_dated_in_the_future(world: World) -> None:
    with pytest.raises(ValidationError):
        services.assessment_open(
            actor=world.coordinator, title="Later", country="GR", assessed_on=timezone.localdate() + timedelta(days=2)
        )
    assert not Assessment.objects.exists()

"""The targets of the preparedness lines of the authorization matrix (tests/core/test_authz_matrix.py): an
assessment of Greece that the NGO of organisation A contributes to, an action of its plan owned by that NGO, and
the NGO's role when a crisis is declared."""

from __future__ import annotations

from datetime import date, timedelta

from lantern.preparedness import services
from lantern.preparedness.models import Assessment, CrisisRole, PlanAction
from tests.conftest import World


def preparedness_targets(world: World) -> None:
    assessment = services.assessment_open(
        actor=world.coordinator, title="Greece", country="GR", assessed_on=date(2026, 1, 15), contributors=[world.ngo_a]
    )
    # The item the matrix changes (COO-2) is the NGO's to answer: a partner answers only her organisation's items.
    answer = assessment.answers.get(item_id="COO-2")
    services.item_update(actor=world.coordinator, answer=answer, owner=world.ngo_a)
    services.action_create(
        actor=world.coordinator,
        assessment=assessment,
        item_id="PRO-1",
        title="Quarantine wing plan",
        owner=world.ngo_a,
        due_on=date(2026, 1, 15) + timedelta(days=90),
    )
    services.role_set(actor=world.coordinator, organisation=world.ngo_a, phase="declared", duty="Keep the hotline open")


def preparedness_url(url: str) -> str:
    if "{assessment_id}" in url:
        assessment = Assessment.objects.get()
        url = url.replace("{assessment_id}", str(assessment.pk))
        url = url.replace("{answer_id}", str(assessment.answers.get(item_id="COO-2").pk))
    if "{action_id}" in url:
        url = url.replace("{action_id}", str(PlanAction.objects.get().pk))
    if "{role_id}" in url:
        url = url.replace("{role_id}", str(CrisisRole.objects.get().pk))
    return url

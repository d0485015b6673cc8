"""Preparedness actions in the one permission module.

The national coordinator runs the self-assessment of the national plan: opens and submits assessments, loads a
country's checklist, ranks gaps, plans actions and writes the roles matrix. Supervisors and administrators of a
partner organisation contribute to the assessments their organisation is named in (the selectors narrow the scope
to those, and to the items their organisation owns), see and move the actions their organisation owns, and
acknowledge their organisation's roles. Analysts read the assessments and the report (no personal data is in
them); every member sees the roles of their own organisation, which is what "your role now" shows."""

from __future__ import annotations

from enum import StrEnum

from lantern.core.permissions import ALL_ROLES, Rule, register_rule
from lantern.core.roles import Role

PARTNER_LEADS = frozenset({Role.SUPERVISOR, Role.ORG_ADMIN})


class PreparednessAction(StrEnum):
    VIEW = "preparedness.view"  # assessments, scores, the report, the comparison
    # Set an item's level, evidence, link, comment: a partner lead on the items her organisation owns (a contributor
    # to the assessment), the coordinator on any. Owners, weights and Lantern's evidence need MANAGE.
    ASSESS = "preparedness.assess"
    MANAGE = "preparedness.manage"  # open, submit, checklist copies, priorities, actions, the roles matrix
    ACTIONS_VIEW = "preparedness.actions_view"
    ACTIONS_UPDATE = "preparedness.actions_update"  # move an action owned by one's organisation
    ROLES_VIEW = "preparedness.roles_view"
    ROLES_ACKNOWLEDGE = "preparedness.roles_acknowledge"


COORDINATOR = frozenset({Role.NATIONAL_COORDINATOR})

register_rule(PreparednessAction.VIEW, Rule(in_own_organisation=PARTNER_LEADS, everywhere=COORDINATOR | {Role.ANALYST}))
register_rule(PreparednessAction.ASSESS, Rule(in_own_organisation=PARTNER_LEADS, everywhere=COORDINATOR))
register_rule(PreparednessAction.MANAGE, Rule(everywhere=COORDINATOR))
register_rule(
    PreparednessAction.ACTIONS_VIEW, Rule(in_own_organisation=PARTNER_LEADS, everywhere=COORDINATOR | {Role.ANALYST})
)
register_rule(PreparednessAction.ACTIONS_UPDATE, Rule(in_own_organisation=PARTNER_LEADS, everywhere=COORDINATOR))
register_rule(PreparednessAction.ROLES_VIEW, Rule(in_own_organisation=ALL_ROLES, everywhere=COORDINATOR))
register_rule(PreparednessAction.ROLES_ACKNOWLEDGE, Rule(in_own_organisation=PARTNER_LEADS))

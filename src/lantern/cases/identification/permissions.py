"""Who fills in the indicator checklist and who reads it, and who notifies anonymously, added to the one
permission module (lantern.core.permissions)."""

from __future__ import annotations

from enum import StrEnum

from lantern.core.permissions import Rule, register_rule
from lantern.core.roles import Role


class IdentificationAction(StrEnum):
    # The checklist on a case: those who work on the case, and a first responder on the cases she registered
    # (police, labour inspectors, border guards and hotline staff hold the first-responder role).
    CHECKLIST_RECORD = "case.checklist_record"
    CHECKLIST_VIEW = "case.checklist_view"
    # A statistics-only record: no person, so no record-level reading beyond the notifying organisation's own
    # list; the national picture comes through the insights and the CTDC export, protected like every count.
    NOTIFY_ANONYMOUSLY = "notification.create"
    NOTIFICATIONS_VIEW = "notification.view"


_WORK_ON_CASES = frozenset({Role.CASEWORKER, Role.SUPERVISOR})

register_rule(
    IdentificationAction.CHECKLIST_RECORD,
    Rule(in_own_organisation=_WORK_ON_CASES, on_own_records=frozenset({Role.FIRST_RESPONDER})),
)
register_rule(
    IdentificationAction.CHECKLIST_VIEW,
    # The competent authority decides on the evidence: its members read the checklists of the cases referred to it.
    Rule(
        in_own_organisation=_WORK_ON_CASES,
        on_own_records=frozenset({Role.FIRST_RESPONDER}),
        on_referred_cases=frozenset({Role.AUTHORITY_MEMBER}),
    ),
    break_glass=True,  # whoever opens the case by break-glass sees the case page whole, as with case.view
)
register_rule(
    IdentificationAction.NOTIFY_ANONYMOUSLY,
    Rule(in_own_organisation=_WORK_ON_CASES | {Role.FIRST_RESPONDER}),
)
register_rule(
    IdentificationAction.NOTIFICATIONS_VIEW,
    Rule(in_own_organisation=_WORK_ON_CASES | {Role.FIRST_RESPONDER}),
)

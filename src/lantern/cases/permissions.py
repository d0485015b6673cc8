"""The case registry's actions, added to the one permission module (lantern.core.permissions)."""

from __future__ import annotations

from enum import StrEnum

from lantern.core.permissions import Rule, register_rule
from lantern.core.roles import Role


class CaseAction(StrEnum):
    VIEW = "case.view"  # the case with its personal data
    CREATE = "case.create"
    UPDATE = "case.update"
    ASSIGN = "case.assign"  # to anyone of the organisation who holds cases
    TAKE = "case.take"  # "assign to me" an unassigned case of one's own organisation
    SEARCH_NAME = "case.search_name"  # find a case by the person's exact name (blind index), own organisation
    LIST_EXPORT = "case.list_export"  # the case list as CSV: references, stages, dates; no personal data
    DECIDE = "case.decide"  # reasonable- and conclusive-grounds decisions
    EXPORT = "case.export"  # HTCDS export with personal data
    ERASE = "case.erase"  # right to erasure
    STATISTICS = "case.statistics"  # de-identified (CTDC) export and counts
    DUPLICATES = "case.duplicates"  # how many people several organisations registered (a count, no names)
    NRM_STATUS = "case.nrm_status"  # where each case stands with the competent authority (no personal data)
    # A child's age assessment, guardian and best-interests steps: they decide whether she is protected as a child,
    # so they are recorded by those who hold the case, never by a first responder on the cases she registered.
    CHILD_PROTECTION = "case.child_protection"
    # Hand the case over to another organisation, which holds it from then on (with the person's consent).
    TRANSFER = "case.transfer"
    # Charges and fines against the person and the requests that she not be punished for them: read by those who
    # hold the case and by the competent authority; the prosecutor of a proceeding of the case reads them too
    # (justice registers that check: lantern.cases.non_punishment.READERS). Recorded by those who hold the case.
    NON_PUNISHMENT_VIEW = "case.non_punishment_view"
    NON_PUNISHMENT_RECORD = "case.non_punishment_record"
    # Closure, follow-up, reopening and return (docs/case-registry.md, "Closure"): those who hold the case. A first
    # responder registers but closes nothing; only a supervisor closes while something is still open.
    CLOSE = "case.close"
    CLOSE_OVERRIDE = "case.close_override"
    REOPEN = "case.reopen"
    PLAN_RETURN = "case.plan_return"
    # The assistance plan, its actions and reviews, the services she declines, the risk assessment with its safety
    # plan, mediators and the languages of the procedure: the work of those who hold the case. A first responder
    # registers a case and may correct what she recorded, but neither reads nor writes the plan (it is her story).
    PLAN = "case.plan"


register_rule(
    CaseAction.VIEW,
    Rule(
        in_own_organisation=frozenset({Role.CASEWORKER, Role.SUPERVISOR}),
        on_own_records=frozenset({Role.FIRST_RESPONDER}),
        # The competent authority reads the file of the cases referred to it: it cannot decide without it.
        on_referred_cases=frozenset({Role.AUTHORITY_MEMBER}),
    ),
    break_glass=True,
)
register_rule(
    CaseAction.CREATE,
    Rule(in_own_organisation=frozenset({Role.CASEWORKER, Role.SUPERVISOR, Role.FIRST_RESPONDER})),
)
register_rule(
    CaseAction.UPDATE,
    Rule(
        in_own_organisation=frozenset({Role.CASEWORKER, Role.SUPERVISOR}),
        on_own_records=frozenset({Role.FIRST_RESPONDER}),
    ),
)
register_rule(CaseAction.ASSIGN, Rule(in_own_organisation=frozenset({Role.SUPERVISOR})))
# A first responder (police, labour inspection) registers but holds no cases: she hands the case she registered to
# a case-managing organisation, as NRM practice has it; a supervisor moves one of her organisation's cases to
# another (issue #20's "transfer with consent"). A caseworker asks her supervisor. Decision in docs/case-registry.md.
register_rule(
    CaseAction.TRANSFER,
    Rule(in_own_organisation=frozenset({Role.SUPERVISOR}), on_own_records=frozenset({Role.FIRST_RESPONDER})),
)
register_rule(CaseAction.CLOSE, Rule(in_own_organisation=frozenset({Role.CASEWORKER, Role.SUPERVISOR})))
register_rule(CaseAction.CLOSE_OVERRIDE, Rule(in_own_organisation=frozenset({Role.SUPERVISOR})))
register_rule(CaseAction.REOPEN, Rule(in_own_organisation=frozenset({Role.CASEWORKER, Role.SUPERVISOR})))
register_rule(CaseAction.PLAN_RETURN, Rule(in_own_organisation=frozenset({Role.CASEWORKER, Role.SUPERVISOR})))
register_rule(CaseAction.PLAN, Rule(in_own_organisation=frozenset({Role.CASEWORKER, Role.SUPERVISOR})))
register_rule(CaseAction.CHILD_PROTECTION, Rule(in_own_organisation=frozenset({Role.CASEWORKER, Role.SUPERVISOR})))
# Identification is the competent authority's, not the service provider's (OSCE/ODIHR NRM handbook): an NGO does
# not certify its own clients. Only the members of the authority a case was referred to decide on it.
register_rule(CaseAction.DECIDE, Rule(on_referred_cases=frozenset({Role.AUTHORITY_MEMBER})))
# A caseworker takes an unassigned case of her organisation herself (cases.services.case_take); moving a case
# from one colleague to another stays with the supervisor. Decision recorded in docs/case-registry.md.
register_rule(CaseAction.TAKE, Rule(in_own_organisation=frozenset({Role.CASEWORKER, Role.SUPERVISOR})))
# A name is asked only inside one's own organisation, and only by those who hold its cases: a first responder
# sees only the cases she registered, so a name search would tell her whether colleagues know the person.
register_rule(CaseAction.SEARCH_NAME, Rule(in_own_organisation=frozenset({Role.CASEWORKER, Role.SUPERVISOR})))
# The list as CSV carries what the list page shows (no personal data) for those who hold the organisation's cases.
register_rule(CaseAction.LIST_EXPORT, Rule(in_own_organisation=frozenset({Role.CASEWORKER, Role.SUPERVISOR})))
register_rule(CaseAction.EXPORT, Rule(in_own_organisation=frozenset({Role.SUPERVISOR})))
register_rule(CaseAction.ERASE, Rule(in_own_organisation=frozenset({Role.SUPERVISOR})))
register_rule(
    CaseAction.STATISTICS,
    Rule(
        in_own_organisation=frozenset({Role.SUPERVISOR}),
        everywhere=frozenset({Role.ANALYST, Role.NATIONAL_COORDINATOR}),
    ),
)
register_rule(CaseAction.DUPLICATES, Rule(everywhere=frozenset({Role.NATIONAL_COORDINATOR})))
# The coordinator answers for the mechanism's speed: she sees each referred case's stage and deadlines by its
# reference, never the person (the authority sees the file; the coordinator does not need it to chase a delay).
register_rule(
    CaseAction.NRM_STATUS,
    Rule(everywhere=frozenset({Role.NATIONAL_COORDINATOR}), on_referred_cases=frozenset({Role.AUTHORITY_MEMBER})),
)
register_rule(
    CaseAction.NON_PUNISHMENT_VIEW,
    Rule(
        in_own_organisation=frozenset({Role.CASEWORKER, Role.SUPERVISOR}),
        on_referred_cases=frozenset({Role.AUTHORITY_MEMBER}),
    ),
)
register_rule(CaseAction.NON_PUNISHMENT_RECORD, Rule(in_own_organisation=frozenset({Role.CASEWORKER, Role.SUPERVISOR})))

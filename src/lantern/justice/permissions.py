"""Justice actions in the one permission module.

Prosecutors and court clerks (role justice) see and manage the proceedings their organisation is in charge of and
the hearings of the courts whose registry they work in. The caseworker and supervisor of a case see its hearings
(through the case scope, `CaseAction.VIEW`) so they can tell the survivor; they change nothing here. The national
coordinator and analysts see the backlog figures, which carry no personal data, and no hearing."""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING

from lantern.core.permissions import ALL_ROLES, Rule, can, register_rule
from lantern.core.roles import Role

if TYPE_CHECKING:
    from lantern.core.models import User
    from lantern.justice.models import Hearing, Proceeding


class JusticeAction(StrEnum):
    VIEW = "justice.view"  # proceedings and hearings of one's own organisation (prosecution or court registry)
    MANAGE = "justice.manage"  # open proceedings, schedule, hold, postpone, reschedule, cancel, protective measures
    BACKLOG = "justice.backlog"  # figures by court, no personal data
    COURTS_VIEW = "justice.courts_view"  # the list of courts (public information)
    COURTS_MANAGE = "justice.courts_manage"


register_rule(JusticeAction.VIEW, Rule(in_own_organisation=frozenset({Role.JUSTICE})))
register_rule(JusticeAction.MANAGE, Rule(in_own_organisation=frozenset({Role.JUSTICE})))
register_rule(
    JusticeAction.BACKLOG,
    Rule(
        in_own_organisation=frozenset({Role.JUSTICE}),
        everywhere=frozenset({Role.NATIONAL_COORDINATOR, Role.ANALYST}),
    ),
)
register_rule(JusticeAction.COURTS_VIEW, Rule(everywhere=ALL_ROLES))
register_rule(JusticeAction.COURTS_MANAGE, Rule(everywhere=frozenset({Role.NATIONAL_COORDINATOR, Role.SYSADMIN})))


def may_manage_hearing(user: User | None, hearing: Hearing) -> bool:
    """The prosecution in charge of the proceeding, or the registry of the hearing's court (no user: the system)."""
    if user is None:
        return True
    if can(user, JusticeAction.MANAGE, hearing.proceeding.organisation):
        return True
    return hearing.court.registry is not None and can(user, JusticeAction.MANAGE, hearing.court.registry)


def may_manage_proceeding(user: User | None, proceeding: Proceeding) -> bool:
    """Who records what a proceeding decided (outcomes, compensation, protective measures, the survivor's legal
    representative): the prosecution in charge, or a clerk of a court that hears it (no user: the system). The
    caseworker and supervisor of the case see it, to tell the survivor, and change nothing."""
    if user is None:
        return True
    if can(user, JusticeAction.MANAGE, proceeding.organisation):
        return True
    from lantern.justice.selectors import registries_hearing

    return any(can(user, JusticeAction.MANAGE, registry) for registry in registries_hearing(proceeding))

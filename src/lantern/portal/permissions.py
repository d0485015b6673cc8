"""The portal's staff actions in the one permission module. Visitors of the public pages need no permission:
they read only what providers marked public and what the coordinator published."""

from __future__ import annotations

from enum import StrEnum

from lantern.core.permissions import Rule, register_rule
from lantern.core.roles import Role


class PortalAction(StrEnum):
    MESSAGES = "portal.messages"  # write the crisis messages in every language, see the translation status
    INTAKES = "portal.intakes"  # the call-back requests addressed to one's own organisation (a hotline)


register_rule(PortalAction.MESSAGES, Rule(everywhere=frozenset({Role.NATIONAL_COORDINATOR})))
# The people who answer a hotline are its first responders, caseworkers and supervisors.
register_rule(
    PortalAction.INTAKES,
    Rule(in_own_organisation=frozenset({Role.FIRST_RESPONDER, Role.CASEWORKER, Role.SUPERVISOR})),
)

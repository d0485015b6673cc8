"""Referral actions in the one permission module."""

from __future__ import annotations

from enum import StrEnum

from lantern.core.permissions import Rule, register_rule
from lantern.core.roles import Role


class ReferralAction(StrEnum):
    VIEW = "referral.view"
    RESPOND = "referral.respond"  # accept, decline, start, complete: the receiving organisation's staff


register_rule(
    ReferralAction.VIEW,
    Rule(
        in_own_organisation=frozenset({Role.CASEWORKER, Role.SUPERVISOR, Role.SERVICE_PROVIDER, Role.FIRST_RESPONDER}),
        everywhere=frozenset({Role.NATIONAL_COORDINATOR}),
    ),
)
register_rule(
    ReferralAction.RESPOND,
    Rule(in_own_organisation=frozenset({Role.SERVICE_PROVIDER, Role.CASEWORKER, Role.SUPERVISOR})),
)

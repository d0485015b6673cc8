"""Notification actions in the one permission module."""

from __future__ import annotations

from enum import StrEnum

from lantern.core.permissions import Rule, register_rule
from lantern.core.roles import Role


class NotifyAction(StrEnum):
    LOG = "notify.log"  # the delivery log of a case: who was told what, on which channel, and how it went
    SUPERVISE = "notify.supervise"  # close a colleague's task
    INBOX = "notify.inbox"  # one's own in-app messages and tasks
    TEMPLATES = "notify.templates"  # which messages exist in which language


register_rule(NotifyAction.LOG, Rule(in_own_organisation=frozenset({Role.CASEWORKER, Role.SUPERVISOR})))
register_rule(NotifyAction.SUPERVISE, Rule(in_own_organisation=frozenset({Role.SUPERVISOR})))
register_rule(NotifyAction.INBOX, Rule(in_own_organisation=frozenset(Role)))
register_rule(
    NotifyAction.TEMPLATES,
    Rule(
        in_own_organisation=frozenset({Role.SUPERVISOR, Role.ORG_ADMIN}),
        everywhere=frozenset({Role.NATIONAL_COORDINATOR, Role.SYSADMIN}),
    ),
)

"""The provider directory's actions."""

from __future__ import annotations

from enum import StrEnum

from lantern.core.permissions import ALL_ROLES, Rule, register_rule
from lantern.core.roles import Role


class ProviderAction(StrEnum):
    VIEW = "provider.view"  # the directory: who offers what, where, and whether they are operating
    MANAGE = "provider.manage"  # an organisation's own offers
    STATUS = "provider.status"  # an organisation's own operating status and staff absence
    SUSPEND = "provider.suspend"  # suspend the whole organisation (routing and the portal stop), or lift it
    REVIEW = "provider.review"  # approve what the public portal shows of the directory


register_rule(ProviderAction.VIEW, Rule(everywhere=ALL_ROLES))
register_rule(
    ProviderAction.MANAGE,
    Rule(in_own_organisation=frozenset({Role.ORG_ADMIN, Role.SUPERVISOR}), everywhere=frozenset({Role.SYSADMIN})),
)
register_rule(
    ProviderAction.STATUS,
    Rule(
        in_own_organisation=frozenset({Role.ORG_ADMIN, Role.SUPERVISOR, Role.SERVICE_PROVIDER, Role.CASEWORKER}),
        everywhere=frozenset({Role.SYSADMIN}),
    ),
)
# Suspending stops every referral to the organisation and closes it on the portal: the people who answer for the
# organisation decide it, not any member of its staff.
register_rule(
    ProviderAction.SUSPEND,
    Rule(in_own_organisation=frozenset({Role.ORG_ADMIN, Role.SUPERVISOR}), everywhere=frozenset({Role.SYSADMIN})),
)
# The portal sends victims to the numbers it lists: the national coordinator vouches for each one.
register_rule(ProviderAction.REVIEW, Rule(everywhere=frozenset({Role.NATIONAL_COORDINATOR})))

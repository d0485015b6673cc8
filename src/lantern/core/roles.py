"""The roles a membership can carry, and which of them can see personal data (and so need two factors)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    CASEWORKER = "caseworker", _("Caseworker")
    SUPERVISOR = "supervisor", _("Supervisor")
    ORG_ADMIN = "org_admin", _("Organisation administrator")
    FIRST_RESPONDER = "first_responder", _("First responder")
    SERVICE_PROVIDER = "service_provider", _("Service provider")
    JUSTICE = "justice", _("Prosecutor or court clerk")
    NATIONAL_COORDINATOR = "national_coordinator", _("National coordinator")
    ANALYST = "analyst", _("Analyst")
    AUDITOR = "auditor", _("Auditor")
    SYSADMIN = "sysadmin", _("System administrator")
    # A member of the competent authority (or of its multi-agency panel): reads the cases referred to it and takes
    # the reasonable- and conclusive-grounds decisions on them.
    AUTHORITY_MEMBER = "authority_member", _("Member of the competent authority")


# Roles that can see (or grant themselves, by break-glass, or administer access to) personal data of victims.
# Every one of them logs in with a second factor. Analysts see only aggregates; auditors see the audit trail,
# which holds no personal data.
PERSONAL_DATA_ROLES: frozenset[Role] = frozenset(
    {
        Role.CASEWORKER,
        Role.SUPERVISOR,
        Role.ORG_ADMIN,
        Role.FIRST_RESPONDER,
        Role.SERVICE_PROVIDER,
        Role.JUSTICE,
        Role.NATIONAL_COORDINATOR,
        Role.SYSADMIN,
        Role.AUTHORITY_MEMBER,
    }
)

# Roles whose work spans every organisation (the national picture, the audit trail, the system itself).
NATIONAL_ROLES: frozenset[Role] = frozenset({Role.NATIONAL_COORDINATOR, Role.ANALYST, Role.AUDITOR, Role.SYSADMIN})

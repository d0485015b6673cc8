"""Who may publish statistics and download the k-anonymous CTDC file: the analysts and the national coordinator.
Both see only aggregated or de-identified data through these actions."""

from __future__ import annotations

from enum import StrEnum

from lantern.core.permissions import Rule, register_rule
from lantern.core.roles import Role


class PublicationAction(StrEnum):
    PUBLISH = "insights.publish"  # tables protected by suppression or differential privacy, the privacy ledger
    CTDC_EXPORT = "insights.ctdc_export"  # CTDC microdata, k-anonymous on its quasi-identifiers
    POLICY = "insights.publication_policy"  # the smallest k anyone may publish with


PUBLISHERS = frozenset({Role.ANALYST, Role.NATIONAL_COORDINATOR})

register_rule(PublicationAction.PUBLISH, Rule(everywhere=PUBLISHERS))
register_rule(PublicationAction.CTDC_EXPORT, Rule(everywhere=PUBLISHERS))
# The coordinator, not the analyst who publishes, decides how small a published count may be.
register_rule(PublicationAction.POLICY, Rule(everywhere=frozenset({Role.NATIONAL_COORDINATOR})))

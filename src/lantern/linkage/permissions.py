"""Linkage actions in the one permission module.

A supervisor produces the encodings of her own organisation's cases (with the secret the organisations share, which
Lantern never keeps). The national coordinator uploads the organisations' encodings, links them and sees the
estimated number of distinct victims; nobody else sees encodings or estimates, and nobody sees another
organisation's records."""

from __future__ import annotations

from enum import StrEnum

from lantern.core.permissions import Rule, register_rule
from lantern.core.roles import Role


class LinkageAction(StrEnum):
    ENCODE = "linkage.encode"  # encodings of one's own organisation's cases
    MANAGE = "linkage.manage"  # upload encodings, run the linkage
    VIEW = "linkage.view"  # the uploads (counts, no records) and the estimate


register_rule(LinkageAction.ENCODE, Rule(in_own_organisation=frozenset({Role.SUPERVISOR})))
register_rule(LinkageAction.MANAGE, Rule(everywhere=frozenset({Role.NATIONAL_COORDINATOR})))
register_rule(LinkageAction.VIEW, Rule(everywhere=frozenset({Role.NATIONAL_COORDINATOR})))

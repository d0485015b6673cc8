"""Shelter actions in the one permission module."""

from __future__ import annotations

from enum import StrEnum

from lantern.core.permissions import Rule, register_rule
from lantern.core.roles import Role


class ShelterAction(StrEnum):
    BOARD = "shelter.board"  # free beds by region and restriction, blocked repatriations: no personal data
    RESIDENTS = "shelter.residents"  # a shelter's own residents, by reference
    ADMIT = "shelter.admit"  # admit, move, record quarantine steps, discharge, plan repatriations
    MANAGE = "shelter.manage"  # rooms and beds


register_rule(
    ShelterAction.BOARD,
    Rule(
        in_own_organisation=frozenset({Role.CASEWORKER, Role.SUPERVISOR, Role.SERVICE_PROVIDER, Role.FIRST_RESPONDER}),
        everywhere=frozenset({Role.NATIONAL_COORDINATOR}),
    ),
)
register_rule(
    ShelterAction.RESIDENTS,
    Rule(in_own_organisation=frozenset({Role.SERVICE_PROVIDER, Role.SUPERVISOR, Role.CASEWORKER})),
)
register_rule(ShelterAction.ADMIT, Rule(in_own_organisation=frozenset({Role.SERVICE_PROVIDER, Role.SUPERVISOR})))
register_rule(
    ShelterAction.MANAGE,
    Rule(in_own_organisation=frozenset({Role.SUPERVISOR, Role.ORG_ADMIN}), everywhere=frozenset({Role.SYSADMIN})),
)

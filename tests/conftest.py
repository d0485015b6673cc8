"""Shared fixtures: the personas of Lantern's tests, created through the real services.

The world has two NGOs (A, where the caseworker, her supervisor and the organisation's administrator work, and
B, whose caseworker and administrator must see nothing of A), a police unit, a legal-aid clinic, a prosecution
service and the national coordination office (coordinator, analyst, auditor, system administrator).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass, field

import pytest
from django.db import connection
from django.test import Client

from lantern.core import crypto, services
from lantern.core.models import Organisation, OrganisationType, User
from lantern.core.roles import Role

PASSWORD = "correct horse battery staple 42"
ON_POSTGRES = os.environ.get("LANTERN_TEST_DATABASE") == "postgresql"


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Tests that need PostgreSQL run in the PostgreSQL half of the suite; on SQLite they are deselected (they
    are not skipped: every test runs in one half or the other). Browser tests are left out only when the test
    command could not get Chromium, and it says so loudly."""
    keep, drop = [], []
    for item in items:
        if item.get_closest_marker("postgres_only") and not ON_POSTGRES:
            drop.append(item)
        elif item.get_closest_marker("browser") and os.environ.get("LANTERN_SKIP_BROWSER"):
            item.add_marker(pytest.mark.skip(reason="Chromium is not installed"))
            keep.append(item)
        else:
            keep.append(item)
    if drop:
        config.hook.pytest_deselected(items=drop)
        items[:] = keep


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """With CI=true nothing may be skipped."""
    if os.environ.get("CI", "").lower() != "true":
        return
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    skipped = len(reporter.stats.get("skipped", [])) if reporter else 0
    if skipped:
        print(f"\nFAILED: {skipped} test(s) skipped with CI=true")
        session.exitstatus = 1


@pytest.fixture(autouse=True)
def _fresh_keys() -> Iterator[None]:
    """Tests that change the keyring in settings get it re-read, before and after."""
    crypto.reset_key_cache()
    yield
    crypto.reset_key_cache()


@pytest.fixture(autouse=True)
def _fast_hashing(settings: pytest.FixtureRequest) -> None:
    # Argon2 is the production hasher (tests/core/test_settings.py checks it); tests hash faster.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # type: ignore[attr-defined]


@dataclass
class World:
    ngo_a: Organisation
    ngo_b: Organisation
    police_unit: Organisation
    legal_aid: Organisation
    prosecution: Organisation
    ministry: Organisation
    users: dict[str, User] = field(default_factory=dict)

    def __getattr__(self, name: str) -> User:
        try:
            return self.__dict__["users"][name]
        except KeyError:
            raise AttributeError(name) from None


# persona -> (organisation attribute, role)
PERSONAS: dict[str, tuple[str, Role]] = {
    "caseworker": ("ngo_a", Role.CASEWORKER),
    "supervisor": ("ngo_a", Role.SUPERVISOR),
    "org_admin": ("ngo_a", Role.ORG_ADMIN),
    "police": ("police_unit", Role.FIRST_RESPONDER),
    "provider": ("legal_aid", Role.SERVICE_PROVIDER),
    "prosecutor": ("prosecution", Role.JUSTICE),
    "coordinator": ("ministry", Role.NATIONAL_COORDINATOR),
    "analyst": ("ministry", Role.ANALYST),
    "auditor": ("ministry", Role.AUDITOR),
    "sysadmin": ("ministry", Role.SYSADMIN),
    "outsider": ("ngo_b", Role.CASEWORKER),
    "outsider_admin": ("ngo_b", Role.ORG_ADMIN),
}


def _org(name: str, org_type: str, *, lead: bool = False) -> Organisation:
    return services.organisation_create(
        actor=None, name=name, type=org_type, country="GR", region="Attica", languages=["el", "en"],
        is_lead_agency=lead,
    )  # fmt: skip


@pytest.fixture
def world(db: None) -> World:
    w = World(
        ngo_a=_org("Safe Passage NGO", OrganisationType.NGO),
        ngo_b=_org("Other Shore NGO", OrganisationType.NGO),
        police_unit=_org("Attica Police Anti-Trafficking Unit", OrganisationType.LAW_ENFORCEMENT),
        legal_aid=_org("Athens Legal Aid Clinic", OrganisationType.LEGAL_SERVICE),
        prosecution=_org("Public Prosecutor's Office", OrganisationType.PROSECUTION),
        ministry=_org("National Coordination Office", OrganisationType.MINISTRY, lead=True),
    )
    for username, (org_attr, role) in PERSONAS.items():
        w.users[username] = services.user_create(
            actor=None,
            username=username,
            organisation=getattr(w, org_attr),
            role=role,
            password=PASSWORD,
            email=f"{username}@example.org",
        )
    return w


@pytest.fixture
def api_client(world: World) -> dict[str, Client]:
    """A bearer-token API client per persona, plus an anonymous one under the key 'anonymous'."""
    clients: dict[str, Client] = {"anonymous": Client()}
    for username, user in world.users.items():
        _, raw = services.token_create(actor=None, user=user, name="tests")
        clients[username] = Client(headers={"Authorization": f"Bearer {raw}"})
    return clients


def vendor() -> str:
    return connection.vendor

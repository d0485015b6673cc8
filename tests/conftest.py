"""Shared fixtures: the personas of Lantern's tests, created through the real services.

The world has two NGOs (A, where the caseworker, her supervisor and the organisation's administrator work, and
B, whose caseworker and administrator must see nothing of A), a police unit, a legal-aid clinic, a prosecution
service, the national coordination office (coordinator, analyst, auditor, system administrator) and the competent
authority that decides who is a victim (its member sees a case only once it is referred to it).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime

import pytest
from django.conf import settings as django_settings
from django.db import connection
from django.test import Client
from django.utils import translation

from lantern.cases import services as cases
from lantern.cases.models import Case, PublicHoliday
from lantern.cases.validation import ContextData, PersonData
from lantern.core import crypto, services
from lantern.core.models import Organisation, OrganisationType, User
from lantern.core.roles import Role
from lantern.insights import dashboards
from lantern.providers.models import Offering
from lantern.providers.services import offering_save
from lantern.shelters.services import room_add
from tests import seeds

PASSWORD = "correct horse battery staple 42"
ON_POSTGRES = os.environ.get("LANTERN_TEST_DATABASE") == "postgresql"
UNGROUPED = pytest.StashKey[set[str]]()

seeds.connect()  # reference data survives the flush that ends a transactional test


@pytest.hookimpl(trylast=True)  # after pytest-xdist's own, which marks the groups
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Tests that need PostgreSQL run in the PostgreSQL half of the suite; on SQLite they are deselected (they
    are not skipped: every test runs in one half or the other), and those about the embedded database the other
    way round. Browser tests are left out only when the test
    command could not get Chromium, and it says so loudly.

    `--dist loadgroup` keeps each `xdist_group` (the console tests, the backup drills) on one worker by a suffix that
    pytest-xdist adds to the test ids here. Some pytest releases silently drop it, and the groups then run side by
    side: those tests then fail, saying why, rather than run without their group."""
    if getattr(config.option, "loadgroup", False):  # set in each worker of `--dist loadgroup`
        config.stash[UNGROUPED] = {item.nodeid for item in items if _group_lost(item)}
    keep, drop = [], []
    for item in items:
        if _other_half(item):
            drop.append(item)
        elif item.get_closest_marker("browser") and os.environ.get("LANTERN_SKIP_BROWSER"):
            item.add_marker(pytest.mark.skip(reason="Chromium is not installed"))
            keep.append(item)
        else:
            keep.append(item)
    if drop:
        config.hook.pytest_deselected(items=drop)
        items[:] = keep


def _other_half(item: pytest.Item) -> bool:
    """The test belongs to the other database's half of the suite."""
    if ON_POSTGRES:
        if item.get_closest_marker("browser") is not None and item.get_closest_marker("both_halves") is None:
            return True  # docs/decisions/0005: the browser journeys run once, but for those marked both_halves
        return item.get_closest_marker("sqlite_only") is not None or item.get_closest_marker("pages_once") is not None
    return item.get_closest_marker("postgres_only") is not None


def _group_lost(item: pytest.Item) -> bool:
    names = {str(m.args[0] if m.args else m.kwargs.get("name", "default")) for m in item.iter_markers("xdist_group")}
    return bool(names) and not item.nodeid.endswith("@" + "_".join(sorted(names)))


def pytest_runtest_setup(item: pytest.Item) -> None:
    if item.nodeid in item.config.stash.get(UNGROUPED, set()):
        pytest.fail(
            "pytest-xdist did not keep this test in its xdist_group (--dist loadgroup); "
            "check the versions of pytest and pytest-xdist pinned in pyproject.toml",
            pytrace=False,
        )


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
def _fresh_dashboards() -> None:
    """The dashboards' figures kept in the process are keyed by the summary tables' ids and counts, which a rolled
    back test gives to the next one again: each test starts without them."""
    dashboards.forget()


@pytest.fixture(autouse=True)
def _default_language() -> Iterator[None]:
    """A page request switches the thread's language (LocaleMiddleware leaves it active): the next test starts in
    the default language whatever ran before it on the same worker."""
    yield
    translation.activate(django_settings.LANGUAGE_CODE)


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
    shelter: Organisation
    competent_authority: Organisation
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
    "shelter_worker": ("shelter", Role.SERVICE_PROVIDER),
    "authority_member": ("competent_authority", Role.AUTHORITY_MEMBER),
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
        shelter=_org("Safe Roof Shelter", OrganisationType.SHELTER),
        competent_authority=_org("National Identification Panel", OrganisationType.COMPETENT_AUTHORITY),
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
    from lantern.core.models import TotpDevice

    clients: dict[str, Client] = {"anonymous": Client()}
    for username, user in world.users.items():
        # A token is refused to an account without a second factor (lantern.api.BearerToken).
        TotpDevice.objects.get_or_create(user=user, confirmed=True, defaults={"name": "phone"})
        _, raw = services.token_create(actor=None, user=user, name="tests")
        clients[username] = Client(headers={"Authorization": f"Bearer {raw}"})
    return clients


@pytest.fixture
def staff(world: World, settings: pytest.FixtureRequest) -> dict[str, Client]:
    """A logged-in page client per persona. The second factor is switched off here: tests/core/test_views.py and
    the browser tests go through it for real."""
    settings.LANTERN_REQUIRE_2FA = False  # type: ignore[attr-defined]
    clients = {}
    for name, user in world.users.items():
        clients[name] = Client()
        clients[name].force_login(user)
    return clients


def vendor() -> str:
    return connection.vendor


# --- Cases, providers and referrals shared by several test folders -----------------------------------


@pytest.fixture
def clock(time_machine: object) -> object:
    time_machine.move_to(datetime(2026, 3, 2, 9, 0, tzinfo=UTC), tick=False)  # type: ignore[attr-defined]
    return time_machine


def maria() -> PersonData:
    return PersonData(
        first_name="Maria",
        second_name="Popescu",
        birth_date=date(2004, 5, 17),
        gender="Feminine",
        primary_language="ro",
        other_languages=["en"],
        citizenship=["RO"],
        contact_route="messaging",
        messaging="Signal +40 721 000 111",
    )


def labour_context() -> ContextData:
    return ContextData(
        forms_of_exploitation=["ForcedLabour"],
        forced_labour_industry="A",
        recruitment_methods=["ThroughOnlineSocialNetworks"],
        recruitment_platforms=["Facebook"],
        recruitment_country="RO",
        exploitation_country="GR",
        exploitation_region="Peloponnese",
        crisis_circumstances=["recruited_online_in_crisis", "lost_livelihood"],
    )


@pytest.fixture
def case(world: World, clock: object) -> Case:
    PublicHoliday.objects.create(country="GR", date=date(2026, 3, 25), name="Independence Day")
    return cases.case_register(
        actor=world.caseworker,
        organisation=world.ngo_a,
        person=maria(),
        context=labour_context(),
        identified_on=date(2026, 2, 16),
        consent_to_case_management=True,
    )


@pytest.fixture
def offers(world: World) -> dict[str, Offering]:
    shelter = services.organisation_create(
        actor=None, name="Attica Shelter", type="Shelter", country="GR", region="Attica", languages=["el", "en"]
    )
    services.user_create(
        actor=None, username="shelter_staff", organisation=shelter, role="service_provider", password=None
    )
    # Routing offers accommodation by free beds (providers/capacity.py): the shelter has one.
    room_add(actor=None, shelter=shelter, name="A", wing="regular", restriction="mixed", beds=1)
    return {
        "legal": offering_save(
            actor=None,
            organisation=world.legal_aid,
            service_type="legal_counselling",
            regions=["Attica"],
            languages=["el", "en"],
            delivery_modes=["in_person"],
            weekly_capacity=2,
        ),
        "legal_remote": offering_save(
            actor=None,
            organisation=world.police_unit,
            service_type="legal_counselling",
            regions=["*"],
            languages=["ro"],
            delivery_modes=["remote", "in_person"],
            weekly_capacity=10,
        ),
        "shelter": offering_save(
            actor=None,
            organisation=shelter,
            service_type="safe_accommodation",
            regions=["Attica"],
            languages=["el"],
            delivery_modes=["in_person"],
            weekly_capacity=1,
        ),
    }


def consented_cases(world: World, count: int) -> list[Case]:
    """More of NGO A's cases whose person consented to a referral to the legal aid clinic: a need is sent once to an
    organisation while its referral is open, so several open referrals there are several cases."""
    made = []
    for n in range(count):
        one = cases.case_register(
            actor=world.caseworker,
            organisation=world.ngo_a,
            person=PersonData(first_name=f"Person {n}"),
            consent_to_case_management=True,
        )
        cases.consent_give(
            actor=world.caseworker, case=one, purpose="referral", recipient=world.legal_aid, given_on=date(2026, 2, 20)
        )
        made.append(one)
    return made


@pytest.fixture
def consented_case(case: Case, world: World) -> Case:
    cases.consent_give(
        actor=world.caseworker, case=case, purpose="referral", recipient=world.legal_aid, given_on=date(2026, 2, 20)
    )
    return case

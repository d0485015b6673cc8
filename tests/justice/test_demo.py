"""The demo's justice side has a court clerk to log in as: the member of the registry that keeps the two Attica
courts, which a court suspension in the demo covers."""

from __future__ import annotations

from pathlib import Path

import pytest

from lantern.core.demo import load_demo
from lantern.core.models import Membership
from lantern.core.roles import Role
from lantern.justice import demo
from lantern.justice.models import Court


@pytest.mark.django_db
def test_the_demo_clerk_keeps_the_attica_courts(tmp_path: Path) -> None:
    logins = {login.username: login for login in load_demo(tmp_path / "demo-credentials.txt")}
    demo.load()
    clerk = logins["clerk"]
    assert clerk.organisation == demo.REGISTRY
    membership = Membership.objects.get(user__username="clerk")
    assert membership.role == Role.JUSTICE
    kept = dict(Court.objects.values_list("name", "registry_id"))
    assert kept == {
        "Athens Court of First Instance": membership.organisation_id,
        "Piraeus Court of First Instance": membership.organisation_id,
        "Thessaloniki Court of First Instance": None,
        "Heraklion Court of First Instance": None,
    }

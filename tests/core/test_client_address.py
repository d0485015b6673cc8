"""Who is asking, behind a reverse proxy: one helper, lantern.core.net.client_address, believes
X-Forwarded-For only from LANTERN_TRUSTED_PROXIES, takes the right-most hop that is not a trusted proxy, and feeds
the login lockout (django-axes) and the audit trail; the portal's rate limit has its own test beside the form."""

from __future__ import annotations

import ipaddress
import os
import subprocess
import sys
from typing import Any

import pytest
from django.test import Client, RequestFactory

from lantern.core.models import AuditEvent
from lantern.core.net import client_address
from tests.conftest import PASSWORD, World

PROXY = "10.0.0.5"


@pytest.fixture
def behind_proxy(settings: pytest.FixtureRequest) -> None:
    settings.LANTERN_TRUSTED_PROXIES = [  # type: ignore[attr-defined]
        ipaddress.ip_network("10.0.0.0/24"),
        ipaddress.ip_network("fd00::/8"),
    ]


def _address(forwarded: str | None, remote: str = PROXY) -> str:
    request = RequestFactory().get("/", REMOTE_ADDR=remote)
    if forwarded is not None:
        request.META["HTTP_X_FORWARDED_FOR"] = forwarded
    return client_address(request)


def test_without_trusted_proxies_the_header_is_ignored() -> None:
    assert _address("198.51.100.7") == PROXY
    assert _address(None, remote="203.0.113.9") == "203.0.113.9"


@pytest.mark.usefixtures("behind_proxy")
@pytest.mark.parametrize(
    ("forwarded", "remote", "client"),
    [
        ("198.51.100.7", PROXY, "198.51.100.7"),  # the proxy's client
        ("1.2.3.4, 198.51.100.7", PROXY, "198.51.100.7"),  # a forged hop on the left is not believed
        ("1.2.3.4, 198.51.100.7, 10.0.0.9", PROXY, "198.51.100.7"),  # two proxies in a row
        ("198.51.100.7", "203.0.113.9", "203.0.113.9"),  # the header from a stranger is ignored
        (None, PROXY, PROXY),  # the proxy itself (a health check)
        ("not-an-address, 10.0.0.9", PROXY, "10.0.0.9"),  # garbage stops at the last hop we trust
        ("2001:db8::1", "fd00::2", "2001:db8::1"),
        ("[2001:db8::1]:443", PROXY, "2001:db8::1"),
        ("::ffff:198.51.100.7", PROXY, "198.51.100.7"),
    ],
)
def test_the_right_most_untrusted_hop_is_the_client(forwarded: str | None, remote: str, client: str) -> None:
    assert _address(forwarded, remote=remote) == client


@pytest.mark.parametrize("value", ["10.0.0.300", "proxy.example", "10.0.0.0/33"])
def test_a_bad_trusted_proxy_setting_refuses_to_load(value: str) -> None:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("LANTERN_", "DATABASE_URL", "PYTEST"))}
    result = subprocess.run(
        [sys.executable, "-c", "import lantern.settings"],
        env={**clean, "LANTERN_TRUSTED_PROXIES": f"127.0.0.1, {value}"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode != 0
    assert "LANTERN_TRUSTED_PROXIES" in result.stderr
    assert "is not an IP address or a CIDR range" in result.stderr


def _login(client: Client, password: str) -> int:
    return client.post("/login/", {"username": "analyst", "password": password}).status_code


@pytest.mark.django_db
@pytest.mark.usefixtures("behind_proxy")
def test_failed_logins_behind_the_proxy_lock_out_one_client_not_everyone(world: World) -> None:
    attacker = Client(REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="198.51.100.66")
    for _ in range(5):
        _login(attacker, "wrong password")
    assert _login(attacker, PASSWORD) == 429
    analyst = Client(REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="203.0.113.10")
    assert _login(analyst, PASSWORD) == 302  # the same proxy, another client


@pytest.mark.django_db
@pytest.mark.usefixtures("behind_proxy")
def test_the_audit_trail_records_the_client_not_the_proxy(world: World, settings: Any) -> None:
    # Every role owes a second factor when it is required; the password step's audit is what is looked at here.
    settings.LANTERN_REQUIRE_2FA = False
    Client(REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="1.2.3.4, 203.0.113.10").post(
        "/login/", {"username": "analyst", "password": PASSWORD}
    )
    event = AuditEvent.objects.get(action="login.success")
    assert event.ip_address == "203.0.113.10"

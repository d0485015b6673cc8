"""Abuse control of the call-back form behind a reverse proxy: each visitor is counted by her
own address (hashed, never stored), so one visitor cannot silence the others; the whole portal has a generous
ceiling, and reaching it alerts the hotline's staff instead of refusing everyone silently."""

from __future__ import annotations

import ipaddress
from typing import Any

import pytest
from django.test import Client

from lantern.core.models import Alert, AuditEvent
from lantern.portal.models import Intake, RateCounter
from tests.portal.conftest import Portal
from tests.portal.test_callback import _form, _post

PROXY = "10.0.0.5"


@pytest.fixture(autouse=True)
def _behind_proxy(settings: pytest.FixtureRequest) -> None:
    settings.LANTERN_TRUSTED_PROXIES = [ipaddress.ip_network("10.0.0.0/24")]  # type: ignore[attr-defined]
    settings.LANTERN_PORTAL_CALLBACKS_PER_HOUR = 2  # type: ignore[attr-defined]


def _visitor(address: str) -> Client:
    return Client(REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=address)


def test_one_visitor_over_her_limit_does_not_silence_the_others(portal: Portal) -> None:
    flooder = _visitor("198.51.100.66")
    assert [_post(flooder, _form(flooder)).status_code for _ in range(3)] == [200, 200, 429]
    forged = _visitor("203.0.113.1, 198.51.100.66")  # a forged left-hand hop changes nothing
    assert _post(forged, _form(forged)).status_code == 429
    victim = _visitor("203.0.113.10")
    assert _post(victim, _form(victim)).status_code == 200
    assert Intake.objects.count() == 3
    stored = str([counter.__dict__ for counter in RateCounter.objects.all()])
    assert "198.51.100.66" not in stored
    assert "203.0.113.10" not in stored


def test_an_ipv6_visitor_is_counted_by_her_64(portal: Portal) -> None:
    statuses = []
    for host in range(1, 4):
        visitor = Client(REMOTE_ADDR=f"2001:db8:1:2::{host}")  # a fresh address in the same /64 each time
        statuses.append(_post(visitor, _form(visitor)).status_code)
    neighbour = Client(REMOTE_ADDR="2001:db8:1:3::1")
    statuses.append(_post(neighbour, _form(neighbour)).status_code)
    assert statuses == [200, 200, 429, 200]


def test_the_portal_ceiling_alerts_the_hotline_once_and_tells_the_visitor(portal: Portal, settings: Any) -> None:
    settings.LANTERN_PORTAL_CALLBACKS_ALL_PER_HOUR = 3
    statuses = []
    for host in range(1, 7):
        visitor = _visitor(f"198.51.100.{host}")
        statuses.append(_post(visitor, _form(visitor)).status_code)
    assert statuses == [200, 200, 200, 503, 503, 503]
    assert Intake.objects.count() == 3
    refused = _post(visitor := _visitor("198.51.100.99"), _form(visitor))
    html = refused.content.decode()
    assert "receiving too many requests right now" in html
    assert "1109" in html  # the hotline's number, to call instead
    alerts = Alert.objects.filter(recipient=portal.hotline_worker, kind=Alert.Kind.SECURITY)
    assert alerts.count() == 1  # once an hour, not once a request
    assert "took 3 call-back requests this hour" in alerts.get().text
    assert AuditEvent.objects.filter(action="portal.callback_ceiling").count() == 1


@pytest.mark.parametrize(
    ("language", "limit", "says"),
    [
        ("ru", 21, "принял 21 запрос обратного"),
        ("ru", 22, "принял 22 запроса обратного"),
        ("ru", 25, "принял 25 запросов обратного"),
        ("uk", 21, "прийняв 21 запит на"),
        ("uk", 23, "прийняв 23 запити на"),
        ("ro", 1, "a primit 1 cerere de apel"),
        ("ro", 20, "a primit 20 de cereri de apel"),
        ("ar", 1, "طلب معاودة اتصال واحدًا"),
        ("ar", 2, "طلبَي معاودة اتصال"),
        ("ar", 11, "11 طلبًا لمعاودة الاتصال"),
        ("en", 1, "took 1 call-back request this hour"),
    ],
)
def test_the_ceiling_alert_counts_the_requests_in_the_staff_members_language(
    portal: Portal, settings: Any, language: str, limit: int, says: str
) -> None:
    """The ceiling is a number of requests: the alert is a plural message, never "21 запросов" or "%(n)d طلب"."""
    settings.LANTERN_PORTAL_CALLBACKS_ALL_PER_HOUR = limit
    settings.LANTERN_PORTAL_CALLBACKS_PER_HOUR = limit + 1
    portal.hotline_worker.preferred_language = language
    portal.hotline_worker.save(update_fields=["preferred_language"])
    for host in range(1, limit + 2):
        visitor = _visitor(f"198.51.100.{host}")
        _post(visitor, _form(visitor))
    assert says in Alert.objects.get(recipient=portal.hotline_worker).text

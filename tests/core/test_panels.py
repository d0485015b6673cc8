"""Panels that apps to the right of core contribute to core's pages (lantern.core.panels): shown where the page
names its slot, and one that fails is left out without taking the page down."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.http import HttpRequest
from django.test import Client

from lantern.core import panels

pytestmark = pytest.mark.django_db


@pytest.fixture
def home_slot() -> Iterator[list[panels.Panel]]:
    saved = list(panels.PANELS.get("core.home", []))
    yield panels.PANELS.setdefault("core.home", [])
    panels.PANELS["core.home"] = saved


def _broken(request: HttpRequest) -> str:
    raise RuntimeError("a bug in another app")


def test_a_registered_panel_shows_on_its_page_and_a_broken_one_is_left_out(
    staff: dict[str, Client], home_slot: list[panels.Panel], caplog: pytest.LogCaptureFixture
) -> None:
    panels.register("core.home", name="tests.hello", render=lambda request: "<p>Hello from the right</p>", order=1)
    panels.register("core.home", name="tests.hello", render=lambda request: "<p>twice</p>")  # once per name
    panels.register("core.home", name="tests.broken", render=_broken, order=2)
    page = staff["caseworker"].get("/")
    assert page.status_code == 200
    body = page.content.decode()
    assert body.count("Hello from the right") == 1
    assert "twice" not in body
    assert "panel tests.broken on core.home failed: RuntimeError" in caplog.text

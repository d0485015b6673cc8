"""Panels that apps to the right of core contribute to pages on their left (the home page, the crisis page), the
way navigation entries and outbox consumers are registered: in the contributing app's AppConfig.ready. A page
names its slot with `{% panels "core.home" %}` and never imports the app that fills it.

A page about one record passes it too (`{% panels "cases.detail" case %}`), and its panels are then called
`render(request, case)`: the page has already checked that the user may see the record. A panel's `render`
returns the HTML to show (already escaped by its own template), or "" when it has
nothing to say to this user; a panel that fails is left out and logged, so one app cannot break another's page."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass

from django.http import HttpRequest
from django.utils.safestring import SafeString, mark_safe

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Panel:
    name: str
    render: Callable[..., str]  # (request) or, on a page about one record, (request, record)
    order: int = 50


PANELS: dict[str, list[Panel]] = {}


def register(page: str, *, name: str, render: Callable[..., str], order: int = 50) -> None:
    """Add a panel to a page's slot (once per name: ready() may run more than once in tests)."""
    slot = PANELS.setdefault(page, [])
    if all(existing.name != name for existing in slot):
        slot.append(Panel(name=name, render=render, order=order))
        slot.sort(key=lambda p: p.order)


def render_slot(page: str, request: HttpRequest, obj: object = None) -> SafeString:
    parts = []
    for panel in PANELS.get(page, []):
        try:
            parts.append(str(panel.render(request) if obj is None else panel.render(request, obj)))
        except Exception as exc:  # one app's panel never takes another app's page down
            logger.error("panel %s on %s failed: %s", panel.name, page, type(exc).__name__, exc_info=exc)
    return mark_safe("".join(parts))  # noqa: S308 - each part is the output of a Django template

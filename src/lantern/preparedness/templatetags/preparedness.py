from __future__ import annotations

from typing import Any

from django import template
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop as _noop

register = template.Library()

LEVEL_NAMES = {
    0: _noop("Not reviewed"),
    1: _noop("Does not exist"),
    2: _noop("Initial"),
    3: _noop("Developing"),
    4: _noop("Established"),
    5: _noop("High performance"),
}


@register.filter
def get_level(levels: dict[int, dict[str, str]], level: int) -> str:
    """The name of a maturity level, translated when it is the standard PER name."""
    name = (levels.get(level) or {}).get("name") or LEVEL_NAMES.get(level, "")
    return _(name) if name in LEVEL_NAMES.values() else name


@register.filter
def get_text(mapping: dict[Any, str], key: Any) -> str:
    return mapping.get(key, "") if isinstance(mapping, dict) else ""

from __future__ import annotations

from typing import Any

from django import template

register = template.Library()


@register.filter
def get(mapping: dict[str, Any], key: str) -> Any:
    """{{ labels|get:code }}: a value of a dictionary by a key held in a variable."""
    return mapping.get(key, key) if isinstance(mapping, dict) else key

from __future__ import annotations

from typing import Any

from django import template

from lantern.core import listing as lists
from lantern.core.panels import render_slot

register = template.Library()


@register.filter
def get(mapping: dict[str, Any], key: str) -> Any:
    """{{ labels|get:code }}: a value of a dictionary by a key held in a variable."""
    return mapping.get(key, key) if isinstance(mapping, dict) else key


@register.simple_tag(takes_context=True)
def panels(context: template.Context, page: str, obj: Any = None) -> str:
    """{% panels "core.home" %}: the panels other apps registered for this page (lantern.core.panels); on a page
    about one record, `{% panels "cases.detail" case %}` hands them the record."""
    request = context.get("request")
    return render_slot(page, request, obj) if request is not None else ""


@register.filter
def listing(items: Any) -> str:
    """{{ regions|listing }}: a list joined as the active language joins one ("، " in Arabic, ", " in English)."""
    return lists.join(items or [])


@register.simple_tag
def list_separator() -> str:
    """{% list_separator %}: what joins two items of a list in the active language."""
    return lists.separator()

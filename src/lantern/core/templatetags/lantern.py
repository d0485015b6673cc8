from __future__ import annotations

from typing import Any

from django import template
from django.utils.html import format_html, format_html_join

from lantern.core import codes
from lantern.core import listing as lists
from lantern.core import regions as known_regions
from lantern.core.panels import render_slot
from lantern.core.words import staff_name as staff_name_of
from lantern.core.words import word as word_of

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


@register.filter
def country(code: Any) -> str:
    """{{ case.exploitation_country|country }}: the country's name in the reader's language ("Greece", "اليونان")."""
    return codes.country_name(str(code)) if code else ""


@register.filter
def countries(items: Any) -> str:
    """{{ person.citizenship|countries }}: country names in the reader's language, joined as the language joins."""
    return lists.join(codes.country_name(str(code)) for code in items or [] if code)


@register.filter
def language(code: Any) -> str:
    """{{ person.primary_language|language }}: the language's name in the reader's language, or its code."""
    return codes.language_label(str(code)) if code else ""


@register.filter
def languages(items: Any) -> str:
    """{{ offering.languages|languages }}: language names in the reader's language, joined as the language joins."""
    return lists.join(codes.language_label(str(code)) for code in items or [] if code)


@register.filter
def staff_name(user: Any) -> str:
    """{{ case.assigned_to|staff_name }}: how a member of staff is named everywhere (lists, menus, timelines): the
    full name, the username only when no name was given, a dash for nobody."""
    return staff_name_of(user) if user is not None else "—"


@register.filter
def display(obj: Any, field: str) -> Any:
    """{{ referral|display:"urgency" }}: a choice field's label in the reader's language (get_<field>_display), or
    the value of a field without choices."""
    shown = getattr(obj, f"get_{field}_display", None)
    return shown() if callable(shown) else getattr(obj, field, "")


@register.filter
def words(value: Any, table: str) -> str:
    """{{ offering.delivery_modes|words:"delivery_mode" }}: a code, or a list of codes, as words in the reader's
    language (tables registered in lantern.core.words)."""
    if isinstance(value, list | tuple):
        return lists.join(word_of(table, str(code)) for code in value)
    return word_of(table, str(value)) if value not in (None, "") else ""


@register.simple_tag
def regions_datalist(list_id: str) -> str:
    """{% regions_datalist "region-options" %}: the known regions (core.regions) for a region input's `list`."""
    names = sorted({name for names in known_regions.by_country().values() for name in names})
    return format_html(
        '<datalist id="{}">{}</datalist>',
        list_id,
        format_html_join("", '<option value="{}"></option>', ((n,) for n in names)),
    )


@register.filter
def money(amount: Any, currency: str) -> str:
    """{{ compensation.awarded|money:compensation.currency }}: an amount as the reader's language writes it
    ("€15,000.00" in English, with Arabic digits and separators in Arabic); empty for no amount."""
    if amount is None or amount == "":
        return ""
    from babel.numbers import format_currency
    from django.utils.translation import get_language

    locale = (get_language() or "en").replace("-", "_")
    try:
        return format_currency(amount, currency, locale=locale)
    except (ValueError, TypeError, LookupError):
        return f"{amount} {currency}"

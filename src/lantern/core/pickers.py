"""Searchable pickers for countries, languages and regions, shared by every form that asks for one.

Without JavaScript the picker is a text input with a `<datalist>` of every name in the reader's language (the
browser filters it as one types); core/static/lantern/picker.js turns it into a listbox filtered as one types.
Either way the server decides: the name in the reader's language (or English) or the code is accepted, anything
else is refused with the codes it may have meant ("Did you mean GR (Greece)?"). Regions are free text offered from
the regions already known for the chosen country (core.regions).
"""

from __future__ import annotations

import re
from functools import cache
from typing import Any

from django import forms
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _

from lantern.core import codes, listing
from lantern.core import regions as known_regions

# What separates several values typed in one picker: the comma, the Arabic comma, the semicolon of HTCDS files.
_SEPARATORS = re.compile(r"[,،;]")
MAX_TYPED_CHARS = 500
SEVERAL = _("Type a name or a code and choose it; separate several with commas.")


def split(raw: str) -> list[str]:
    return [part.strip() for part in _SEPARATORS.split(raw or "") if part.strip()]


@cache
def _datalist_options(kind: str, reader: str) -> SafeString:
    """The `<option>`s of a picker's datalist in one language, made once per process: a language picker holds
    hundreds of names, and rendering them through the template on every page was most of a case page's time.
    The same markup the template's loop wrote (picker.js reads it)."""
    choices = codes.country_choices() if kind == "country" else codes.language_choices()
    latin_reader = codes.reader_writes_latin()
    parts = []
    for option in choices:
        other = escape(option.other_names) if option.other_names else ""
        parts.append(
            f'<option value="{escape(option.name)}" data-code="{escape(option.code)}"'
            + (f' data-other-names="{other}"' if other else "")
            + ">"
            + (other if latin_reader and other else "")
            + "</option>"
        )
    return mark_safe("".join(parts))  # noqa: S308 (every value escaped above)


class PickerInput(forms.TextInput):
    """A text input with the names to pick from; several values are separated by commas when `multiple`."""

    template_name = "core/widgets/picker.html"

    def __init__(self, *, kind: str, multiple: bool = False, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs={"autocomplete": "off", "spellcheck": "false", **(attrs or {})})
        self.kind = kind
        self.multiple = multiple

    def label(self, code: str) -> str:
        return codes.country_name(code) if self.kind == "country" else codes.language_label(code)

    def format_value(self, value: Any) -> str | None:
        if isinstance(value, list | tuple):
            return listing.join(self.label(code) for code in value if code) or None
        if isinstance(value, str) and value:
            known = codes.country_codes() if self.kind == "country" else codes.language_codes()
            return self.label(value) if value in known else value  # a code shown by name; what was typed as typed
        return super().format_value(value)

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        widget = context["widget"]
        widget["options"] = codes.country_choices() if self.kind == "country" else codes.language_choices()
        widget["options_html"] = _datalist_options(self.kind, codes.reader_language())
        widget["list_id"] = f"{widget['attrs'].get('id') or name}-options"
        widget["kind"] = self.kind
        # The browser's own list shows an option's text beside its name: the name alone, in the reader's language
        # (a Latin code or English alias beside an Arabic or Cyrillic name reads as noise); the aliases ("Farsi")
        # only to readers of a Latin script, who may know a language by them.
        widget["latin_reader"] = codes.reader_writes_latin()
        widget["multiple"] = self.multiple
        return context


class CodePickerField(forms.CharField):
    """A country or language picked by name or code: cleans to the code (or a list of codes when `multiple`)."""

    def __init__(self, *, kind: str, multiple: bool = False, **kwargs: Any) -> None:
        assert kind in ("country", "language")
        self.kind = kind
        self.multiple = multiple
        kwargs.setdefault("max_length", MAX_TYPED_CHARS)
        kwargs.setdefault("widget", PickerInput(kind=kind, multiple=multiple))
        super().__init__(**kwargs)

    def prepare_value(self, value: Any) -> Any:
        return value

    def to_python(self, value: Any) -> Any:
        if isinstance(value, list | tuple):
            value = ", ".join(str(v) for v in value)
        return super().to_python(value)

    def clean(self, value: Any) -> Any:
        text: str = super().clean(value)
        parts = split(text) if self.multiple else ([text.strip()] if text.strip() else [])
        found: list[str] = []
        problems: list[str] = []
        for part in parts:
            code = codes.country_from(part) if self.kind == "country" else codes.language_from(part)
            if code is None:
                problems.append(refusal(self.kind, part))
            elif code not in found:
                found.append(code)
        if problems:
            raise forms.ValidationError(problems)
        if self.multiple:
            return found
        return found[0] if found else ""


def refusal(kind: str, typed: str) -> str:
    """Why a typed country or language is refused, with what it may have meant."""
    hint = codes.did_you_mean(kind, typed)
    shown = typed[:40]
    if kind == "country":
        if hint:
            return str(_("“%(value)s” is not a country. Did you mean %(hint)s?") % {"value": shown, "hint": hint})
        return str(_("“%(value)s” is not a country: type its name or its ISO 3166 code.") % {"value": shown})
    if hint:
        return str(_("“%(value)s” is not a language. Did you mean %(hint)s?") % {"value": shown, "hint": hint})
    return str(_("“%(value)s” is not a language: type its name or its ISO 639 code.") % {"value": shown})


class RegionInput(forms.TextInput):
    """A region, offered from the regions known for the country chosen in `country_field` (free text still)."""

    template_name = "core/widgets/region.html"

    def __init__(self, *, country_field: str = "", multiple: bool = False, attrs: dict[str, Any] | None = None):
        super().__init__(attrs={"autocomplete": "off", **(attrs or {})})
        self.country_field = country_field
        self.multiple = multiple
        self.country = ""  # set by a form that knows the country (an organisation's, a crisis's)

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        widget = context["widget"]
        by_country = known_regions.by_country()
        widget["list_id"] = f"{widget['attrs'].get('id') or name}-options"
        widget["multiple"] = self.multiple
        widget["country_field"] = self.country_field
        if self.country:
            widget["options"] = by_country.get(self.country, [])
        else:
            widget["options"] = sorted({region for names in by_country.values() for region in names})
        widget["regions"] = by_country
        widget["regions_id"] = f"{widget['list_id']}-by-country"
        return context

    def format_value(self, value: Any) -> str | None:
        if isinstance(value, list | tuple):
            return listing.join(value) or None
        return super().format_value(value)


def refused_codes(kind: str, wrong: list[str]) -> str:
    """Why codes are refused, with the codes they may have meant: "Not ISO 3166 country codes: Gr. Did you mean
    GR (Greece)?" (the services' 422 in the API and the importer's report say the same)."""
    if kind == "country":
        reason = _("Not ISO 3166 country codes: %(value)s.") % {"value": listing.join(wrong)}
    else:
        reason = _("Not ISO 639 language codes: %(value)s.") % {"value": listing.join(wrong)}
    hints = [hint for hint in (codes.did_you_mean(kind, code) for code in wrong) if hint]
    if hints:
        reason += " " + _("Did you mean %(hint)s?") % {"hint": listing.join(hints)}
    return str(reason)

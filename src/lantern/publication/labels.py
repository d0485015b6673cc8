"""What the release page shows for a published table's columns and values: the dimensions by their names (the same
as the form's and the title's), and Lantern's own code values (CTDC's codes, the margins, the pooled rare values)
in the reader's language. The downloads keep the codes; a value of an uploaded file that is not one of Lantern's
codes is shown as it is."""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import pgettext, pgettext_lazy

from lantern.publication.crosstab import EXPLOITATION_COLUMN, OTHER, known_domain
from lantern.publication.forms import DIMENSIONS

TOTAL_LABELS = ("Total", "(total)")  # services.TOTAL, or "(total)" when a file has a category named "Total"
COUNTRY_COLUMNS = ("citizenship", "CountryOfExploitation")

# The code values of CTDC's categorical columns that Lantern publishes (crosstab.known_domain).
CODES: dict[str, Promise] = {
    "Female": pgettext_lazy("statistics", "Female"),
    "Male": pgettext_lazy("statistics", "Male"),
    "Unknown": pgettext_lazy("statistics", "Unknown"),
    "Adult": pgettext_lazy("statistics", "Adult"),
    "Minor": pgettext_lazy("statistics", "Minor"),
}
EXPLOITATION: dict[str, Promise] = {
    "SexAndLabour": pgettext_lazy("statistics", "Sexual and labour exploitation"),
    "SexualExploitation": pgettext_lazy("statistics", "Sexual exploitation"),
    "ForcedLabour": pgettext_lazy("statistics", "Forced labour"),
    "ForcedMarriage": pgettext_lazy("statistics", "Forced marriage"),
    "ForcedMilitary": pgettext_lazy("statistics", "Forced military service"),
    "OrganRemoval": pgettext_lazy("statistics", "Organ removal"),
    "OtherExploit": pgettext_lazy("statistics", "Other exploitation"),
    "Unknown": pgettext_lazy("statistics", "Unknown"),
}
FLAGS: dict[str, Promise] = {
    "1": pgettext_lazy("statistics", "Yes"),
    "0": pgettext_lazy("statistics", "No"),
    "-99": pgettext_lazy("statistics", "Unknown"),
}


def dimension(column: str) -> str:
    """A column's name as the page shows it: a dimension's label, `count` as "Count", any other column as it is."""
    if column == "count":
        return _("Count")
    return str(dict(DIMENSIONS).get(column, column))


def margin_of(values: set[str]) -> str | None:
    """Which of a column's values is the margin (the total over it) in a k-mode table, if any."""
    if "(total)" in values:
        return "(total)"
    return "Total" if "Total" in values else None


def value(column: str, text: str, margin: str | None = None) -> str:
    """One value of a column as the page shows it."""
    if margin is not None and text == margin:
        return pgettext("statistics", "Total")
    domain = known_domain(column)
    if domain is None:
        return pgettext("statistics", "(other)") if text == OTHER else text
    if column == EXPLOITATION_COLUMN:
        return str(EXPLOITATION.get(text, text))
    if domain.unknown_code == "-99":
        return str(FLAGS.get(text, text))
    if column in COUNTRY_COLUMNS:
        return str(CODES["Unknown"]) if text == domain.unknown_code else text
    if column == "ageBroad" and text != "Unknown":
        return text.replace("--", "\u2013")  # CTDC's "9--17" is the range 9 to 17, written with an en dash
    return str(CODES.get(text, text))

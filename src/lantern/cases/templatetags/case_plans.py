"""A date of the assistance plan, read whole in Arabic as in English: ISO, inside <time> (lantern.css isolates it
from the right-to-left text around it). Usable inside a blocktranslate variable."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django import template
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import SafeString

register = template.Library()


@register.filter
def isoday(value: Any) -> SafeString | str:
    if isinstance(value, datetime):
        value = timezone.localtime(value).date()  # the day it happened where the case is held
    if not isinstance(value, date):
        return ""
    return format_html('<time datetime="{0}">{0}</time>', value.isoformat())

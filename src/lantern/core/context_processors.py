"""What every staff page needs: navigation by role, the alert count, the demo banner, the languages."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from lantern.core import navigation
from lantern.core.models import Alert
from lantern.core.permissions import Action, can

# Entries of the top bar shown inline, in their order; the rest go under "More" (a <details> menu that works
# without JavaScript), so that the bar stays on one line at 1280 pixels for every role and language.
INLINE_ENTRIES = 4


def shell(request: HttpRequest) -> dict[str, Any]:
    """Once per request: a page that renders panels (render_to_string with the request) runs the context
    processors again for each, and the counts in the bar are the same queries."""
    kept: dict[str, Any] | None = getattr(request, "_lantern_shell", None)
    if kept is not None:
        return kept
    kept = _shell(request)
    request._lantern_shell = kept  # type: ignore[attr-defined]
    return kept


def _shell(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    nav: list[dict[str, Any]] = []
    more: list[dict[str, Any]] = []
    unread = 0
    if user is not None and user.is_authenticated:
        entries: list[dict[str, Any]] = []
        for entry in navigation.ENTRIES:
            if entry.visible(user):
                item: dict[str, Any] = {"label": entry.label, "url": reverse(entry.url_name)}
                if entry.count is not None:
                    item["count"] = entry.count(user)
                    item["count_label"] = entry.count_label
                entries.append(item)
        if can(user, Action.ORG_VIEW) or can(user, Action.ORG_CREATE):
            entries.append({"label": _("Organisations"), "url": reverse("core:organisations")})
        if can(user, Action.BREAK_GLASS_REVIEW):
            entries.append({"label": _("Break-glass"), "url": reverse("core:break_glass_review")})
        if can(user, Action.AUDIT_VIEW) or can(user, Action.AUDIT_VERIFY):
            entries.append({"label": _("Audit trail"), "url": reverse("core:audit")})
        entries.append({"label": _("API"), "url": "/api/v1/docs"})
        unread = Alert.objects.filter(recipient=user, read_at__isnull=True).count()
        nav = [
            {"label": _("Home"), "url": reverse("core:home")},
            *entries[:INLINE_ENTRIES],
            {"label": _("Alerts"), "url": reverse("core:alerts"), "count": unread, "count_label": _("unread")},
        ]
        more = entries[INLINE_ENTRIES:]
    path = getattr(request, "path", "")
    return {
        "nav": nav,
        "nav_more": more,
        # A badge on "More" adds up what its entries count; it is marked as current when it holds the page shown.
        "nav_more_count": sum(int(item.get("count") or 0) for item in more),
        "nav_more_current": any(item["url"] == path for item in more),
        "unread_alerts": unread,
        "demo_without_2fa": not settings.LANTERN_REQUIRE_2FA,
        "lantern_mode": settings.LANTERN_MODE,
        "available_languages": settings.LANGUAGES,
    }

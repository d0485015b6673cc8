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


def shell(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    nav: list[dict[str, Any]] = []
    unread = 0
    if user is not None and user.is_authenticated:
        nav.append({"label": _("Home"), "url": reverse("core:home")})
        for entry in navigation.ENTRIES:
            if entry.visible(user):
                item: dict[str, Any] = {"label": entry.label, "url": reverse(entry.url_name)}
                if entry.count is not None:
                    item["count"] = entry.count(user)
                    item["count_label"] = entry.count_label
                nav.append(item)
        if can(user, Action.ORG_VIEW) or can(user, Action.ORG_CREATE):
            nav.append({"label": _("Organisations"), "url": reverse("core:organisations")})
        if can(user, Action.BREAK_GLASS_REVIEW):
            nav.append({"label": _("Break-glass"), "url": reverse("core:break_glass_review")})
        if can(user, Action.AUDIT_VIEW) or can(user, Action.AUDIT_VERIFY):
            nav.append({"label": _("Audit trail"), "url": reverse("core:audit")})
        unread = Alert.objects.filter(recipient=user, read_at__isnull=True).count()
        nav.append({"label": _("Alerts"), "url": reverse("core:alerts"), "count": unread, "count_label": _("unread")})
        nav.append({"label": _("API"), "url": "/api/v1/docs"})
    return {
        "nav": nav,
        "unread_alerts": unread,
        "demo_without_2fa": not settings.LANTERN_REQUIRE_2FA,
        "lantern_mode": settings.LANTERN_MODE,
        "available_languages": settings.LANGUAGES,
    }

"""Request middleware of the staff UI: the second factor before anything else, and the client address that
audit events record."""

from __future__ import annotations

import time
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

from lantern.core.context import client_ip
from lantern.core.permissions import needs_second_factor

# Paths a logged-in user who still owes a second factor may reach.
_OPEN_PREFIXES = ("/login/", "/logout/", "/account/2fa/", "/static/", "/i18n/", "/healthz", "/api/")


class TwoFactorRequiredMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        token = client_ip.set(request.META.get("REMOTE_ADDR", "")[:45])
        try:
            user = getattr(request, "user", None)
            if (
                settings.LANTERN_REQUIRE_2FA
                and user is not None
                and user.is_authenticated
                and not request.path.startswith(_OPEN_PREFIXES)
                and needs_second_factor(user)
                and not user.is_verified()
            ):
                return redirect("core:verify")
            if (
                user is not None
                and user.is_authenticated
                and getattr(user, "temporary_password_until", None) is not None
                and not request.path.startswith((*_OPEN_PREFIXES, "/account/password/"))
            ):
                return redirect("core:password_change")  # after an administrator's reset
            if user is not None and user.is_authenticated and not request.headers.get("X-Lantern-Poll"):
                # Saved at most once a minute; an automatic refresh (the bed board) does not keep a session alive.
                minute = int(time.time() // 60)
                if request.session.get("active_minute") != minute:
                    request.session["active_minute"] = minute
            return self.get_response(request)
        finally:
            client_ip.reset(token)

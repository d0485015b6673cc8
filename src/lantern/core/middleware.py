"""Request middleware of the staff UI: the second factor before anything else, and the client address that
audit events record."""

from __future__ import annotations

import time
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.cache import patch_cache_control

from lantern.core.context import client_ip
from lantern.core.errors import request_too_large
from lantern.core.net import client_address
from lantern.core.permissions import needs_second_factor

# Paths a logged-in user who still owes a second factor may reach.
_OPEN_PREFIXES = ("/login/", "/logout/", "/account/2fa/", "/static/", "/i18n/", "/healthz", "/api/")


class TwoFactorRequiredMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        token = client_ip.set(client_address(request)[:45])
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


class RequestSizeLimitMiddleware:
    """A body larger than Lantern accepts is refused with 413 before anything reads it: every middleware's
    `__call__` runs before the first view hook, and the CSRF check reads a form's body in its view hook. Forms and
    JSON are held to DATA_UPLOAD_MAX_MEMORY_SIZE; a multipart upload may carry a file up to
    LANTERN_MAX_UPLOAD_REQUEST_BYTES. A body that gets past this (no Content-Length) and then proves too big meets
    the same 413 in lantern.core.errors and the API's handlers."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        multipart = request.content_type == "multipart/form-data"
        limit = settings.LANTERN_MAX_UPLOAD_REQUEST_BYTES if multipart else settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        if limit is not None and length > limit:
            return request_too_large(request)
        return self.get_response(request)


class NoStoreMiddleware:
    """Nothing a member of staff is shown is kept by a browser or a proxy: every response of the API and every
    response to someone signed in says `Cache-Control: no-store` (case pages, call-back details, personal data in
    the API, and everything else they see, so that no page is forgotten)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if request.path.startswith("/api/") or (user is not None and user.is_authenticated):
            patch_cache_control(response, no_store=True, private=True)
        return response

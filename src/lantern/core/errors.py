"""Error pages: problem+json under /api/, plain translated pages elsewhere; never a traceback, never request data."""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable
from typing import Any

from django.core.exceptions import RequestDataTooBig
from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from lantern.core.problems import problem_response

logger = logging.getLogger(__name__)

# Seconds a client is asked to wait before trying again when the database is away (a restart takes a few).
RETRY_AFTER_SECONDS = 5

# Pages of their own for "the database is away" under a path (the public portal's, which never names the system
# and speaks more languages than the staff UI). An app to the right registers one in its AppConfig.ready; the page
# returns None for a path it does not draw (the portal's staff pages keep the staff one). It must not read the
# database, and gets the status and headers set here.
UnavailablePage = Callable[[HttpRequest], str | None]
_unavailable_pages: dict[str, UnavailablePage] = {}


def register_unavailable_page(prefix: str, page: UnavailablePage) -> None:
    _unavailable_pages[prefix] = page


def _own_unavailable_page(request: HttpRequest) -> str | None:
    for prefix, page in _unavailable_pages.items():
        if request.path.startswith(prefix):
            return page(request)
    return None


def _error(request: HttpRequest, status: int, message: str) -> HttpResponse:
    if request.path.startswith("/api/"):
        return problem_response(status, detail=message if status == 413 else "")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        # Nobody signed in (a visitor of the public portal, someone on the way to the login page): a page without
        # the forms of the staff shell, so that no CSRF cookie is set and nothing is left in the visitor's browser.
        return render(request, "core/error_plain.html", {"status": status, "message": message}, status=status)
    return render(request, "core/error.html", {"status": status, "message": message}, status=status)


def bad_request(request: HttpRequest, exception: Any = None) -> HttpResponse:
    if isinstance(exception, RequestDataTooBig):
        return request_too_large(request)
    return _error(request, 400, _("The request could not be understood."))


def request_too_large(request: HttpRequest) -> HttpResponse:
    """413: the body is larger than Lantern accepts; nothing was read, nothing was saved."""
    return _error(request, 413, _("This request is too large. Nothing was saved."))


def permission_denied(request: HttpRequest, exception: Any = None) -> HttpResponse:
    return _error(request, 403, _("You are not allowed to see this page. Ask your supervisor if you need it."))


def page_not_found(request: HttpRequest, exception: Any = None) -> HttpResponse:
    return _error(request, 404, _("This page does not exist, or it is not visible to you."))


def server_error(request: HttpRequest) -> HttpResponse:
    exc = sys.exc_info()[1]  # Django calls this handler inside the `except` that caught the exception
    if is_database_unavailable(exc):
        return database_unavailable(request, exc)
    return _error(request, 500, _("Something went wrong on our side. It has been logged; please try again."))


def is_database_unavailable(exc: BaseException | None) -> bool:
    """The database went away (a restart, a lost connection, a full disk), as opposed to a mistake in a query: the
    request cannot be served now, and the same request will be once the database is back."""
    return isinstance(exc, OperationalError | InterfaceError)


def is_storage_full(exc: BaseException | None) -> bool:
    """SQLite's SQLITE_FULL ("database or disk is full"); PostgreSQL's disk full is SQLSTATE 53100."""
    if exc is None:
        return False
    return "database or disk is full" in str(exc) or getattr(getattr(exc, "__cause__", None), "sqlstate", "") == "53100"


def database_unavailable(request: HttpRequest, exc: BaseException | None) -> HttpResponse:
    """503 with Retry-After: problem+json under /api/, a plain translated page elsewhere. The page is drawn without
    the staff shell, whose menus read the database. The transaction the request was in was rolled back whole, so
    nothing was half saved; the next request opens a new connection (CONN_HEALTH_CHECKS) and goes through."""
    full = is_storage_full(exc)
    # The exception's type only: its message may quote a query's values.
    logger.error(
        "database %s (%s) in %s %s",
        "full" if full else "unavailable",
        type(exc).__name__,
        request.method,
        request.path,
    )
    if full:
        # Translators: staff read this when the server's disk is full (the public portal has a page of its own).
        # Keep "Lantern" in Latin letters: it is the system's name.
        message = _("Lantern's database has no space left, so nothing was saved. Tell your system administrator.")
        api_detail = (
            "The database has no space left; nothing was saved. Try again once an administrator has freed space."
        )
    else:
        # Translators: staff read this while the database restarts or the connection to it is lost (the public
        # portal has a page of its own). Keep "Lantern" in Latin letters: it is the system's name.
        message = _(
            "Lantern cannot reach its database for a moment, and nothing was saved. Please try again in a minute."
        )
        api_detail = "The database cannot be reached for a moment; nothing was saved. Try again shortly."
    headers = {"Retry-After": str(RETRY_AFTER_SECONDS)}
    if request.path.startswith("/api/"):
        return problem_response(503, detail=api_detail, headers=headers)
    html = _own_unavailable_page(request)
    if html is None:
        html = render_to_string("core/error_plain.html", {"status": 503, "message": message})
    response = HttpResponse(html, status=503)
    for name, value in headers.items():
        response[name] = value
    return response

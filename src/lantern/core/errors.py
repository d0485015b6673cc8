"""Error pages: problem+json under /api/, plain translated pages elsewhere; never a traceback, never request data."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from lantern.core.problems import problem_response


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
    return _error(request, 500, _("Something went wrong on our side. It has been logged; please try again."))

"""Lantern's HTTP API under /api/v1/: one NinjaAPI, the routers of every app, bearer-token and session auth,
and errors as RFC 9457 problem details."""

from __future__ import annotations

import logging
from typing import Any

from django.core.exceptions import PermissionDenied, RequestDataTooBig, ValidationError
from django.db import InterfaceError, OperationalError
from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as SchemaValidationError
from ninja.security import APIKeyCookie, HttpBearer
from ninja.utils import check_csrf

from lantern.cases.api import router as cases_router
from lantern.core.accounts import has_second_factor
from lantern.core.api import router as core_router
from lantern.core.errors import database_unavailable, request_too_large
from lantern.core.models import User
from lantern.core.permissions import needs_second_factor
from lantern.core.problems import PROBLEM_CONTENT_TYPE, is_conflict, problem_response, validation_errors
from lantern.core.services import token_authenticate
from lantern.crisis.api import router as crisis_router
from lantern.insights.api import router as insights_router
from lantern.justice.api import router as justice_router
from lantern.linkage.api import router as linkage_router
from lantern.notify.api import router as notify_router
from lantern.portal.api import router as portal_router
from lantern.preparedness.api import router as preparedness_router
from lantern.providers.api import router as providers_router
from lantern.publication.api import router as publication_router
from lantern.referrals.api import router as referrals_router
from lantern.shelters.api import router as shelters_router
from lantern.simulate.api import router as simulate_router

logger = logging.getLogger(__name__)


class BearerToken(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> User | None:
        user = token_authenticate(token)
        # A token skips the login page, not the second factor: its owner must have one set up.
        if user is not None and _second_factor_required() and needs_second_factor(user) and not has_second_factor(user):
            raise HttpError(403, "Set up two-factor authentication for this account before using its tokens.")
        return user


class StaffSession(APIKeyCookie):
    """The staff UI's session, with its CSRF check, and only once the second factor is verified: a write with the
    session cookie and without the page's token is refused (403), as on the pages."""

    param_name = "sessionid"

    def __init__(self) -> None:
        super().__init__(csrf=True)

    def _get_key(self, request: HttpRequest) -> str | None:
        # A browser sends the cookie with any cross-site request, whatever its Content-Type or Origin: a signed-in
        # session must also carry the CSRF token (X-CSRFToken) before it counts. A visitor with no session goes on
        # to the 401 that names the bearer token.
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and check_csrf(request) is not None:
            raise HttpError(403, "CSRF check failed: send the X-CSRFToken header with the session's token.")
        return request.COOKIES.get(self.param_name)

    def authenticate(self, request: HttpRequest, key: str | None) -> User | None:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return None
        if needs_second_factor(user) and not user.is_verified() and _second_factor_required():
            return None
        if getattr(user, "temporary_password_until", None) is not None:
            return None  # after a reset: a new password first (lantern.core.accounts)
        return user if isinstance(user, User) else None


def _second_factor_required() -> bool:
    from django.conf import settings

    return bool(settings.LANTERN_REQUIRE_2FA)


class LanternAPI(NinjaAPI):
    def get_openapi_schema(self, *args: Any, **kwargs: Any) -> Any:
        """Error responses are declared with the media type they are sent with: application/problem+json."""
        schema = super().get_openapi_schema(*args, **kwargs)
        for path in schema.get("paths", {}).values():
            for operation in path.values():
                for status, response in operation.get("responses", {}).items():
                    content = response.get("content")
                    if str(status).startswith(("4", "5")) and content and "application/json" in content:
                        response["content"] = {PROBLEM_CONTENT_TYPE: content["application/json"]}
        return schema


api = LanternAPI(
    title="Lantern API",
    version="1",
    description=(
        "The national referral mechanism's API. Authenticate with `Authorization: Bearer <token>` "
        "(tokens come from `lantern token create`). Errors are RFC 9457 problem details."
    ),
    auth=[BearerToken(), StaffSession()],
    urls_namespace="api",
    docs_url="/docs",
    openapi_url="/openapi.json",
)
api.add_router("/", core_router)
api.add_router("/", cases_router)
api.add_router("/", crisis_router)
api.add_router("/", providers_router)
api.add_router("/", referrals_router)
api.add_router("/", shelters_router)
api.add_router("/", justice_router)
api.add_router("/", notify_router)
api.add_router("/", publication_router)
api.add_router("/", insights_router)
api.add_router("/", linkage_router)
api.add_router("/", preparedness_router)
api.add_router("/", simulate_router)
api.add_router("/", portal_router)


@api.exception_handler(SchemaValidationError)
def _schema_invalid(request: HttpRequest, exc: SchemaValidationError) -> HttpResponse:
    errors = []
    for error in exc.errors:
        location = [str(part) for part in error.get("loc", ()) if part not in ("body", "payload", "query", "path")]
        errors.append({"field": ".".join(location), "message": str(error.get("msg", "invalid"))})
    return problem_response(422, detail="The request does not match the schema.", errors=errors)


@api.exception_handler(ValidationError)
def _invalid(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    if is_conflict(exc):
        return problem_response(409, detail="This is already recorded.", errors=validation_errors(exc))
    return problem_response(422, detail="Some values are not valid.", errors=validation_errors(exc))


@api.exception_handler(RequestDataTooBig)
def _too_big(request: HttpRequest, exc: RequestDataTooBig) -> HttpResponse:
    return problem_response(413, detail="The request body is larger than this server accepts.")


@api.exception_handler(AuthenticationError)
def _unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return problem_response(401, detail="Send a valid bearer token or log in.", headers={"WWW-Authenticate": "Bearer"})


@api.exception_handler(PermissionDenied)
def _forbidden(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    return problem_response(403, detail="You are not allowed to do this.")


@api.exception_handler(Http404)
def _not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return problem_response(404, detail="Not found, or not visible to you.")


@api.exception_handler(HttpError)
def _http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    return problem_response(exc.status_code, detail=str(exc))


@api.exception_handler(RequestDataTooBig)
def _too_large(request: HttpRequest, exc: RequestDataTooBig) -> HttpResponse:
    return request_too_large(request)


@api.exception_handler(OperationalError)
@api.exception_handler(InterfaceError)
def _database_unavailable(request: HttpRequest, exc: Exception) -> HttpResponse:
    return database_unavailable(request, exc)


@api.exception_handler(Exception)
def _server_error(request: HttpRequest, exc: Exception) -> HttpResponse:
    # The log names the exception type and where (lantern.core.logs withholds its message), never request data.
    logger.error("unhandled %s in %s %s", type(exc).__name__, request.method, request.path, exc_info=exc)
    return problem_response(500, detail="Something went wrong on our side; it has been logged.")

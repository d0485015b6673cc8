"""RFC 9457 problem details: every error of the API (and of the staff UI's JSON endpoints) reads the same."""

from __future__ import annotations

import json
from http import HTTPStatus
from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpResponse

PROBLEM_CONTENT_TYPE = "application/problem+json"
# The code of a ValidationError that refuses a write because of what is already recorded (an open referral, a
# stay that has not ended): the API answers 409 Conflict instead of 422, and the message says where it is.
CONFLICT = "conflict"


def problem_response(
    status: int,
    *,
    detail: str = "",
    errors: list[dict[str, str]] | None = None,
    type_: str = "about:blank",
    title: str | None = None,
    headers: dict[str, str] | None = None,
) -> HttpResponse:
    body: dict[str, Any] = {
        "type": type_,
        "title": title or HTTPStatus(status).phrase,
        "status": status,
    }
    if detail:
        body["detail"] = detail
    if errors:
        body["errors"] = errors
    response = HttpResponse(json.dumps(body, ensure_ascii=False), status=status, content_type=PROBLEM_CONTENT_TYPE)
    for name, value in (headers or {}).items():
        response[name] = value
    return response


def is_conflict(exc: ValidationError) -> bool:
    """Whether a refusal is about what is already recorded (code CONFLICT) rather than a wrong value."""
    errors = [e for errs in exc.error_dict.values() for e in errs] if hasattr(exc, "error_dict") else exc.error_list
    return any(getattr(error, "code", None) == CONFLICT for error in errors)


def validation_errors(exc: ValidationError) -> list[dict[str, str]]:
    """Flatten a Django ValidationError into [{"field": ..., "message": ...}] without echoing the bad value."""
    if hasattr(exc, "error_dict"):
        return [
            {"field": field, "message": message} for field, errors in exc.message_dict.items() for message in errors
        ]
    return [{"field": "", "message": message} for message in exc.messages]

"""The web server's access log without secrets: a calendar feed's address holds its secret (a calendar application
cannot log in), and the log shows that a feed was fetched, never which secret fetched it."""

from __future__ import annotations

import re
from typing import Any

from gunicorn.glogging import Logger

SECRET_PATHS = re.compile(r"(/justice/calendar/feed/)[^/?\s]+(\.ics)")


def redact(path: str) -> str:
    return SECRET_PATHS.sub(r"\1…\2", path)


class RedactingLogger(Logger):
    """gunicorn's logger, with every atom redacted before it is formatted (the path is in several: the request
    line, the path, the raw URI and the environ's copies)."""

    def atoms(self, resp: Any, req: Any, environ: Any, request_time: Any) -> dict[str, Any]:
        atoms: dict[str, Any] = super().atoms(resp, req, environ, request_time)
        return {key: redact(value) if isinstance(value, str) else value for key, value in atoms.items()}

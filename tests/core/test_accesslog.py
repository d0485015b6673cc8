"""The access log never holds a calendar feed's secret (core/accesslog.py, used by `lantern serve`)."""

from __future__ import annotations

from datetime import timedelta
from types import SimpleNamespace

from gunicorn.config import Config

from lantern.core.accesslog import RedactingLogger, redact

SECRET = "Zq3v9m0VtYp2kX8rW1aLs7dE4fG6hJ5nB0cQ2uI9oPw"


def test_a_feed_path_is_written_without_its_secret() -> None:
    assert redact(f"/justice/calendar/feed/{SECRET}.ics") == "/justice/calendar/feed/….ics"
    assert redact("/cases/LT-7Q4K-2M9X/") == "/cases/LT-7Q4K-2M9X/"


def test_the_servers_logger_redacts_the_request_line_and_the_path() -> None:
    logger = RedactingLogger(Config())
    path = f"/justice/calendar/feed/{SECRET}.ics"
    request = SimpleNamespace(method="GET", path=path, query="", version=(1, 1), headers=[])
    response = SimpleNamespace(status="200 OK", response_length=10, headers=[], sent=10)
    environ = {
        "REQUEST_METHOD": "GET",
        "RAW_URI": path,
        "PATH_INFO": path,
        "QUERY_STRING": "",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "127.0.0.1",
    }
    atoms = logger.atoms(response, request, environ, timedelta(milliseconds=3))
    assert SECRET not in " ".join(str(v) for v in atoms.values())
    assert atoms["U"] == "/justice/calendar/feed/….ics"

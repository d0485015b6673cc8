"""Drill: bad input at scale. A 50 MB body, deeply nested JSON, text that is not UTF-8, a 200 MB import file, a
CSV with a 10 MB field.

What must hold: a 4xx problem+json (a page for the staff UI's forms) or exit 2 with one line, nothing written, and
memory bounded, measured: the RSS of the real server process for the body it never reads, tracemalloc's peak in
this process for the rest."""

from __future__ import annotations

import http.client
import io
import json
import re
import tracemalloc
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client

from lantern.cases.models import Case, Note
from lantern.core.models import AuditEvent
from tests.conftest import World
from tests.drills.processes import lantern_env, start_server, stop

MB = 1024 * 1024


def _peak_mb(work: Callable[[], Any]) -> tuple[Any, float]:
    """What `work` returns, and the most memory it held at once (tracemalloc, in MB)."""
    tracemalloc.start()
    try:
        result = work()
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return result, peak / MB


def _rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def _workers(pid: int) -> list[int]:
    children = Path(f"/proc/{pid}/task/{pid}/children")
    return [int(p) for p in children.read_text().split()] if children.exists() else []


def _send_big_body(port: int, path: str, content_type: str, size: int) -> tuple[int, str, str]:
    """POST `size` bytes in 1 MB pieces, as a client uploading a huge file does; the server may answer and close
    before the end."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    conn.putrequest("POST", path)
    conn.putheader("Content-Type", content_type)
    conn.putheader("Content-Length", str(size))
    conn.endheaders()
    piece = b"x" * MB
    try:
        for _ in range(size // MB):
            conn.send(piece)
    except (BrokenPipeError, ConnectionResetError):
        pass  # refused before the end, as it should be
    response = conn.getresponse()
    body = response.read().decode("utf-8", "replace")
    conn.close()
    return response.status, response.getheader("Content-Type") or "", body


@pytest.mark.sqlite_only  # a server on an empty embedded database: the same on either half of the suite
def test_a_50_mb_body_is_refused_with_413_before_the_server_reads_it(tmp_path: Path) -> None:
    # The server needs no database to refuse: an empty embedded one will do.
    env = lantern_env(tmp_path, f"sqlite:///{tmp_path / 'empty.sqlite3'}")
    log = tmp_path / "serve.log"
    server, port = start_server(env, log, threads=2)
    try:
        _send_big_body(port, "/help/en/", "text/plain", MB)  # load Django in the worker first
        [worker] = _workers(server.pid)
        before = _rss_mb(worker)
        api = _send_big_body(port, "/api/v1/cases", "application/json", 50 * MB)
        page = _send_big_body(port, "/login/", "application/x-www-form-urlencoded", 50 * MB)
        upload = _send_big_body(port, "/insights/publication/", "multipart/form-data; boundary=x", 50 * MB)
        after = _rss_mb(worker)
    finally:
        stop(server)
    assert (api[0], api[1]) == (413, "application/problem+json"), api
    assert json.loads(api[2])["status"] == 413
    assert (page[0], page[1].split(";")[0]) == (413, "text/html"), page[:2]
    assert "This request is too large. Nothing was saved." in page[2]
    assert upload[0] == 413, upload[:2]
    assert after - before < 10, f"the worker grew by {after - before:.1f} MB for bodies it should not have read"
    assert "Traceback" not in log.read_text()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "body",
    [
        pytest.param(b'{"text": ' + b"[" * 500_000 + b"]" * 500_000 + b"}", id="nested half a million deep"),
        pytest.param(b'{"text": "caf\xff\xfe"}', id="invalid UTF-8"),
        pytest.param(b'{"text": "\xed\xa0\x80 lone surrogate"}', id="encoded surrogate"),
        pytest.param(b"\xef\xbb\xbf" + b'{"text": ' + b'"a",' * 300_000 + b"}", id="BOM and garbage"),
    ],
)
def test_hostile_json_is_a_400_problem_writes_nothing_and_holds_little_memory(
    case: Case, api_client: dict[str, Client], body: bytes
) -> None:
    client = api_client["caseworker"]
    client.raise_request_exception = False
    url = f"/api/v1/cases/{case.reference}/notes"
    client.get(url)  # the first request of the process builds the API's schemas: not what is measured
    events = AuditEvent.objects.count()
    response, peak = _peak_mb(lambda: client.post(url, body, content_type="application/json"))
    assert response.status_code in (400, 422)
    assert response["Content-Type"] == "application/problem+json"
    assert not Note.objects.filter(case=case).exists()
    assert AuditEvent.objects.count() == events
    # Bodies are held to 2.5 MB before this (DATA_UPLOAD_MAX_MEMORY_SIZE); what parsing them costs stays small.
    assert peak < 16, f"{peak:.1f} MB held for a {len(body) / MB:.1f} MB body"


@pytest.mark.django_db
def test_a_form_in_invalid_utf8_is_not_a_server_error(case: Case, staff: dict[str, Client]) -> None:
    client = staff["caseworker"]
    client.raise_request_exception = False
    response = client.post(
        f"/cases/{case.reference}/notes/", b"text=caf%FF%FE+\xff\xfe", content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code < 500


def _htcds(world: World, path: Path) -> tuple[CommandError, str]:
    stderr = io.StringIO()
    with pytest.raises(CommandError) as raised:
        call_command("import", "htcds", str(path), "--org", world.ngo_a.name, stderr=stderr, stdout=io.StringIO())
    return raised.value, stderr.getvalue()


def _write(path: Path, pieces: Iterator[bytes]) -> Path:
    with path.open("wb") as out:
        for piece in pieces:
            out.write(piece)
    return path


@pytest.mark.django_db
def test_a_200_mb_import_file_exits_2_at_once_holding_nothing(world: World, tmp_path: Path) -> None:
    row = b"Maria,Popescu,Feminine,2004-05-17,RO,ForcedLabour\n"
    big = _write(
        tmp_path / "register.csv",
        iter([b"prs_FirstName,prs_LastName,prs_Gender,prs_DateOfBirth,prs_Citizenship,vic_TypeOfExploitation\n"]
             + [row * (MB // len(row))] * 200),
    )  # fmt: skip
    assert big.stat().st_size > 190 * MB
    (error, _), peak = _peak_mb(lambda: _htcds(world, big))
    assert error.returncode == 2
    assert "at most 100 MB are imported at once" in str(error)
    assert peak < 4
    assert not Case.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("newlines", [False, True], ids=["one 10 MB line", "a quoted 10 MB field over many lines"])
def test_a_csv_with_a_10_mb_field_exits_2_with_bounded_memory(world: World, tmp_path: Path, newlines: bool) -> None:
    header = b"prs_FirstName,prs_LastName,prs_Gender,vic_TypeOfExploitation\n"
    line = (b"y" * 1000 + b"\n") if newlines else b"y" * 1000
    field = b'"' + line * (10 * MB // len(line)) + b'"'
    path = _write(tmp_path / "register.csv", iter([header, b"Ana,", field, b",Feminine,ForcedLabour\n"]))
    (error, _), peak = _peak_mb(lambda: _htcds(world, path))
    assert error.returncode == 2
    assert re.fullmatch(r"line \d+ is (longer than 1024 KB: is this an HTCDS file\?|not readable CSV .*)", str(error))
    assert peak < 8, f"{peak:.1f} MB held to refuse a 10 MB field"
    assert not Case.objects.exists()


@pytest.mark.django_db
def test_an_import_file_that_is_not_utf8_exits_2_naming_the_line(world: World, tmp_path: Path) -> None:
    path = _write(
        tmp_path / "register.csv",
        iter([b"prs_FirstName,prs_LastName,prs_Gender\n", b"Ana,Pop,Feminine\n", b"Ana,Pop\xff\xfe,Feminine\n"]),
    )
    error, _ = _htcds(world, path)
    assert error.returncode == 2
    assert "not UTF-8 text" in str(error)
    assert not Case.objects.exists()

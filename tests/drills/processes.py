"""What the failure drills start and stop: a private PostgreSQL cluster (never the shared server the rest of the
suite runs on), `lantern serve` and `lantern worker` as real processes, and a small reverse proxy."""

from __future__ import annotations

import http.client
import os
import pwd
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from django.db import connection

PG_BIN = Path(os.environ.get("LANTERN_PG_BIN", "/usr/lib/postgresql/15/bin"))
IN_CI = os.environ.get("CI", "").lower() == "true"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def suite_database_url() -> str:
    """The URL of the database the test process itself is connected to (pytest-django's test database)."""
    db = connection.settings_dict
    user = db.get("USER") or "postgres"
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    return f"postgresql://{user}{password}@{db.get('HOST') or '127.0.0.1'}:{db.get('PORT') or 5432}/{db['NAME']}"


class PrivateCluster:
    """A throwaway PostgreSQL cluster in a temporary directory on its own port. As root, its programs run as the
    `postgres` account (PostgreSQL refuses to run as root)."""

    def __init__(self) -> None:
        self.root = Path(tempfile.mkdtemp(prefix="lantern-drill-pg-"))
        self.data = self.root / "data"
        self.port = free_port()
        self.as_user: list[str] = []
        if os.geteuid() == 0:
            try:
                account = pwd.getpwnam("postgres")
            except KeyError:
                account = None
            if account is None or not shutil.which("runuser"):
                self._unavailable("running as root without a `postgres` account and runuser")
            self.as_user = ["runuser", "-u", "postgres", "--"]
            os.chown(self.root, account.pw_uid, account.pw_gid)  # type: ignore[union-attr]
        if not (PG_BIN / "initdb").exists():
            self._unavailable(f"no PostgreSQL programs in {PG_BIN} (set LANTERN_PG_BIN)")

    def _unavailable(self, why: str) -> None:
        shutil.rmtree(self.root, ignore_errors=True)
        message = f"FAILURE DRILL NOT RUN: cannot start a private PostgreSQL cluster: {why}"
        if IN_CI:
            pytest.fail(message, pytrace=False)
        pytest.skip(message)

    def _run(self, *argv: str) -> None:
        # Output to a file, not a pipe: the server pg_ctl starts would hold a pipe open, and we would wait on it.
        with (self.root / "commands.log").open("ab") as out:
            subprocess.run([*self.as_user, *argv], check=True, stdout=out, stderr=out, timeout=60)

    def url(self, name: str = "lantern") -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{name}"

    def start(self) -> None:
        (self.root / "commands.log").touch()
        if not self.data.exists():
            self._run(str(PG_BIN / "initdb"), "-D", str(self.data), "-U", "postgres", "--auth=trust", "-E", "UTF8")
        options = f"-p {self.port} -c listen_addresses=127.0.0.1 -c unix_socket_directories='' -c fsync=off"
        self._run(
            str(PG_BIN / "pg_ctl"), "-D", str(self.data), "-o", options, "-w", "-l", str(self.root / "log"), "start"
        )

    def restart(self) -> None:
        self._run(
            str(PG_BIN / "pg_ctl"), "-D", str(self.data), "-m", "fast", "-w", "-l", str(self.root / "log"), "restart"
        )

    def stop(self) -> None:
        if self.data.exists():
            subprocess.run(
                [*self.as_user, str(PG_BIN / "pg_ctl"), "-D", str(self.data), "-m", "immediate", "-w", "stop"],
                capture_output=True,
                timeout=60,
            )
        shutil.rmtree(self.root, ignore_errors=True)

    def copy_of(self, source_url: str, name: str = "lantern") -> str:
        """A database in this cluster holding what the source database holds now (schema and committed rows)."""
        self._run(str(PG_BIN / "createdb"), "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", name)
        dump = subprocess.run(
            [str(PG_BIN / "pg_dump"), "--no-owner", "--no-privileges", "-d", source_url],
            check=True,
            capture_output=True,
            timeout=60,
        )
        subprocess.run(
            [
                str(PG_BIN / "psql"),
                "-q",
                "-v",
                "ON_ERROR_STOP=1",
                "-d",
                self.url(name).replace("postgres://", "postgresql://"),
            ],
            input=dump.stdout,
            check=True,
            capture_output=True,
            timeout=60,
        )
        return self.url(name)


@contextmanager
def private_cluster() -> Iterator[PrivateCluster]:
    cluster = PrivateCluster()
    try:
        cluster.start()
        yield cluster
    finally:
        cluster.stop()


def lantern_env(home: Path, database_url: str, **extra: str) -> dict[str, str]:
    """The environment of a Lantern process started by a drill: test mode (its fixed keys are the ones the test
    process encrypts with), the given database, nothing inherited from pytest."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("LANTERN_", "DATABASE_URL", "PYTEST"))}
    env.update(
        {
            "LANTERN_MODE": "test",
            "LANTERN_HOME": str(home),
            "DATABASE_URL": database_url,
            "LANTERN_LOG_LEVEL": "WARNING",
            "PYTHONPATH": os.pathsep.join(p for p in sys.path if p),
            **extra,
        }
    )
    return env


def start_server(env: dict[str, str], log: Path, *, threads: int = 4) -> tuple[subprocess.Popen[bytes], int]:
    """`lantern serve` (gunicorn) on a free port, once it answers /healthz (whatever the answer)."""
    port = free_port()
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "lantern.cli",
            "serve",
            "--port",
            str(port),
            "--workers",
            "1",
            "--threads",
            str(threads),
        ],
        env=env,
        stdout=log.open("ab"),
        stderr=subprocess.STDOUT,
    )
    wait_for_http(port, process, log)
    return process, port


def start_worker(env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "lantern.cli", "worker", "--interval", "0.2"],
        env=env,
        stdout=log.open("ab"),
        stderr=subprocess.STDOUT,
    )


def wait_for_http(port: int, process: subprocess.Popen[bytes], log: Path, timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert process.poll() is None, f"the server stopped: {log.read_text()[-3000:]}"
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/healthz")
            response = conn.getresponse()
            response.read()
            conn.close()
            # Another program that took the port between our look and gunicorn's bind is not our server.
            assert response.getheader("Server") == "gunicorn", f"port {port} is answered by something else"
            return
        except OSError:
            time.sleep(0.1)
    raise AssertionError(f"the server did not answer within {timeout} s: {log.read_text()[-3000:]}")


def stop(*processes: subprocess.Popen[bytes]) -> None:
    for process in processes:
        if process.poll() is None:
            process.terminate()
    for process in processes:
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=5)


class ReverseProxy:
    """A small stand-in for the nginx of docs/operations.md: it forwards each request to the next web process in
    turn (round robin), adds X-Forwarded-For and X-Forwarded-Proto: https as that configuration does, and says
    which upstream answered in X-Upstream (nginx's $upstream_addr)."""

    def __init__(self, upstreams: list[int]) -> None:
        import itertools
        import threading
        from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

        turn = itertools.cycle(upstreams)
        lock = threading.Lock()

        class Handler(BaseHTTPRequestHandler):
            def _forward(self) -> None:
                with lock:
                    upstream = next(turn)
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else None
                headers = {k: v for k, v in self.headers.items() if k.lower() not in ("connection", "keep-alive")}
                headers["X-Forwarded-For"] = self.client_address[0]
                headers["X-Forwarded-Proto"] = "https"
                conn = http.client.HTTPConnection("127.0.0.1", upstream, timeout=60)
                conn.request(self.command, self.path, body=body, headers=headers)
                response = conn.getresponse()
                payload = response.read()
                self.send_response(response.status)
                for name, value in response.getheaders():
                    if name.lower() not in ("connection", "transfer-encoding", "content-length"):
                        self.send_header(name, value)
                self.send_header("Content-Length", str(len(payload)))
                self.send_header("X-Upstream", str(upstream))
                self.end_headers()
                self.wfile.write(payload)
                conn.close()

            do_GET = do_POST = do_PATCH = do_PUT = do_DELETE = _forward

            def log_message(self, format: str, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = int(self.server.server_address[1])
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()

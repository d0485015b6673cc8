"""The whole test suite, as `./lantern.sh test` and CI run it.

1. Static checks: ruff (lint and format), mypy (src, tests and bench: pyproject.toml), no missing migration,
   translation catalogues complete. The same checks run before each commit with pre-commit (.pre-commit-config.yaml).
2. Chromium for the browser tests, gettext's msgfmt for the catalogue check and Pango for WeasyPrint (the
   preparedness report as PDF): installed with apt when missing and we are root; otherwise those tests are
   skipped loudly (with CI=true nothing may be skipped: that is a failure).
3. pytest on SQLite, then on PostgreSQL when one is reachable (with CI=true it must be).

Arguments after `test` go to pytest (for example `./lantern.sh test -k audit`); then only that runs, on both
databases, without the static checks.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
POSTGRES_URL = os.environ.get("LANTERN_TEST_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/test")
CHROMIUM = os.environ.get("LANTERN_CHROMIUM", "/usr/bin/chromium")
IN_CI = os.environ.get("CI", "").lower() == "true"


def say(message: str) -> None:
    print(f"\033[1m==> {message}\033[0m", flush=True)


def warn(message: str) -> None:
    bar = "!" * 78
    print(f"\033[1;33m{bar}\n!! {message}\n{bar}\033[0m", flush=True)


def run(argv: list[str], env: dict[str, str] | None = None) -> int:
    return subprocess.call(argv, cwd=ROOT, env=env)


def static_checks() -> bool:
    checks = [
        ("ruff check", [str(BIN / "ruff"), "check", "src", "tests", "bench"]),
        ("ruff format", [str(BIN / "ruff"), "format", "--check", "--quiet", "src", "tests", "bench"]),
        ("mypy", [str(BIN / "mypy")]),
        ("migrations", [str(BIN / "lantern"), "makemigrations", "--check", "--dry-run"]),
    ]
    # The migrations check needs a database to read the history from: an empty one in memory will do.
    env = {**os.environ, "LANTERN_MODE": "test", "DATABASE_URL": "sqlite://:memory:"}
    ok = True
    for name, argv in checks:
        say(name)
        if run(argv, env) != 0:
            print(f"FAILED: {name}", flush=True)
            ok = False
    return ok


def chromium_available() -> bool:
    if Path(CHROMIUM).exists():
        return True
    if os.geteuid() == 0 and shutil.which("apt-get"):
        say("installing Debian's chromium for the browser tests (apt)")
        env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        subprocess.call(["apt-get", "update", "-qq"], env=env, stdout=subprocess.DEVNULL)
        subprocess.call(["apt-get", "install", "-y", "-qq", "chromium"], env=env, stdout=subprocess.DEVNULL)
    return Path(CHROMIUM).exists()


def msgfmt_available() -> bool:
    """gettext's `msgfmt --check` is what tests/core/test_i18n.py runs over every catalogue."""
    if shutil.which("msgfmt"):
        return True
    if os.geteuid() == 0 and shutil.which("apt-get"):
        say("installing gettext for the catalogue check (apt)")
        env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        subprocess.call(["apt-get", "update", "-qq"], env=env, stdout=subprocess.DEVNULL)
        subprocess.call(["apt-get", "install", "-y", "-qq", "gettext"], env=env, stdout=subprocess.DEVNULL)
    return shutil.which("msgfmt") is not None


# WeasyPrint draws PDFs with the system's Pango (and HarfBuzz and fontconfig, which Pango brings with it).
PANGO_PACKAGES = ["libpango-1.0-0", "libpangoft2-1.0-0", "fonts-dejavu-core"]


def pango_available() -> bool:
    from ctypes.util import find_library

    if find_library("pango-1.0") and find_library("pangoft2-1.0"):
        return True
    if os.geteuid() == 0 and shutil.which("apt-get"):
        say("installing Pango for WeasyPrint's PDF reports (apt)")
        env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        subprocess.call(["apt-get", "update", "-qq"], env=env, stdout=subprocess.DEVNULL)
        subprocess.call(["apt-get", "install", "-y", "-qq", *PANGO_PACKAGES], env=env, stdout=subprocess.DEVNULL)
    return bool(find_library("pango-1.0") and find_library("pangoft2-1.0"))


def postgres_reachable() -> bool:
    try:
        import psycopg

        with psycopg.connect(POSTGRES_URL.replace("postgres://", "postgresql://"), connect_timeout=3):
            return True
    except Exception as exc:
        print(f"PostgreSQL at {POSTGRES_URL} is not reachable: {type(exc).__name__}", flush=True)
        return False


def pytest(database: str, url: str | None, extra: list[str], browser: bool) -> int:
    env = {**os.environ, "LANTERN_MODE": "test", "LANTERN_TEST_DATABASE": database}
    env.pop("DATABASE_URL", None)
    if url:
        env["DATABASE_URL"] = url
    if browser:
        env["LANTERN_CHROMIUM"] = CHROMIUM
    else:
        env["LANTERN_SKIP_BROWSER"] = "1"
    workers = os.environ.get("LANTERN_TEST_WORKERS", "2")
    argv = [sys.executable, "-m", "pytest", "-n", workers, "--dist", "loadgroup", *extra]
    say(f"pytest on {database}")
    return run(argv, env)


def main(extra: list[str]) -> int:
    failed = False
    if not extra:
        failed = not static_checks()
    browser = chromium_available()
    if not browser:
        if IN_CI:
            print(
                f"FAILED: Chromium ({CHROMIUM}) is required with CI=true and could not be installed",
                flush=True,
            )
            failed = True
        else:
            warn(f"Chromium is not at {CHROMIUM} and could not be installed: the browser tests are SKIPPED")
    if not msgfmt_available():
        if IN_CI:
            print("FAILED: gettext's msgfmt is required with CI=true and could not be installed", flush=True)
            failed = True
        else:
            warn("gettext's msgfmt is not installed and could not be: the catalogue check (msgfmt --check) is SKIPPED")
    if not pango_available():
        if IN_CI:
            print("FAILED: Pango (for WeasyPrint's PDF reports) is required with CI=true", flush=True)
            failed = True
        else:
            warn("Pango is missing and could not be installed: the PDF report tests are SKIPPED")
    code = pytest("sqlite", None, extra, browser)
    failed = failed or code not in (0, 5) or (code == 5 and not extra)
    if postgres_reachable():
        code = pytest("postgresql", POSTGRES_URL, extra, browser)
        failed = failed or code not in (0, 5) or (code == 5 and not extra)
    elif IN_CI:
        print("FAILED: PostgreSQL is required with CI=true", flush=True)
        failed = True
    else:
        warn("PostgreSQL is not reachable: the PostgreSQL half of the suite is SKIPPED")
    say("all green" if not failed else "FAILED")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

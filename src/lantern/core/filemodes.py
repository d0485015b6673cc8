"""LANTERN_HOME holds the embedded database, its write-ahead log, the keys and the files Lantern writes (file-channel
notifications, the demo's credentials): nobody but the account Lantern runs as may read them.

Two layers. Lantern's processes run with umask 077 (`cli.main`, `wsgi`), so every file they create is 0600 and
every directory 0700, whatever the shell's umask; SQLite gives the `-wal` and `-shm` files the database file's own
mode, and the database file is created here, empty and 0600, before SQLite first opens it. And at every start
(`CoreConfig.ready`) the home and everything in it is checked: a directory open to others is set to 0700 and a file
to 0600 (a home copied with `cp -r`, or made by an older version), with a warning naming the path; what cannot be
fixed (a file of another owner) is logged as an error. Symbolic links are not followed."""

from __future__ import annotations

import contextlib
import logging
import os
import stat
from collections.abc import Mapping
from pathlib import Path
from typing import Any

logger = logging.getLogger("lantern.security")

PRIVATE_UMASK = 0o077
DIRECTORY_MODE = 0o700
FILE_MODE = 0o600


def private_umask() -> None:
    """Files and directories created by this process are the owner's only."""
    os.umask(PRIVATE_UMASK)


def _tighten(path: Path, wanted: int, fixed: list[Path]) -> None:
    try:
        current = path.lstat()
    except FileNotFoundError:
        return
    if stat.S_ISLNK(current.st_mode) or stat.S_IMODE(current.st_mode) & 0o077 == 0:
        return
    try:
        path.chmod(stat.S_IMODE(current.st_mode) & ~0o077 | (wanted & 0o700))
    except OSError as exc:
        logger.error(
            "%s is readable by other accounts and could not be made private (%s): fix its owner and mode",
            path,
            type(exc).__name__,
        )
        return
    fixed.append(path)


def secure_home(home: Path, sqlite_database: Path | None = None) -> list[Path]:
    """Make `home` 0700 and every file under it 0600 (directories 0700); create the SQLite database file 0600 if
    it does not exist yet (and its directory 0700). Returns what was changed; each change is logged."""
    fixed: list[Path] = []
    databases = [sqlite_database] if sqlite_database is not None else []
    for database in databases:
        database.parent.mkdir(parents=True, exist_ok=True, mode=DIRECTORY_MODE)
        with contextlib.suppress(FileExistsError):
            os.close(os.open(database, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE))
    if home.is_dir():
        _tighten(home, DIRECTORY_MODE, fixed)
        for root, directories, files in os.walk(home):
            for name in directories:
                _tighten(Path(root) / name, DIRECTORY_MODE, fixed)
            for name in files:
                _tighten(Path(root) / name, FILE_MODE, fixed)
    for database in databases:
        if database.parent != home:
            _tighten(database.parent, DIRECTORY_MODE, fixed)
        for suffix in ("", "-wal", "-shm", "-journal"):
            _tighten(database.with_name(database.name + suffix), FILE_MODE, fixed)
    for path in fixed:
        logger.warning("%s was readable by other accounts: its mode is now owner only", path)
    return fixed


def sqlite_path(databases: Mapping[str, Any]) -> Path | None:
    """The default database's file when it is SQLite on disk (not in memory)."""
    default: Mapping[str, Any] = databases.get("default", {})
    name = str(default.get("NAME") or "")
    if default.get("ENGINE") != "django.db.backends.sqlite3" or not name or name == ":memory:" or "mode=memory" in name:
        return None
    return Path(name)

"""lantern keys init|rotate|status|backup|restore"""

from __future__ import annotations

import base64
import getpass
import os
import secrets
import sys
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import CommandParser

from lantern.core import crypto, keysbackup
from lantern.core.backupfile import BackupRefused, backup_key, check_new_file, check_not_a_data_key, write_atomically
from lantern.core.keyrotation import count_stale
from lantern.core.keysbackup import check_passphrase, seal
from lantern.core.management.base import LanternCommand, UsageError
from lantern.core.services import keys_rotate


def write_secret_file(path: Path, content: str) -> None:
    """Create a file readable by its owner only; never overwrite one."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(content)


def replace_secret_file(path: Path, content: str) -> None:
    tmp = path.with_suffix(".new")
    if tmp.exists():
        tmp.unlink()
    write_secret_file(tmp, content)
    os.replace(tmp, path)


def keys_init() -> list[str]:
    """Create the embedded set-up's secret key, data keyring, audit keyring and index key where they are missing."""
    created = []
    keys_dir = Path(settings.LANTERN_KEYS_DIR)
    keys_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
    os.chmod(keys_dir, 0o700)
    if not os.environ.get("LANTERN_SECRET_KEY") and not (keys_dir / "secret_key").exists():
        write_secret_file(keys_dir / "secret_key", secrets.token_urlsafe(50) + "\n")
        created.append("secret_key")
    if not settings.LANTERN_DATA_KEYS and not crypto.data_keys_path().exists():
        key_id = crypto.new_key_id()
        ring = crypto.Keyring(keys={key_id: crypto.new_key()}, active_id=key_id)
        write_secret_file(crypto.data_keys_path(), ring.serialise())
        created.append("data_keys")
    if not settings.LANTERN_AUDIT_KEYS and not crypto.audit_keys_path().exists():
        key_id = crypto.new_key_id()
        ring = crypto.Keyring(keys={key_id: crypto.new_key()}, active_id=key_id)
        write_secret_file(crypto.audit_keys_path(), ring.serialise())
        created.append("audit_keys")
    if not settings.LANTERN_INDEX_KEY and not crypto.index_key_path().exists():
        write_secret_file(crypto.index_key_path(), base64.b64encode(secrets.token_bytes(32)).decode() + "\n")
        created.append("index_key")
    crypto.reset_key_cache()
    return created


class Command(LanternCommand):
    help = "Create the keys of the embedded set-up, or rotate the data key and re-encrypt every value."

    def uses_database(self, options: dict[str, Any]) -> bool:
        # The keys come before the database (its first migration uses them), and a keys backup or restore works on
        # the key files alone: only a rotation and the status read the database.
        return options["action"] in ("rotate", "status")

    def add_arguments(self, parser: CommandParser) -> None:
        sub = self.add_subcommands(parser)
        sub.add_parser("init", help="create missing keys under LANTERN_HOME/keys (mode 0600)")
        rotate = sub.add_parser("rotate", help="re-encrypt every value under the active key (resumable)")
        rotate.add_argument(
            "--new-key",
            action="store_true",
            help="first add a new key and make it the active one (keyring file only; with LANTERN_DATA_KEYS, "
            "put the new key first in the variable instead)",
        )
        rotate.add_argument("--batch-size", type=int, default=500)
        sub.add_parser("status", help="how many values are not yet under the active key")
        backup = sub.add_parser(
            "backup", help="write every key (data, audit, index, secret, backup) to a new file sealed with a passphrase"
        )
        backup.add_argument("--out", metavar="FILE", required=True, help="the new file (mode 0600, never overwritten)")
        backup.add_argument("--passphrase-stdin", action="store_true", help="read the passphrase from standard input")
        restore = sub.add_parser("restore", help="put the keys of a keys backup into LANTERN_HOME/keys (mode 0600)")
        restore.add_argument("file", metavar="FILE")
        restore.add_argument("--passphrase-stdin", action="store_true", help="read the passphrase from standard input")
        restore.add_argument("--force", action="store_true", help="replace keys here that differ (says which)")

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        if action == "init":
            created = keys_init()
            self.stdout.write(f"created: {', '.join(created)}" if created else "all keys already exist")
            return
        if action in ("backup", "restore"):
            try:
                self._keys_backup(options) if action == "backup" else self._keys_restore(options)
            except BackupRefused as exc:
                raise UsageError(str(exc)) from None
            return
        if action == "status":
            ring = crypto.keyring()
            stale = count_stale(ring)
            self.stdout.write(f"active key {ring.active_id}; keys in the ring: {', '.join(ring.keys)}")
            for label, count in stale.items():
                self.stdout.write(f"  {label}: {count} values under an older key")
            return
        if options["batch_size"] < 1:
            raise UsageError("--batch-size must be at least 1")
        if options["new_key"]:
            if settings.LANTERN_DATA_KEYS:
                raise UsageError("the keys come from LANTERN_DATA_KEYS: put the new key first there, then rotate")
            ring = crypto.keyring()
            new_id = crypto.new_key_id()
            keys = {new_id: crypto.new_key(), **ring.keys}
            replace_secret_file(crypto.data_keys_path(), crypto.Keyring(keys=keys, active_id=new_id).serialise())
            crypto.reset_key_cache()
            self.stdout.write(f"new active key {new_id}")

        def progress(label: str, done: int, total: int) -> None:
            sys.stderr.write(f"\r  {label}: {done}/{total} ({100 * done // max(total, 1)}%)")
            if done >= total:
                sys.stderr.write("\n")
            sys.stderr.flush()

        report = keys_rotate(batch_size=options["batch_size"], progress=progress)
        self.stdout.write(f"re-encrypted {report.total} values under key {report.active_key}")

    def _keys_backup(self, options: dict[str, Any]) -> None:
        out = Path(options["out"])
        check_new_file(out)
        passphrase = _passphrase(options["passphrase_stdin"], confirm=True)
        check_passphrase(passphrase)
        if not settings.LANTERN_DATA_KEYS and not crypto.data_keys_path().exists():
            raise UsageError("no data keys to back up: set LANTERN_DATA_KEYS or run `lantern keys init`")
        key, created = backup_key(create=True)  # so that the keys backup also opens every future backup
        check_not_a_data_key(key)
        content, names = seal(passphrase)
        try:
            write_atomically(out, lambda sink: sink.write(content))
        except OSError as exc:
            raise UsageError(f"--out: cannot write {out}: {exc.strerror}") from None
        made = " (the backup key was created now)" if created else ""
        self.stdout.write(
            f"keys backup written to {out} (mode 0600): {', '.join(names)}{made}; keep it apart from the database "
            "backups, and the passphrase apart from both"
        )

    def _keys_restore(self, options: dict[str, Any]) -> None:
        path = Path(options["file"])
        if not path.is_file():
            raise UsageError(f"{path}: no such file")
        passphrase = _passphrase(options["passphrase_stdin"], confirm=False)
        keys = keysbackup.unseal(path.read_bytes(), passphrase)
        replaced = keysbackup.conflicts(keys)
        if replaced and options["force"]:
            sys.stderr.write(f"--force: replacing {', '.join(replaced)} in {settings.LANTERN_KEYS_DIR}\n")
        result = keysbackup.install(keys, force=options["force"])
        self.stdout.write(
            f"keys restored into {settings.LANTERN_KEYS_DIR}: written {', '.join(result.written) or 'none'}; "
            f"already there {', '.join(result.unchanged) or 'none'}"
        )
        for name in result.overridden:
            self.stdout.write(f"  note: {keysbackup.KEY_FILES[name]} is set here and takes precedence over {name}")


def _passphrase(from_stdin: bool, *, confirm: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    if not sys.stdin.isatty():
        raise UsageError("give the passphrase on a terminal, or on standard input with --passphrase-stdin")
    first = getpass.getpass("Passphrase: ")
    if confirm and getpass.getpass("Again: ") != first:
        raise UsageError("the two passphrases differ")
    return first

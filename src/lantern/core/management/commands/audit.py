"""lantern audit verify|anchor|new-key"""

from __future__ import annotations

import dataclasses
import json
import os
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import CommandError, CommandParser

from lantern.core import crypto
from lantern.core.audit import CHECKPOINT_PREFIX, BadCheckpoint, Checkpoint, audit_anchor, audit_verify
from lantern.core.management.base import LanternCommand, UsageError
from lantern.core.management.commands.keys import replace_secret_file


def _checkpoint_from(value: str) -> Checkpoint:
    """The checkpoint itself, or a file of them (`lantern audit anchor --out`), of which the last line counts."""
    text = value.strip()
    if not text.startswith(CHECKPOINT_PREFIX):
        path = Path(value)
        if not path.is_file():
            raise UsageError(f"--since: give a checkpoint line or a file of them; {value[:60]!r} is neither")
        lines = [line for line in path.read_text(errors="replace").splitlines() if line.strip()]
        if not lines:
            raise UsageError(f"--since: {path} holds no checkpoint")
        text = lines[-1]
    try:
        return Checkpoint.parse(text)
    except BadCheckpoint as exc:
        raise UsageError(f"--since: {exc}") from None


def _append_private(path: Path, line: str) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    with os.fdopen(fd, "a") as handle:
        handle.write(line + "\n")


class Command(LanternCommand):
    help = (
        "Check the audit trail's keyed hash chain (exits 0 when intact, 1 naming the first bad row), write a signed "
        "checkpoint of its head, or start a new audit key."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        sub = self.add_subcommands(parser)
        verify = sub.add_parser("verify", help="verify the hash chain, from its start or from a checkpoint")
        verify.add_argument(
            "--since",
            metavar="CHECKPOINT",
            help="a checkpoint line from `lantern audit anchor`, or a file of them (the last one counts): the row "
            "it names must still be there, unchanged, and the chain is verified from it",
        )
        verify.add_argument("--json", action="store_true")
        anchor = sub.add_parser("anchor", help="print a signed checkpoint of the chain's head (keep it elsewhere)")
        anchor.add_argument("--out", metavar="FILE", help="also append it to FILE (created with mode 0600)")
        anchor.add_argument("--json", action="store_true")
        sub.add_parser(
            "new-key",
            help="add a new audit key to LANTERN_HOME/keys/audit_keys and make it the active one (older keys stay "
            "to verify older rows)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        if action == "anchor":
            checkpoint = audit_anchor()
            if options["out"]:
                try:
                    _append_private(Path(options["out"]), checkpoint.text())
                except OSError as exc:
                    raise UsageError(f"--out: cannot write {options['out']}: {exc.strerror}") from None
            self.stdout.write(json.dumps(dataclasses.asdict(checkpoint)) if options["json"] else checkpoint.text())
            return
        if action == "new-key":
            if settings.LANTERN_AUDIT_KEYS:
                raise UsageError("the audit keys come from LANTERN_AUDIT_KEYS: put a new key first there, keep the old")
            ring = crypto.audit_keyring()
            new_id = crypto.new_key_id()
            keys = {new_id: crypto.new_key(), **ring.keys}
            replace_secret_file(crypto.audit_keys_path(), crypto.Keyring(keys=keys, active_id=new_id).serialise())
            crypto.reset_key_cache()
            self.stdout.write(f"new active audit key {new_id}; restart the web and worker processes")
            return
        since = _checkpoint_from(options["since"]) if options["since"] else None
        result = audit_verify(since=since)
        if options["json"]:
            self.stdout.write(json.dumps(result.__dict__))
        elif result.ok:
            start = f" since the checkpoint of {since.at} (row {since.seq})" if since else ""
            self.stdout.write(f"audit trail intact: {result.checked} events{start}; head {result.head_hash}")
        if not result.ok:
            where = f"at row {result.first_bad_seq}" if result.first_bad_seq else "at its checkpoint"
            raise CommandError(f"audit trail broken {where}: {result.problem}", returncode=1)

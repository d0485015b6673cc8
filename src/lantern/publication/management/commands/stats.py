"""lantern stats publish --input FILE.csv --by COL,COL (--k 11 | --epsilon E) --out FILE.csv [--dataset NAME] [--json]
lantern stats ctdc --out FILE.csv [--k 11] [--json]

`publish` writes the protected table to FILE.csv, its chart beside it (FILE.svg) and its methodology note
(FILE.md). Every argument and the file are checked before anything is written; with --epsilon, the release is
recorded in the dataset's privacy ledger in the same transaction that moves the files into place."""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import CommandParser

from lantern.core.management.base import LanternCommand, UsageError, validation_message
from lantern.publication.crosstab import TableError, read_csv
from lantern.publication.models import PublicationRelease
from lantern.publication.services import DEFAULT_K, check_parameters, dataset_key_for_file, publish


class Command(LanternCommand):
    help = "Publish privacy-safe statistics (k threshold or differential privacy), or the k-anonymous CTDC file."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = self.add_subcommands(parser)
        pub = sub.add_parser("publish", help="a protected table of counts, its chart and its methodology note")
        pub.add_argument("--input", type=Path, required=True, help="CSV of de-identified records (e.g. CTDC)")
        pub.add_argument("--by", required=True, help="the dimensions, comma-separated column names")
        mode = pub.add_mutually_exclusive_group(required=True)
        mode.add_argument("--k", type=int, help=f"small-cell suppression threshold (CTDC uses {DEFAULT_K})")
        mode.add_argument("--epsilon", type=float, help="differential privacy: the epsilon this release spends")
        pub.add_argument("--out", type=Path, required=True, help="the table (.csv); .svg and .md are written beside")
        pub.add_argument(
            "--dataset", default="", help="name of the dataset in the privacy ledger (default: the file's SHA-256)"
        )
        pub.add_argument("--json", action="store_true", help="print a summary as JSON")
        ctdc = sub.add_parser("ctdc", help="CTDC microdata of Lantern's cases, k-anonymous on its quasi-identifiers")
        ctdc.add_argument("--out", type=Path, required=True)
        ctdc.add_argument("--k", type=int, default=DEFAULT_K)
        ctdc.add_argument("--json", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "publish":
            self._publish(options)
        else:
            self._ctdc(options)

    def _say(self, message: str) -> None:
        self.stderr.write(message)

    @staticmethod
    def _fresh(path: Path) -> None:
        if path.exists():
            raise UsageError(f"{path} exists: Lantern does not overwrite a publication")
        if not path.parent.is_dir():
            raise UsageError(f"{path.parent} is not a directory")

    def _publish(self, options: dict[str, Any]) -> None:
        source: Path = options["input"]
        out: Path = options["out"]
        by = [name.strip() for name in options["by"].split(",") if name.strip()]
        try:
            check_parameters(k=options["k"], epsilon=options["epsilon"])
        except ValidationError as exc:
            raise UsageError(validation_message(exc)) from None
        if not by:
            raise UsageError("--by names no column")
        if out.suffix.lower() != ".csv":
            raise UsageError("--out must end in .csv")
        targets = {"csv": out, "svg": out.with_suffix(".svg"), "md": out.with_suffix(".md")}
        for path in targets.values():
            self._fresh(path)
        if not source.is_file():
            raise UsageError(f"{source} is not a file")
        content = source.read_bytes()
        self._say(f"reading {source}")
        try:
            records = read_csv(content, by)
        except TableError as exc:
            raise UsageError(f"{source}: {exc}") from None
        self._say(f"read {records.count:,} records")
        key, label = dataset_key_for_file(content, options["dataset"])
        staged: dict[str, str] = {}

        def move_into_place(release: PublicationRelease) -> None:
            parts = {"csv": release.table_csv, "svg": release.chart_svg, "md": release.note}
            for kind, text in parts.items():
                handle, name = tempfile.mkstemp(dir=targets[kind].parent, prefix=".lantern-", suffix=f".{kind}")
                with os.fdopen(handle, "w", encoding="utf-8", newline="") as file:
                    file.write(text)
                staged[kind] = name
            for kind, name in staged.items():
                os.link(name, targets[kind])  # fails, rather than overwrites, if the file appeared meanwhile
            for name in staged.values():
                os.unlink(name)

        try:
            release = publish(
                actor=None,
                dataset_key=key,
                dataset_label=label,
                records=records,
                by=by,
                k=options["k"],
                epsilon=options["epsilon"],
                source=f"the file {source.name}",
                progress=self._say,
                before_commit=move_into_place,
            )
        except ValidationError as exc:
            raise UsageError(validation_message(exc)) from None
        except FileExistsError as exc:
            raise UsageError(f"{exc.filename} appeared while publishing: nothing was recorded") from None
        finally:
            for name in staged.values():
                Path(name).unlink(missing_ok=True)
        summary = _summary(release)
        summary["files"] = {kind: str(path) for kind, path in targets.items()}
        if options["json"]:
            self.stdout.write(json.dumps(summary))
        else:
            self._say(f"published {release.cells:,} cells to {out} (release #{release.pk})")

    def _ctdc(self, options: dict[str, Any]) -> None:
        from lantern.publication.ctdc_k import to_csv
        from lantern.publication.services import ctdc_k_export

        out: Path = options["out"]
        k: int = options["k"]
        if not 2 <= k <= 100:
            raise UsageError("--k must be from 2 to 100")
        self._fresh(out)
        self._say("reading the cases consented to statistics")
        anonymised = ctdc_k_export(actor=None, k=k)
        with out.open("x", encoding="utf-8", newline="") as handle:
            out.chmod(0o600)  # de-identified microdata: still owner only
            handle.write(to_csv(anonymised))
        summary = {"rows": anonymised.records_out, "records": anonymised.records_in, "k": k, "steps": anonymised.steps}
        if options["json"]:
            self.stdout.write(json.dumps(summary))
        else:
            self._say(f"exported {anonymised.records_out:,} of {anonymised.records_in:,} records, k = {k}")


def _summary(release: PublicationRelease) -> dict[str, Any]:
    dataset = release.dataset
    from lantern.publication.services import budget_spent

    spent = budget_spent(dataset)
    return {
        "release": release.pk,
        "mode": release.mode,
        "k": release.k,
        "epsilon": release.epsilon,
        "dataset": dataset.key,
        "records": release.records,
        "cells": release.cells,
        "suppressed": release.suppressed,
        "budget": dataset.budget,
        "budget_spent": spent,
        "budget_left": max(dataset.budget - spent, 0.0),
    }

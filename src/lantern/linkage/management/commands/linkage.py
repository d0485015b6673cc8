"""lantern linkage secret --out S | encode --secret-file S (--input FILE.csv | --org NAME) --out FILE [--fields ...]
[--workers N] | match A B [C ...] --out FILE.csv [--threshold T] [--workers N] [--json]"""

from __future__ import annotations

import csv
import json
import os
import secrets
import sys
from pathlib import Path
from typing import Any

from django.core.management.base import CommandParser

from lantern.core.exports import csv_writer
from lantern.core.management.base import LanternCommand, UsageError
from lantern.core.models import Organisation
from lantern.linkage import files, matching
from lantern.linkage.encoding import Encoder, Keys, Person, SecretError
from lantern.linkage.normalise import parse_date
from lantern.linkage.services import encodings_produce

REQUIRED_COLUMNS = ("record_id", "prs_FirstName", "prs_SecondName", "prs_Birthdate")
OPTIONAL_COLUMNS = ("prs_Gender", "prs_Citizenship")
MAX_WORKERS = 64  # --workers: processes the encoding or the blocking may use


def _new_file(path: Path) -> Any:
    if path.exists():
        raise UsageError(f"{path} exists: Lantern does not overwrite it")
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except OSError as exc:
        raise UsageError(f"cannot write {path}: {exc.strerror}") from None
    return os.fdopen(fd, "w", encoding="utf-8", newline="")


class Command(LanternCommand):
    help = "Privacy-preserving record linkage: a shared secret, encodings of one organisation, linking encodings."

    def uses_database(self, options: dict[str, Any]) -> bool:
        # A secret, another holder's encodings from a CSV and the match work on files alone.
        return options["action"] == "encode" and bool(options["org"])

    def add_arguments(self, parser: CommandParser) -> None:
        sub = self.add_subcommands(parser)
        secret = sub.add_parser(
            "secret", help="a new shared secret (give it to the other organisations, not the coordinator)"
        )
        secret.add_argument("--out", type=Path, required=True)
        encode = sub.add_parser("encode", help="encodings of one organisation's records")
        encode.add_argument("--secret-file", type=Path, required=True)
        source = encode.add_mutually_exclusive_group(required=True)
        source.add_argument(
            "--input", type=Path, help="CSV with record_id, prs_FirstName, prs_SecondName, prs_Birthdate"
        )
        source.add_argument("--org", help="the cases of this organisation (consented to statistics)")
        encode.add_argument("--out", type=Path, required=True)
        encode.add_argument("--fields", default="", help="other columns to encode, comma-separated")
        encode.add_argument("--source", default="", help="the source name written in the file (default: the file's)")
        encode.add_argument(
            "--workers", type=int, default=1, help="processes to encode in (the same encodings with any number)"
        )
        encode.add_argument(
            "--skip-bad-dates",
            action="store_true",
            help="encode a record whose prs_Birthdate is not a date without its date, instead of stopping",
        )
        match = sub.add_parser("match", help="link the encodings of two or more organisations")
        match.add_argument("encodings", nargs="+", type=Path)
        match.add_argument("--out", type=Path, required=True)
        match.add_argument("--threshold", type=float)
        match.add_argument("--json", action="store_true", help="print the figures as JSON")
        match.add_argument(
            "--workers", type=int, default=1, help="processes the blocking runs in (the same links with any number)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        getattr(self, f"_{options['action']}")(options)

    def _secret(self, options: dict[str, Any]) -> None:
        with _new_file(options["out"]) as out:
            out.write(secrets.token_hex(32) + "\n")
        self.stderr.write(f"wrote a new secret to {options['out']} (mode 0600)")

    def _encode(self, options: dict[str, Any]) -> None:
        try:
            keys = Keys.from_secret(options["secret_file"].read_bytes())
        except OSError as exc:
            raise UsageError(f"cannot read the secret file: {exc.strerror}") from None
        except SecretError as exc:
            raise UsageError(str(exc)) from None
        fields = [f.strip() for f in options["fields"].split(",") if f.strip()]
        workers = options["workers"]
        if not 1 <= workers <= MAX_WORKERS:
            raise UsageError(f"--workers must be between 1 and {MAX_WORKERS}")
        if options["org"]:
            organisation = Organisation.objects.filter(name=options["org"]).first()
            if organisation is None:
                raise UsageError(f"no organisation named {options['org']!r} (see `lantern org list`)")
            if fields:
                raise UsageError("--fields applies to --input files only")
            if options["out"].exists():
                raise UsageError(f"{options['out']} exists: Lantern does not overwrite it")
            produced = encodings_produce(
                actor=None, organisation=organisation, secret=options["secret_file"].read_bytes()
            )
            with _new_file(options["out"]) as out:
                out.write(produced.text)
            self.stderr.write(f"encoded {produced.count} records of {organisation.name}")
            return
        people, undated = self._read_csv(options["input"], fields, skip_bad_dates=options["skip_bad_dates"])
        if options["out"].exists():
            raise UsageError(f"{options['out']} exists: Lantern does not overwrite it")
        ids, bits = Encoder(keys).encode(people, workers=workers)
        try:
            files.check_ids(ids)
        except files.EncodingsFileError as exc:
            raise UsageError(str(exc)) from None
        source = options["source"] or options["input"].stem
        with _new_file(options["out"]) as out:
            files.dump(out, source=source, fingerprint=keys.fingerprint, ids=ids, bits=bits)
        self.stderr.write(
            f"encoded {len(ids)} records" + (f", {undated} without their date (not a date)" if undated else "")
        )

    def _read_csv(self, path: Path, fields: list[str], *, skip_bad_dates: bool) -> tuple[list[Person], int]:
        try:
            handle = path.open(encoding="utf-8-sig", newline="")
        except OSError as exc:
            raise UsageError(f"cannot read {path}: {exc.strerror}") from None
        people: list[Person] = []
        undated = 0
        seen: set[str] = set()
        valid_id = files.RECORD_ID.fullmatch
        with handle:
            try:
                reader = csv.reader(handle)
                header = next(reader, [])
                missing = [c for c in (*REQUIRED_COLUMNS, *fields) if c not in header]
                if missing:
                    raise UsageError(f"{path}: no column {missing[0]}")
                where = {name: header.index(name) for name in (*REQUIRED_COLUMNS, *OPTIONAL_COLUMNS, *fields)
                         if name in header}  # fmt: skip
                at_id, at_first, at_second, at_born = (where[c] for c in REQUIRED_COLUMNS)
                at_gender, at_citizenship = (where.get(c) for c in OPTIONAL_COLUMNS)
                at_fields = [(name, where[name]) for name in fields]
                width = len(header)
                for line, row in enumerate(reader, start=2):
                    if not row:  # a blank line, skipped as csv.DictReader does
                        continue
                    if len(row) < width:  # a short row reads as empty cells, as csv.DictReader does
                        row += [""] * (width - len(row))
                    record_id = row[at_id].strip()
                    if not valid_id(record_id):
                        raise UsageError(
                            f"{path} line {line}: record_id must be 1-64 of A-Z a-z 0-9 _.:-, first a letter or digit"
                        )
                    if record_id in seen:
                        raise UsageError(f"{path} line {line}: record_id {record_id} appears twice")
                    seen.add(record_id)
                    try:
                        born = parse_date(row[at_born])
                    except ValueError:
                        if not skip_bad_dates:
                            raise UsageError(f"{path} line {line}: prs_Birthdate is not a date") from None
                        born = None
                        undated += 1
                    people.append(
                        Person(
                            record_id,
                            row[at_first],
                            row[at_second],
                            born,
                            row[at_gender] if at_gender is not None else "",
                            row[at_citizenship] if at_citizenship is not None else "",
                            {name: row[i] for name, i in at_fields} if at_fields else {},
                        )
                    )
            except (UnicodeDecodeError, csv.Error):
                raise UsageError(f"{path}: not a UTF-8 CSV file") from None
        return people, undated

    def _match(self, options: dict[str, Any]) -> None:
        paths: list[Path] = options["encodings"]
        if len(paths) < 2:
            raise UsageError("give the encodings of at least two sources")
        threshold = options["threshold"]
        if threshold is not None and not 0 < threshold < 1:
            raise UsageError("--threshold must be between 0 and 1")
        workers = options["workers"]
        if not 1 <= workers <= MAX_WORKERS:
            raise UsageError(f"--workers must be between 1 and {MAX_WORKERS}")
        loaded = []
        for path in paths:
            try:
                loaded.append(files.loads(path.read_text(encoding="utf-8")))
            except OSError as exc:
                raise UsageError(f"cannot read {path}: {exc.strerror}") from None
            except UnicodeDecodeError:
                raise UsageError(f"{path}: not an encodings file") from None
            except files.EncodingsFileError as exc:
                raise UsageError(f"{path}: {exc}") from None
        if len({e.fingerprint for e in loaded}) > 1:
            raise UsageError("the files were made with different secrets")
        names = [e.source for e in loaded]
        if len(set(names)) < len(names):
            names = [f"{e.source}#{i + 1}" for i, e in enumerate(loaded)]
        sources = [
            matching.Source(name, e.source_data.ids, e.source_data.bits) for name, e in zip(names, loaded, strict=True)
        ]
        if options["out"].exists():
            raise UsageError(f"{options['out']} exists: Lantern does not overwrite it")
        if len(sources) == 2:
            links, estimate = matching.link_two(sources[0], sources[1], threshold=threshold, workers=workers)
            with _new_file(options["out"]) as out:
                writer = csv_writer(out)
                writer.writerow(["a_record_id", "b_record_id", "score"])
                for x, y, s in zip(links.a.tolist(), links.b.tolist(), links.score.tolist(), strict=True):
                    writer.writerow([sources[0].ids[x], sources[1].ids[y], f"{s:.4f}"])
        else:
            labels, estimate = matching.cluster(sources, threshold=threshold, workers=workers)
            with _new_file(options["out"]) as out:
                writer = csv_writer(out)
                writer.writerow(["source", "record_id", "cluster"])
                for source, lab in zip(sources, labels, strict=True):
                    for record_id, cluster in zip(source.ids, lab.tolist(), strict=True):
                        writer.writerow([source.name, record_id, cluster])
        how = (
            "chosen without ground truth: the Fellegi-Sunter weight at which fewer than 0.002 false links a "
            "record are expected among the records without a counterpart"
            if estimate.threshold.how == "em"
            else "given with --threshold"
        )
        if options["json"]:
            self.stdout.write(json.dumps({"records": estimate.records, "distinct": estimate.distinct,
                                          "low": estimate.low, "high": estimate.high,
                                          "threshold": round(estimate.threshold.value, 4),
                                          "threshold_how": estimate.threshold.how}))  # fmt: skip
            return
        self.stdout.write(
            f"{estimate.distinct} distinct people (interval {estimate.low}-{estimate.high}) "
            f"among {estimate.records} records"
        )
        self.stdout.write(f"threshold {estimate.threshold.value:.4f}, {how}")
        sys.stdout.flush()

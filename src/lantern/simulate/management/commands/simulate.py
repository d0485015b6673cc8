"""lantern simulate FILE [--compare FILE2] [--from-live] [--out DIR] [--json]

Runs a crisis scenario (TOML, see docs/simulate.md) and prints the waits, shelter, courts, minimum package and cost
with 95% confidence intervals; with --compare, both side by side and the sentence that says what changes. A bad
scenario stops before anything runs with one line naming the key, and exit 2. Progress goes to stderr."""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path
from typing import Any

from django.core.management.base import CommandParser

from lantern.core.management.base import LanternCommand, UsageError
from lantern.simulate import report
from lantern.simulate.engine import Result, run
from lantern.simulate.scenario import Scenario, ScenarioError, scenario_from_toml

PROGRESS_AFTER_SECONDS = 1.0


def _load(path: Path, *, from_live: bool) -> Scenario:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageError(f"cannot read {path}: {exc.__class__.__name__}") from None
    try:
        scenario = scenario_from_toml(text)
        if from_live:
            from lantern.simulate.live import with_live_capacity

            scenario = with_live_capacity(scenario)
    except ScenarioError as exc:
        raise UsageError(f"{path}: {exc}") from None
    return scenario


class Command(LanternCommand):
    help = "Run a crisis scenario (TOML) and print its waits, beds, courts and cost with 95% confidence intervals."

    def uses_database(self, options: dict[str, Any]) -> bool:
        return bool(options["from_live"])  # a scenario file alone needs no database

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path, help="the scenario, a TOML file")
        parser.add_argument("--compare", type=Path, metavar="FILE2", help="a second scenario, shown beside the first")
        parser.add_argument("--from-live", action="store_true", help="take places and beds from the live registers")
        parser.add_argument("--out", type=Path, metavar="DIR", help="write summary.json and series.csv here")
        parser.add_argument("--json", action="store_true", help="print the results as JSON")

    def handle(self, *args: Any, **options: Any) -> None:
        scenarios = [_load(options["file"], from_live=options["from_live"])]
        if options["compare"]:
            scenarios.append(_load(options["compare"], from_live=options["from_live"]))
        out: Path | None = options["out"]
        if out is not None and out.exists() and not out.is_dir():
            raise UsageError(f"--out {out} is not a directory")
        results = [self._run(scenario) for scenario in scenarios]
        if out is not None:
            self._write(out, results)
        if options["json"]:
            data: dict[str, Any] = report.as_json(results[0])
            if len(results) == 2:
                data = {
                    "baseline": data,
                    "compare": report.as_json(results[1]),
                    "sentence": report.sentence(results[0], results[1]),
                }
            self.stdout.write(json.dumps(data, ensure_ascii=False))
            return
        self._print(results)

    def _run(self, scenario: Scenario) -> Result:
        began = time.monotonic()
        shown = False

        def progress(done: int, total: int) -> None:
            # Only a long run shows its progress: a run of a second does not need a counter.
            nonlocal shown
            if shown or time.monotonic() - began > PROGRESS_AFTER_SECONDS:
                shown = True
                sys.stderr.write(f"\r{scenario.name[:60]}: replication {done}/{total}")
                if done == total:
                    sys.stderr.write("\n")
                sys.stderr.flush()

        return run(scenario, progress=progress)

    def _write(self, out: Path, results: list[Result]) -> None:
        try:
            out.mkdir(parents=True, exist_ok=True)
            for i, result in enumerate(results):
                suffix = "" if i == 0 else "-compare"
                (out / f"summary{suffix}.json").write_text(
                    json.dumps(report.as_json(result), ensure_ascii=False, indent=2), encoding="utf-8"
                )
                (out / f"series{suffix}.csv").write_text(report.series_csv(result), encoding="utf-8")
            if len(results) == 2:
                (out / "sentence.txt").write_text(report.sentence(results[0], results[1]) + "\n", encoding="utf-8")
        except OSError as exc:
            raise UsageError(f"cannot write to {out}: {exc.strerror}") from None

    def _print(self, results: list[Result]) -> None:
        w = self.stdout.write
        for i, result in enumerate(results):
            w(f"{'A' if i == 0 else 'B'}: {result.scenario.name} ({result.scenario.replications} replications, "
              f"{result.seconds:.2f} s)")  # fmt: skip
        header = f"{'':<40}" + "".join(f"{'A' if i == 0 else 'B':>26}" for i in range(len(results)))
        w(header)
        for group, key, title in report.ROWS:
            if group == "*services":
                for service in results[0].scenario.services:
                    self._row(results, service.type, key, f"{service.type} {title}")
            elif group in results[0].figures:
                self._row(results, group, key, title)
        if len(results) == 2:
            w("")
            w(report.sentence(results[0], results[1]))

    def _row(self, results: list[Result], group: str, key: str, title: str) -> None:
        cells = []
        for result in results:
            est = result.figures.get(group, {}).get(key)
            # At least one space before each cell: a cost with its interval can be wider than the column.
            cells.append(" " + f"{report.with_interval(est) if est else '-':>25}")
        self.stdout.write(f"{title[:40]:<40}" + "".join(cells))

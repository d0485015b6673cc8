"""`lantern simulate FILE [--compare FILE2] [--from-live] [--out DIR] [--json]`: the figures with their intervals,
two scenarios side by side with the sentence, files written on request; a bad scenario is one line naming the key
and exit 2, before anything runs."""

from __future__ import annotations

import io
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from lantern.providers.services import offering_save
from lantern.shelters.services import room_add
from lantern.simulate.ready import BASELINE, SCENARIOS, WITH_PLAN, ready_texts
from tests.conftest import World

MINIMAL = """
horizon_days = 365
replications = 5
seed = 7
[arrivals]
per_day = 4.0
[[services]]
type = "legal_aid"
places = 40
service_days = 20.0
share = 0.6
"""


def _simulate(*args: str) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("simulate", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_the_minimum_format_runs_unchanged_and_json_gives_mean_wait_and_its_interval(tmp_path: Path) -> None:
    scenario = tmp_path / "minimal.toml"
    scenario.write_text(MINIMAL)
    stdout, _ = _simulate(str(scenario), "--json")
    data = json.loads(stdout)
    legal_aid = data["services"]["legal_aid"]
    assert isinstance(legal_aid["mean_wait_days"], float)
    low, high = legal_aid["ci95"]
    assert low <= legal_aid["mean_wait_days"] <= high
    assert set(legal_aid["median_wait_days"]) == {"mean", "ci95"}
    assert data["replications"] == 5
    assert data["seed"] == 7
    assert "minimum_package" in data
    assert "cost" in data


def test_compare_prints_both_side_by_side_and_the_sentence() -> None:
    stdout, _ = _simulate(str(SCENARIOS / f"{BASELINE}.toml"), "--compare", str(SCENARIOS / f"{WITH_PLAN}.toml"))
    assert "A: pandemic wave: lockdown, 30% staff absence, courts closed 90 days, borders closed 120 days" in stdout
    assert "legal_aid median wait (days)" in stdout
    assert "With the contingency plan, median wait for" in stdout
    # Both figures of the sentence carry their unit ("from 28 days (22-34) to 0.0 days (0.0-0.0)")
    sentence = stdout.strip().splitlines()[-1]
    assert sentence.count(" days (") == 2, sentence
    # Every cell of the table is set off by a space, even a cost wider than its column
    rows = [line for line in stdout.splitlines() if line.startswith("cost")]
    assert rows
    for row in rows:
        assert re.search(r"\)\S", row) is None, row  # never "12,687,400)15,485,650"


def test_compare_as_json_and_out_writes_the_files(tmp_path: Path) -> None:
    out = tmp_path / "run"
    stdout, _ = _simulate(str(SCENARIOS / f"{BASELINE}.toml"), "--compare", str(SCENARIOS / f"{WITH_PLAN}.toml"),
                          "--json", "--out", str(out))  # fmt: skip
    data = json.loads(stdout)
    assert data["sentence"].startswith("With the contingency plan")
    assert data["baseline"]["shelter"]["overflow_days"]["mean"] > data["compare"]["shelter"]["overflow_days"]["mean"]
    assert json.loads((out / "summary.json").read_text())["scenario"] == data["baseline"]["scenario"]
    header = (out / "series.csv").read_text().splitlines()[0]
    assert header.startswith("day,legal_aid.waiting,")
    assert "courts.backlog" in header
    assert (out / "sentence.txt").read_text().strip() == data["sentence"]


@pytest.mark.parametrize(
    ("change", "key"),
    [
        (("places = 40", "places = 0"), "services[0].places"),
        (("share = 0.6", "share = 1.5"), "services[0].share"),
        (("seed = 7", "seed = 7\nspeed = 2"), "speed: unknown key"),
        (("[arrivals]\nper_day = 4.0", "[arrivals]"), "arrivals.per_day: missing"),
        (("per_day = 4.0", 'per_day = "=1+1"'), "arrivals.per_day"),
        (("type = \"legal_aid\"", "type = \"<script>\""), "services[0].type"),
        (("share = 0.6", "share = 0.6\n[[court_suspensions]]\nstart_day = 9\nend_day = 3"),
         "court_suspensions[0]"),
        (("share = 0.6", 'share = 0.6\n[[policies]]\nkind = "emergency_funding"\nservice = "medical"\n'
                         "places = 3\nfrom_day = 1"),
         "unknown service 'medical'"),
        (("horizon_days = 365", "horizon_days = = 365"), "not TOML"),
    ],
)  # fmt: skip
def test_a_bad_scenario_is_one_line_naming_the_key(tmp_path: Path, change: tuple[str, str], key: str) -> None:
    scenario = tmp_path / "bad.toml"
    scenario.write_text(MINIMAL.replace(*change))
    with pytest.raises(CommandError) as caught:
        _simulate(str(scenario))
    assert caught.value.returncode == 2
    message = str(caught.value)
    assert key in message
    assert "\n" not in message


def test_from_the_console_the_bad_scenario_exits_2_with_one_line_and_nothing_on_stdout(tmp_path: Path) -> None:
    scenario = tmp_path / "bad.toml"
    scenario.write_text(MINIMAL.replace("places = 40", "places = -1"))
    done = subprocess.run(
        [sys.executable, "-m", "lantern.cli", "simulate", str(scenario), "--json"],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert done.returncode == 2
    assert done.stdout == ""
    assert done.stderr.strip().count("\n") == 0
    assert "services[0].places" in done.stderr


def test_a_missing_file_or_an_unwritable_out_is_exit_2(tmp_path: Path) -> None:
    with pytest.raises(CommandError) as caught:
        _simulate(str(tmp_path / "nowhere.toml"))
    assert caught.value.returncode == 2
    scenario = tmp_path / "ok.toml"
    scenario.write_text(MINIMAL)
    blocker = tmp_path / "file"
    blocker.write_text("")
    with pytest.raises(CommandError) as caught:
        _simulate(str(scenario), "--out", str(blocker))
    assert caught.value.returncode == 2


def test_from_live_takes_places_from_the_directory_and_beds_from_the_shelters(world: World, tmp_path: Path) -> None:
    # Given 70 legal aid places a week in the directory and 12 beds on the shelters' board
    offering_save(actor=None, organisation=world.legal_aid, service_type="legal_aid", regions=["Attica"],
                  languages=["en"], weekly_capacity=70)  # fmt: skip
    room_add(actor=None, shelter=world.shelter, name="R1", wing="regular", restriction="mixed", beds=12)
    scenario = tmp_path / "live.toml"
    scenario.write_text(MINIMAL + "\n[shelter]\nbeds = 500\nstay_days = 30.0\nshare = 0.2\n")
    file_only = json.loads(_simulate(str(scenario), "--json")[0])
    live = json.loads(_simulate(str(scenario), "--json", "--from-live")[0])
    # Then 10 a day for 20 days is 200 places (not the file's 40), and 12 beds (not 500): a bed is rarer
    assert live["services"]["legal_aid"]["mean_wait_days"] < file_only["services"]["legal_aid"]["mean_wait_days"]
    assert live["shelter"]["mean_occupied"]["mean"] <= 12.0 < file_only["shelter"]["mean_occupied"]["mean"]


def test_every_ready_scenario_reads(db: None) -> None:
    assert set(ready_texts()) == {BASELINE, WITH_PLAN}

"""House rules that a reviewer would otherwise check by hand."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent


def _variables_read() -> set[str]:
    found: set[str] = set()
    for path in [*(ROOT / "src").rglob("*.py"), ROOT / "tests" / "run.py"]:
        text = path.read_text()
        found |= set(re.findall(r"""env_\w+\(\s*"((?:LANTERN_|DATABASE_)\w+)\"""", text))
        found |= set(re.findall(r"""environ\.get\(\s*"((?:LANTERN_|DATABASE_)\w+)\"""", text))
    return found


def test_env_example_lists_every_variable_lantern_reads() -> None:
    documented = set(re.findall(r"^#?\s*((?:LANTERN_|DATABASE_)\w+)=", (ROOT / ".env.example").read_text(), re.M))
    read = _variables_read()
    assert read, "the scan found nothing: the pattern is broken"
    internal = {"LANTERN_TEST_DATABASE", "LANTERN_SKIP_BROWSER"}  # set by tests/run.py for pytest, not by people
    assert read - documented - internal == set()


def test_the_readme_has_the_two_commands_and_ci_runs_the_second() -> None:
    readme = (ROOT / "README.md").read_text()
    assert "./lantern.sh demo" in readme
    assert "./lantern.sh test" in readme
    assert "./lantern.sh test" in (ROOT / ".ci" / "run").read_text()


def test_no_static_asset_comes_from_another_origin() -> None:
    for template in (ROOT / "src").rglob("templates/**/*.html"):
        text = template.read_text()
        assert not re.search(r"""(src|href)=["']https?://""", text), template


def test_the_pre_commit_hooks_run_the_static_checks_of_ci() -> None:
    """.pre-commit-config.yaml runs what tests/run.py checks first, with the project's own tools, offline."""
    config = yaml.safe_load((ROOT / ".pre-commit-config.yaml").read_text())
    assert [repo["repo"] for repo in config["repos"]] == ["local"]
    entries = [hook["entry"] for hook in config["repos"][0]["hooks"]]
    assert all(hook["language"] == "system" for hook in config["repos"][0]["hooks"])
    run = (ROOT / "tests" / "run.py").read_text()
    for tool, arguments in [
        ("ruff", ["check", "src", "tests", "bench"]),
        ("ruff", ["format", "--check", "src", "tests", "bench"]),
        ("mypy", []),
        ("lantern", ["makemigrations", "--check", "--dry-run"]),
    ]:
        assert f'BIN / "{tool}"' in run, tool
        assert all(f'"{a}"' in run for a in arguments), (tool, arguments)
        command = " ".join([f".venv/bin/{tool}", *arguments])
        assert any(command in entry for entry in entries), command

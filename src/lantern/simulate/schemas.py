"""The simulator API's schemas: a run queued with its scenarios as TOML, and its progress and results."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from ninja import Field, Schema

from lantern.simulate.scenario import MAX_TOML_BYTES


class RunIn(Schema):
    scenario: str = Field(min_length=1, max_length=MAX_TOML_BYTES, description="scenario A, TOML (docs/simulate.md)")
    compare: str = Field(default="", max_length=MAX_TOML_BYTES, description="scenario B, TOML, to compare (optional)")


class RunOut(Schema):
    id: int
    status: str
    replications_done: int
    replications_total: int
    created_at: datetime
    finished_at: datetime | None
    # Once done: `baseline` (as `lantern simulate --json` prints it), and with a second scenario `compare` and
    # the `sentence`.
    result: dict[str, Any] | None

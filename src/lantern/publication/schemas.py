"""The publication API's schemas: what a release, a budget and the minimum-k policy look like on the wire."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from ninja import Field, Schema


class BudgetOut(Schema):
    key: str
    label: str
    budget: float
    spent: float
    left: float
    releases: int


class PublicationIn(Schema):
    source: Literal["lantern", "csv"] = Field(
        description="lantern: the cases consented to statistics; csv: the records in `csv_base64`"
    )
    csv_base64: str = Field(default="", max_length=28_000_000, description="a CSV file of de-identified records")
    dataset: str = Field(default="", max_length=200, description="name in the privacy ledger (default: SHA-256)")
    by: list[str] = Field(min_length=1, max_length=6)
    k: int | None = Field(default=None, ge=2, le=100)
    epsilon: float | None = Field(default=None, gt=0, le=10)


class ChartPoint(Schema):
    category: str
    series: str
    count: int | None


class ReleaseOut(Schema):
    id: int
    dataset: str
    dataset_label: str
    mode: str
    k: int | None
    epsilon: float | None
    dimensions: list[str]
    records: int
    cells: int
    suppressed: int
    created_at: datetime
    budget: float
    budget_spent: float


class ReleaseDetailOut(ReleaseOut):
    table_csv: str
    note: str
    chart: list[ChartPoint]


class PolicyOut(Schema):
    minimum_k: int
    updated_at: datetime | None


class PolicyIn(Schema):
    minimum_k: int = Field(ge=2, le=100)

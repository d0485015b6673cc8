from __future__ import annotations

from datetime import datetime

from ninja import Field, Schema

MAX_ID = 2**62


class EncodingSetOut(Schema):
    id: int
    organisation_id: int
    record_count: int
    uploaded_at: datetime


class EncodingSetIn(Schema):
    organisation_id: int = Field(ge=1, le=MAX_ID, description="whose encodings these are")
    encodings_base64: str = Field(min_length=1, max_length=280_000_000, description="an encodings file, base64")


class RunIn(Schema):
    threshold: float | None = Field(default=None, gt=0, lt=1, description="leave out to choose it from the scores")


class EstimateOut(Schema):
    id: int
    run_at: datetime
    records: int
    distinct: int
    distinct_low: int
    distinct_high: int
    threshold: float
    threshold_how: str

"""Pydantic schemas of crisis mode's API."""

from __future__ import annotations

from datetime import date

from ninja import Field, Schema

from lantern.crisis.models import CrisisEvent, Measure


class MeasureOut(Schema):
    id: int
    crisis_id: int
    kind: str
    regions: list[str]
    starts_on: date
    ends_on: date | None
    note: str


class CrisisOut(Schema):
    id: int
    name: str
    kind: str
    country: str
    regions: list[str]
    starts_on: date
    ends_on: date | None
    quarantine_days: int
    measures: list[MeasureOut]

    @staticmethod
    def resolve_measures(crisis: CrisisEvent) -> list[Measure]:
        return list(crisis.measures.all())


class CrisisIn(Schema):
    name: str = Field(min_length=1, max_length=200)
    kind: str = Field(max_length=20)
    country: str = Field(min_length=2, max_length=60)
    regions: list[str] = Field(default_factory=list, max_length=50)
    starts_on: date
    ends_on: date | None = None
    quarantine_days: int = Field(default=0, ge=0, le=60, description="days in a shelter's quarantine wing (0: none)")


class MeasureIn(Schema):
    kind: str = Field(max_length=24)
    regions: list[str] = Field(default_factory=list, max_length=50)
    starts_on: date
    ends_on: date | None = None
    note: str = Field(default="", max_length=300)


class EndIn(Schema):
    ends_on: date | None = None


class PackageItemIn(Schema):
    service_type: str = Field(max_length=40)
    deadline_days: int = Field(ge=0, le=365)
    active: bool = True


class PackageItemOut(Schema):
    service_type: str
    deadline_days: int
    active: bool

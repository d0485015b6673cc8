"""Pydantic schemas of the preparedness API. No field carries personal data of victims."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from ninja import Field, Schema

MAX_ID = 2**62
ITEM_ID_PATTERN = r"^[A-Za-z0-9_.-]{1,20}$"


class PillarOut(Schema):
    id: str
    name: str


class ChecklistItemOut(Schema):
    id: str
    pillar: str
    weight: int
    cites: str
    title: str
    evidence: str
    lantern: str = Field(description="the evidence Lantern fills in for this item, if any")


class LevelOut(Schema):
    level: int
    name: str
    evidence: str


class ChecklistOut(Schema):
    version: str
    country: str
    levels: list[LevelOut]
    pillars: list[PillarOut]
    items: list[ChecklistItemOut]
    at_risk_groups: list[str]


class AssessmentIn(Schema):
    title: str = Field(min_length=1, max_length=200)
    country: str = Field(min_length=2, max_length=2)
    region: str = Field(default="", max_length=100)
    assessed_on: date
    contributor_ids: list[int] = Field(default_factory=list, max_length=200)


class PillarScoreOut(Schema):
    pillar: str
    name: str
    mean: float | None
    reviewed: int
    items: int


class AssessmentOut(Schema):
    id: int
    title: str
    country: str
    region: str
    assessed_on: date
    status: str
    checklist_version: str
    organisation_id: int
    contributor_ids: list[int]
    submitted_at: datetime | None


class AssessmentDetailOut(AssessmentOut):
    overall: float | None
    pillars: list[PillarScoreOut]


class ItemOut(Schema):
    id: int = Field(description="the item's id in this assessment (the path of its update)")
    item_id: str = Field(description="the checklist's stable id of the item, e.g. COO-1")
    level: int
    weight: int
    evidence: str
    link: str
    owner_id: int | None
    comment: str
    lantern_evidence: str
    lantern_figures: dict[str, Any]
    lantern_level: int | None
    lantern_decision: str
    override_reason: str
    updated_at: datetime


class ItemIn(Schema):
    level: int | None = Field(default=None, ge=0, le=5)
    weight: int | None = Field(default=None, ge=1, le=3)
    evidence: str | None = Field(default=None, max_length=4000)
    link: str | None = Field(default=None, max_length=500)
    owner_id: int | None = Field(default=None, ge=0, le=MAX_ID, description="0 clears the owner")
    comment: str | None = Field(default=None, max_length=2000)
    lantern_decision: str | None = Field(default=None, max_length=10, description="accepted, overridden or empty")
    override_reason: str | None = Field(default=None, max_length=1000)


class PriorityOut(Schema):
    rank: int
    item_id: str
    title: str
    level: int
    weight: int
    gap: int
    score: int


class ActionIn(Schema):
    item_id: str = Field(pattern=ITEM_ID_PATTERN)
    title: str = Field(min_length=1, max_length=300)
    owner_id: int = Field(ge=1, le=MAX_ID)
    due_on: date


class ActionUpdateIn(Schema):
    status: str | None = Field(default=None, max_length=12)
    due_on: date | None = None


class ActionOut(Schema):
    id: int
    assessment_id: int
    item_id: str
    title: str
    owner_id: int
    due_on: date
    status: str
    overdue: bool


class RoleOut(Schema):
    id: int
    organisation_id: int
    organisation: str
    phase: str
    duty: str
    sop: str
    acknowledged_at: datetime | None

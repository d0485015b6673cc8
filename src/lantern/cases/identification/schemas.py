"""Pydantic schemas of the identification API: the checklist, its answers, the anonymous notification."""

from __future__ import annotations

from datetime import date, datetime
from uuid import UUID

from ninja import Schema
from pydantic import Field


class IndicatorLabelOut(Schema):
    code: str
    label: str


class IndicatorSectionOut(Schema):
    code: str
    label: str
    indicators: list[IndicatorLabelOut]


class IndicatorChecklistDefinitionOut(Schema):
    version: str
    title: str
    sources: list[str]
    sections: list[IndicatorSectionOut]


class IndicatorChecklistIn(Schema):
    answers: dict[str, str] = Field(
        description="indicator code -> yes, no or unknown; an indicator not sent is unknown", max_length=200
    )
    observed_on: date | None = Field(default=None, description="the day of first contact (default: today)")


class IndicatorSectionSummaryOut(Schema):
    code: str
    label: str
    observed: list[str] = Field(description="the labels of the indicators observed, in the reader's language")
    not_observed: int
    not_known: int


class IndicatorChecklistOut(Schema):
    id: int
    version: str
    observed_on: date
    recorded_at: datetime
    filled_by: str
    organisation: str
    answers: dict[str, str]
    sections: list[IndicatorSectionSummaryOut]


class AnonymousNotificationIn(Schema):
    identified_on: date | None = None
    gender: str = Field(default="NonSpecifiedUnknown", max_length=24)
    age_band: str = Field(default="", max_length=8, description="a CTDC adult age band (18-20 ... 48+), or empty")
    citizenship: str = Field(default="", max_length=2)
    forms_of_exploitation: list[str] = Field(default_factory=list, max_length=12)
    exploitation_country: str = Field(default="", max_length=2)
    exploitation_region: str = Field(default="", max_length=100, description="one of the country's regions")


class AnonymousNotificationOut(Schema):
    id: UUID = Field(description="random: it orders nothing")
    organisation_id: int
    identified_on: date
    gender: str
    age_band: str
    citizenship: str
    forms_of_exploitation: list[str]
    exploitation_country: str
    exploitation_region: str
    recorded_on: date

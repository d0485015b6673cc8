"""Pydantic schemas of the core API."""

from __future__ import annotations

from datetime import datetime

from ninja import Schema
from pydantic import Field


class Problem(Schema):
    """RFC 9457 problem details."""

    type: str = "about:blank"
    title: str
    status: int
    detail: str | None = None
    errors: list[dict[str, str]] | None = None


class MembershipOut(Schema):
    id: int
    organisation_id: int
    organisation_name: str = Field(validation_alias="organisation.name")
    role: str


class MeOut(Schema):
    id: int
    username: str
    second_factor_verified: bool
    memberships: list[MembershipOut]


class OrganisationOut(Schema):
    id: int
    name: str
    type: str
    country: str
    region: str
    languages: list[str]
    is_lead_agency: bool
    created_at: datetime


class OrganisationIn(Schema):
    name: str = Field(min_length=1, max_length=200)
    type: str = Field(max_length=40)
    country: str = Field(min_length=2, max_length=60)
    region: str = Field(default="", max_length=100)
    languages: list[str] = Field(default_factory=list, max_length=20)
    is_lead_agency: bool = False


class OrganisationPatch(Schema):
    name: str | None = Field(default=None, min_length=1, max_length=200)
    type: str | None = Field(default=None, max_length=40)
    country: str | None = Field(default=None, min_length=2, max_length=60)
    region: str | None = Field(default=None, max_length=100)
    languages: list[str] | None = Field(default=None, max_length=20)
    is_lead_agency: bool | None = None


class MemberOut(Schema):
    id: int
    user_id: int
    username: str = Field(validation_alias="user.username")
    role: str
    created_at: datetime


class MemberIn(Schema):
    username: str = Field(min_length=1, max_length=150)
    role: str = Field(max_length=32)


class AuditEventOut(Schema):
    seq: int
    at: datetime
    actor_id: int | None
    actor_label: str
    organisation_id: int | None
    action: str
    object_type: str
    object_id: str
    detail: dict
    hash: str


class AuditVerifyOut(Schema):
    ok: bool
    checked: int
    head_hash: str
    first_bad_seq: int | None
    problem: str


class BreakGlassIn(Schema):
    object_type: str = Field(max_length=64)
    object_id: str = Field(max_length=64)
    reason: str = Field(min_length=1, max_length=2000)
    hours: int = Field(default=4, ge=1, le=12)


class BreakGlassOut(Schema):
    id: int
    object_type: str
    object_id: str
    object_label: str = Field(description="what people read for the record: a case's reference, a name")
    organisation_id: int
    created_at: datetime
    expires_at: datetime
    approved_at: datetime | None = Field(description="empty while the request waits for a supervisor's approval")


class AlertOut(Schema):
    id: int
    kind: str
    text: str
    object_type: str
    object_id: str
    url: str = Field(description="the page where the reader acts on the alert, or empty")
    created_at: datetime
    read_at: datetime | None


class SessionOut(Schema):
    id: str
    login_at: datetime | None
    address: str
    agent: str
    expires_at: datetime
    current: bool


class SignOutIn(Schema):
    revoke_tokens: bool = False


class SignOutOut(Schema):
    sessions_ended: int
    tokens_revoked: int


class ApiTokenOut(Schema):
    id: int
    name: str
    prefix: str
    created_at: datetime
    expires_at: datetime | None
    last_used_at: datetime | None
    revoked_at: datetime | None


class ApiTokenIn(Schema):
    name: str = Field(min_length=1, max_length=100)
    expires_in_days: int = Field(default=90, ge=1, le=365)


class ApiTokenCreatedOut(ApiTokenOut):
    token: str


class MemberResetOut(Schema):
    user_id: int
    temporary_password: str
    valid_until: datetime

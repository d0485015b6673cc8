"""Per-request facts that audit events record without every service having to carry them."""

from __future__ import annotations

from contextvars import ContextVar

client_ip: ContextVar[str] = ContextVar("lantern_client_ip", default="")

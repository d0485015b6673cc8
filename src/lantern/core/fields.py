"""Model fields that keep personal data encrypted at rest (see lantern.core.crypto).

The column holds text ``v1:<key id>:<ciphertext>``. The fields refuse every lookup except ``isnull``: a filter on
an encrypted value can never match (each value has its own nonce), so asking for one is a bug. Exact-match search
goes through a blind index column instead.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.db import models
from django.db.models import Lookup
from django.db.models.lookups import IsNull

from lantern.core import crypto


class EncryptedMixin:
    """Encrypts on the way in, decrypts on the way out; the column context is the AEAD associated data."""

    model: type[models.Model]
    name: str

    def column_context(self) -> str:
        return f"{self.model._meta.label_lower}.{self.name}"

    def to_plain(self, value: Any) -> str:
        return str(value)

    def from_plain(self, text: str) -> Any:
        return text

    def get_prep_value(self, value: Any) -> Any:
        if value is None or value == "":
            return value
        return crypto.encrypt(self.to_plain(value), context=self.column_context())

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> Any:
        if value is None or value == "":
            return value
        return self.from_plain(crypto.decrypt(value, context=self.column_context()))

    def get_lookup(self, lookup_name: str) -> type[Lookup] | None:
        if lookup_name == "isnull":
            return IsNull
        return None


class EncryptedTextField(EncryptedMixin, models.TextField):
    description = "Text encrypted with AES-256-GCM"

    def to_python(self, value: Any) -> Any:
        return value


class EncryptedDateField(EncryptedMixin, models.TextField):
    """A date kept encrypted; Python sees a ``datetime.date``."""

    description = "Date encrypted with AES-256-GCM"

    def to_plain(self, value: Any) -> str:
        if isinstance(value, datetime.datetime):
            value = value.date()
        if isinstance(value, datetime.date):
            return value.isoformat()
        return datetime.date.fromisoformat(str(value)).isoformat()

    def from_plain(self, text: str) -> datetime.date:
        return datetime.date.fromisoformat(text)

    def to_python(self, value: Any) -> Any:
        if value is None or isinstance(value, datetime.date):
            return value
        return datetime.date.fromisoformat(str(value))


def encrypted_fields(model: type[models.Model]) -> list[EncryptedMixin]:
    return [f for f in model._meta.concrete_fields if isinstance(f, EncryptedMixin)]

"""The session store of the staff UI: Django's database store, keeping only a digest of each session key.

The cookie carries a random key; the table keeps its SHA-256 digest as the primary key. Whoever reads the table
(a copy of the database, a backup, a replica) cannot turn a row back into a cookie, while the server finds the
row from the cookie as before. Each row names its user, so a person can list her sessions and end them
(lantern.core.accounts), and an administrator's reset ends them all.
"""

from __future__ import annotations

import hashlib
from typing import Any

from django.contrib.sessions.backends.base import CreateError, UpdateError
from django.contrib.sessions.backends.db import SessionStore as DatabaseStore
from django.db import DatabaseError, IntegrityError, router, transaction
from django.utils import timezone

from lantern.core.models import StaffSession


def key_digest(session_key: str) -> str:
    return hashlib.sha256(session_key.encode("utf-8")).hexdigest()


class SessionStore(DatabaseStore):
    @classmethod
    def get_model_class(cls) -> Any:
        return StaffSession

    def _get_session_from_db(self) -> Any:
        if not self.session_key:
            return None
        row = self.model.objects.filter(
            session_key=key_digest(self.session_key), expire_date__gt=timezone.now()
        ).first()
        if row is None:
            self._session_key = None
        return row

    def exists(self, session_key: str) -> bool:
        return bool(self.model.objects.filter(session_key=key_digest(session_key)).exists())

    def create_model_instance(self, data: dict[str, Any]) -> Any:
        user_id = data.get("_auth_user_id")
        model: Any = self.model
        return model(
            session_key=key_digest(self._get_or_create_session_key()),  # type: ignore[attr-defined]
            session_data=self.encode(data),
            expire_date=self.get_expiry_date(),
            user_id=int(user_id) if user_id is not None and str(user_id).isdigit() else None,
        )

    def save(self, must_create: bool = False) -> None:
        if self.session_key is None:
            return self.create()
        data = self._get_session(no_load=must_create)  # type: ignore[attr-defined]
        obj = self.create_model_instance(data)
        using = router.db_for_write(self.model, instance=obj)
        try:
            with transaction.atomic(using=using):
                obj.save(force_insert=must_create, force_update=not must_create, using=using)
        except IntegrityError:
            if must_create:
                raise CreateError from None
            raise
        except DatabaseError:
            if not must_create:
                raise UpdateError from None
            raise
        return None

    def delete(self, session_key: str | None = None) -> None:
        if session_key is None:
            if self.session_key is None:
                return
            session_key = self.session_key
        self.model.objects.filter(session_key=key_digest(session_key)).delete()

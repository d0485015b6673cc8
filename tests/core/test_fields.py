"""Encrypted model fields and key rotation (fields.py, keyrotation.py)."""

from __future__ import annotations

import base64
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from lantern.core import crypto
from lantern.core.keyrotation import count_stale, rotate_to_active_key
from lantern.core.models import BreakGlassGrant
from tests.conftest import World

NEW_KEY = "k2:" + base64.b64encode(b"n" * 32).decode()


def _grant(world: World, reason: str) -> BreakGlassGrant:
    now = timezone.now()
    return BreakGlassGrant.objects.create(
        user=world.caseworker,
        organisation=world.ngo_b,
        object_type="core.organisation",
        object_id=str(world.ngo_b.pk),
        reason=reason,
        expires_at=now + timedelta(hours=1),
    )


def _raw_reason(pk: int) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT reason FROM core_breakglassgrant WHERE id = %s", [pk])
        return str(cursor.fetchone()[0])


def test_the_column_holds_ciphertext_and_the_model_holds_the_value(world: World) -> None:
    grant = _grant(world, "Ioana Dumitru is in danger tonight")
    raw = _raw_reason(grant.pk)
    assert raw.startswith("v1:test1:")
    assert "Ioana" not in raw
    assert BreakGlassGrant.objects.get(pk=grant.pk).reason == "Ioana Dumitru is in danger tonight"


def test_filtering_on_an_encrypted_value_is_refused(world: World) -> None:
    from django.core.exceptions import FieldError

    with pytest.raises(FieldError):
        list(BreakGlassGrant.objects.filter(reason="anything"))
    assert list(BreakGlassGrant.objects.filter(reason__isnull=True)) == []


def test_rotation_moves_every_value_to_the_new_key_in_batches_and_resumes(
    world: World, settings: pytest.FixtureRequest
) -> None:
    reasons = [f"case number {i} needs a bed tonight, urgently" for i in range(7)]
    grants = [_grant(world, reason) for reason in reasons]
    settings.LANTERN_DATA_KEYS = f"{NEW_KEY},{settings.LANTERN_DATA_KEYS}"  # type: ignore[attr-defined]
    crypto.reset_key_cache()
    assert count_stale()["core.breakglassgrant"] == 7

    class Stop(Exception):
        pass

    def stop_after_first_batch(label: str, done: int, total: int) -> None:
        raise Stop

    with pytest.raises(Stop):
        rotate_to_active_key(batch_size=3, progress=stop_after_first_batch)
    assert count_stale()["core.breakglassgrant"] == 4  # the first batch was committed

    seen: list[tuple[int, int]] = []
    report = rotate_to_active_key(batch_size=3, progress=lambda label, done, total: seen.append((done, total)))
    assert report.rewritten["core.breakglassgrant"] == 4
    assert seen == [(3, 4), (4, 4)]
    assert count_stale()["core.breakglassgrant"] == 0
    for grant, reason in zip(grants, reasons, strict=True):
        assert _raw_reason(grant.pk).startswith("v1:k2:")
        assert BreakGlassGrant.objects.get(pk=grant.pk).reason == reason

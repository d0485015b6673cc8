"""Encodings and runs for the authorization matrix and the fuzz tests."""

from __future__ import annotations

import base64
from datetime import date

from lantern.cases.models import Case
from lantern.linkage import files
from lantern.linkage.encoding import Encoder, Keys, Person
from lantern.linkage.services import encodings_upload, linkage_run
from tests.conftest import World

SECRET = b"0123456789abcdef0123456789abcdef-test-secret"


def encodings_text(source: str, *people: tuple[str, str, str, date]) -> str:
    keys = Keys.from_secret(SECRET)
    ids, bits = Encoder(keys).encode([Person(i, first, second, born) for i, first, second, born in people])
    return files.dumps(source=source, fingerprint=keys.fingerprint, ids=ids, bits=bits)


def encodings_base64() -> str:
    text = encodings_text("police", ("P-1", "Maria", "Popescu", date(1990, 3, 7)))
    return base64.b64encode(text.encode()).decode()


def two_uploads(world: World, case: Case | None = None) -> None:
    encodings_upload(
        actor=world.coordinator,
        organisation=world.ngo_a,
        text=encodings_text(
            "a", ("A-1", "Maria", "Popescu", date(1990, 3, 7)), ("A-2", "Ion", "Balan", date(2001, 6, 2))
        ),
    )
    encodings_upload(
        actor=world.coordinator,
        organisation=world.ngo_b,
        text=encodings_text("b", ("B-1", "Popescu", "Maria", date(1990, 3, 7))),
    )


def a_run(world: World, case: Case | None = None) -> None:
    two_uploads(world)
    linkage_run(actor=world.coordinator)

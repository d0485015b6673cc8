"""Fixtures of the publication tests: a CSV of de-identified records, and Lantern cases consented to statistics."""

from __future__ import annotations

import base64
import csv
import io

import numpy as np

from lantern.core.models import User
from lantern.publication.crosstab import read_csv
from lantern.publication.models import PublicationRelease
from lantern.publication.services import dataset_key_for_file, publish


def records_csv(rows: int = 600, seed: int = 5) -> bytes:
    rng = np.random.default_rng(seed)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["yearOfRegistration", "gender", "ageBroad", "citizenship", "isForcedLabour", "isSexualExploit"])
    for _ in range(rows):
        writer.writerow(
            [
                int(rng.integers(2019, 2023)),
                rng.choice(["Female", "Male"], p=[0.7, 0.3]),
                rng.choice(["9--17", "18--20", "30--38", "48+"]),
                rng.choice(["RO", "BG", "NG", "PK"], p=[0.5, 0.3, 0.17, 0.03]),
                rng.choice(["0", "1"]),
                rng.choice(["0", "1"]),
            ]
        )
    return out.getvalue().encode()


def csv_base64(content: bytes | None = None) -> str:
    return base64.b64encode(content or records_csv()).decode()


def release_for_tests(actor: User | None = None) -> PublicationRelease:
    content = records_csv(200)
    key, label = dataset_key_for_file(content)
    records = read_csv(content, ["gender", "ageBroad"])
    return publish(
        actor=actor, dataset_key=key, dataset_label=label, records=records, by=["gender", "ageBroad"], k=11, source="t"
    )


def publication_release_id() -> str:
    release = PublicationRelease.objects.order_by("pk").first() or release_for_tests()
    return str(release.pk)

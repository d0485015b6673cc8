"""Demo publications: one table of Lantern's own cases by year and gender under k = 11, so the publication page has
a release to open (`lantern demo` loads it with the other apps' demo data)."""

from __future__ import annotations

from lantern.publication.crosstab import TableError
from lantern.publication.models import LANTERN_DATASET, LANTERN_DATASET_LABEL, PublicationRelease
from lantern.publication.services import lantern_records, publish


def load() -> None:
    if PublicationRelease.objects.exists():
        return
    by = ["yearOfRegistration", "gender", "typeOfExploitation"]
    try:
        records = lantern_records(by)
    except TableError:
        return  # no case consented to statistics: nothing to publish
    publish(
        actor=None,
        dataset_key=LANTERN_DATASET,
        dataset_label=LANTERN_DATASET_LABEL,
        records=records,
        by=by,
        k=11,
        source="Lantern's cases consented to statistics (demo)",
    )

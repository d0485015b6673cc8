"""Every write of the linkage app, each with its audit event in the same transaction.

`encodings_produce` runs inside an organisation (its supervisor, or the console): it reads the organisation's
people, encodes them with the shared secret, and returns the file; the secret is used in memory and never written.
`encodings_upload` and `linkage_run` are the coordinator's: they see record ids and bit vectors only."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from django.core.exceptions import ValidationError
from django.db import transaction

from lantern.core.audit import audit_record
from lantern.core.models import Organisation, User
from lantern.core.permissions import require
from lantern.linkage import files, matching
from lantern.linkage.encoding import Encoder, Keys, SecretError
from lantern.linkage.models import EncodingSet, LinkageRun
from lantern.linkage.permissions import LinkageAction
from lantern.linkage.selectors import latest_sets, people_to_encode

MAX_UPLOAD_BYTES = 200 * 1024 * 1024


@dataclass(frozen=True)
class Produced:
    text: str
    count: int
    fingerprint: str


def encodings_produce(*, actor: User | None, organisation: Organisation, secret: bytes) -> Produced:
    """The encodings file of one organisation's cases. The secret is never stored or logged."""
    if actor is not None:
        require(actor, LinkageAction.ENCODE, organisation)
    try:
        keys = Keys.from_secret(secret)
    except SecretError as exc:
        raise ValidationError({"secret": str(exc)}) from None
    ids, bits = Encoder(keys).encode(people_to_encode(actor=actor, organisation=organisation))
    text = files.dumps(source=organisation.name, fingerprint=keys.fingerprint, ids=ids, bits=bits)
    with transaction.atomic():
        audit_record(
            action="linkage.encode",
            actor=actor,
            actor_label="" if actor is not None else "console",
            organisation_id=organisation.pk,
            detail={"records": len(ids)},
        )
    return Produced(text=text, count=len(ids), fingerprint=keys.fingerprint)


@transaction.atomic
def encodings_upload(*, actor: User, organisation: Organisation, text: str) -> EncodingSet:
    require(actor, LinkageAction.MANAGE)
    if len(text) > MAX_UPLOAD_BYTES:
        raise ValidationError({"encodings": f"larger than {MAX_UPLOAD_BYTES // (1024 * 1024)} MB"})
    try:
        parsed = files.loads(text)
    except files.EncodingsFileError as exc:
        raise ValidationError({"encodings": str(exc)}) from None
    if parsed.count == 0:
        raise ValidationError({"encodings": "the file holds no records"})
    others = EncodingSet.objects.exclude(organisation=organisation).values_list("fingerprint", flat=True).distinct()
    if any(fp != parsed.fingerprint for fp in others):
        raise ValidationError({"encodings": "made with another secret than the encodings already uploaded"})
    item = EncodingSet.objects.create(
        organisation=organisation,
        uploaded_by=actor,
        record_count=parsed.count,
        fingerprint=parsed.fingerprint,
        record_ids="\n".join(parsed.source_data.ids),
        bits=parsed.source_data.bits.tobytes(),
    )
    audit_record(
        action="linkage.upload",
        actor=actor,
        organisation_id=organisation.pk,
        object_type="linkage.encodingset",
        object_id=item.pk,
        detail={"records": parsed.count},
    )
    return item


def _source(item: EncodingSet) -> matching.Source:
    bits = np.frombuffer(bytes(item.bits), dtype=np.uint8).reshape(item.record_count, -1)
    return matching.Source(str(item.organisation_id), item.record_ids.split("\n"), bits)


@transaction.atomic
def linkage_run(*, actor: User, threshold: float | None = None) -> LinkageRun:
    """Link the newest encodings of every organisation that uploaded some; at least two are needed."""
    require(actor, LinkageAction.MANAGE)
    if threshold is not None and not 0.0 < threshold < 1.0:
        raise ValidationError({"threshold": "between 0 and 1"})
    sets = latest_sets()
    if len(sets) < 2:
        raise ValidationError({"encoding_sets": "upload the encodings of at least two organisations first"})
    sources = [_source(item) for item in sets]
    labels, estimate = matching.cluster(sources, threshold=threshold)
    every = np.concatenate(labels)
    sizes = np.bincount(every)
    shared = {str(item.organisation_id): int((sizes[lab] > 1).sum()) for item, lab in zip(sets, labels, strict=True)}
    run = LinkageRun.objects.create(
        run_by=actor,
        records=estimate.records,
        distinct=estimate.distinct,
        distinct_low=estimate.low,
        distinct_high=estimate.high,
        threshold=estimate.threshold.value,
        threshold_how=estimate.threshold.how,
        shared_by_organisation=shared,
    )
    run.encoding_sets.set(sets)
    audit_record(
        action="linkage.run",
        actor=actor,
        object_type="linkage.linkagerun",
        object_id=run.pk,
        detail={"sets": [s.pk for s in sets], "records": estimate.records, "distinct": estimate.distinct},
    )
    return run

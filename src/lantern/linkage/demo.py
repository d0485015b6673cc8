"""The demo's linkage: the organisations that registered cases encode them with a secret made for this run and
forgotten after it, the coordinator uploads the files and links them, so the insights dashboard shows an estimate."""

from __future__ import annotations

import secrets

from django.db.models import Count

from lantern.core.models import Organisation, User
from lantern.linkage.models import LinkageRun
from lantern.linkage.services import encodings_produce, encodings_upload, linkage_run


def load() -> None:
    if LinkageRun.objects.exists():
        return
    coordinator = User.objects.filter(username="coordinator").first()
    # The two largest organisations: one pair of sources keeps `lantern demo` quick on a busy machine.
    registering = Organisation.objects.annotate(n=Count("cases")).filter(n__gt=0).order_by("-n", "pk")[:2]
    if coordinator is None or len(registering) < 2:
        return
    secret = secrets.token_hex(32).encode()
    uploaded = 0
    for organisation in registering:
        produced = encodings_produce(actor=None, organisation=organisation, secret=secret)
        if produced.count:
            encodings_upload(actor=coordinator, organisation=organisation, text=produced.text)
            uploaded += 1
    if uploaded >= 2:
        linkage_run(actor=coordinator)

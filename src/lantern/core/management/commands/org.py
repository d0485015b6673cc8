"""lantern org create|list"""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import CommandParser

from lantern.core.management.base import LanternCommand
from lantern.core.models import Organisation, OrganisationType
from lantern.core.services import organisation_create


class Command(LanternCommand):
    help = "Create or list organisations."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = self.add_subcommands(parser)
        create = sub.add_parser("create", help="create an organisation")
        create.add_argument("--name", required=True)
        create.add_argument(
            "--type",
            required=True,
            choices=OrganisationType.values,
            metavar="TYPE",
            help="one of: " + ", ".join(OrganisationType.values),
        )
        create.add_argument("--country", default="", help="ISO 3166-1 alpha-2 code")
        create.add_argument("--region", default="")
        create.add_argument("--languages", default="", help="ISO 639 codes separated by commas, e.g. en,fr,bin")
        create.add_argument("--lead-agency", action="store_true", help="the lead agency of the national response")
        create.add_argument("--json", action="store_true", help="print the organisation as JSON")
        listing = sub.add_parser("list", help="list organisations")
        listing.add_argument("--json", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "create":
            organisation = organisation_create(
                actor=None,
                name=options["name"],
                type=options["type"],
                country=options["country"],
                region=options["region"],
                languages=options["languages"].split(","),
                is_lead_agency=options["lead_agency"],
            )
            if options["json"]:
                self.stdout.write(json.dumps(_as_dict(organisation)))
            else:
                self.stdout.write(f"created organisation {organisation.pk}: {organisation.name}")
        else:
            rows = [_as_dict(o) for o in Organisation.objects.order_by("name")]
            if options["json"]:
                self.stdout.write(json.dumps(rows))
            else:
                for row in rows:
                    self.stdout.write(f"{row['id']:>5}  {row['country']}  {row['type']:<30} {row['name']}")


def _as_dict(organisation: Organisation) -> dict[str, Any]:
    return {
        "id": organisation.pk,
        "name": organisation.name,
        "type": organisation.type,
        "country": organisation.country,
        "region": organisation.region,
        "languages": organisation.languages,
        "is_lead_agency": organisation.is_lead_agency,
    }

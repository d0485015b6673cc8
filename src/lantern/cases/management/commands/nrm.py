"""lantern nrm profile|holiday: how a country's referral mechanism counts its deadlines."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.management.base import CommandParser

from lantern.cases.services import country_profile_update, public_holiday_remove, public_holiday_set
from lantern.core import codes
from lantern.core.management.base import LanternCommand, UsageError
from lantern.core.models import Organisation
from lantern.core.selectors import organisation_get


def _country(value: str) -> str:
    country = value.strip().upper()
    if country not in codes.country_codes():
        raise UsageError(f"not an ISO 3166 country code: {value!r}")
    return country


def _organisation(value: str) -> Organisation | None:
    if value.strip().lower() == "none":
        return None
    organisation = organisation_get(int(value)) if value.strip().isdigit() else None
    if organisation is None:
        raise UsageError(f"no organisation with the id {value!r}")
    return organisation


class Command(LanternCommand):
    help = "Set a country's NRM deadlines and weekend, and its public holidays."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = self.add_subcommands(parser)
        profile = sub.add_parser("profile", help="show or change a country's deadlines")
        profile.add_argument("--country", required=True)
        profile.add_argument("--reasonable-grounds-days", type=int, help="working days for the decision (e.g. 5)")
        profile.add_argument("--recovery-days", type=int, help="days of recovery and reflection (30, 45, 90...)")
        profile.add_argument(
            "--recovery-minimum-days", type=int, help="days of recovery before a negative conclusive decision (30+)"
        )
        profile.add_argument("--weekend", help="ISO weekday numbers, e.g. 6,7 (Saturday, Sunday) or 5,6")
        profile.add_argument("--retention-days", type=int, help="days after closure before anonymisation")
        profile.add_argument(
            "--child-reasonable-grounds-days", type=int, help="working days for a child's decision (shorter, e.g. 3)"
        )
        profile.add_argument("--guardian-within-days", type=int, help="days to appoint a child's guardian (e.g. 3)")
        profile.add_argument(
            "--child-consent-by-guardian",
            choices=["yes", "no"],
            help="yes: a child's own consent is refused without a guardian, parent or legal representative",
        )
        profile.add_argument(
            "--child-protection-organisation",
            help="id of the organisation alerted of every child in the NRM ('none' to stop)",
        )
        holiday = sub.add_parser("holiday", help="add or remove a public holiday")
        holiday.add_argument("--country", required=True)
        holiday.add_argument("--date", required=True, help="YYYY-MM-DD")
        holiday.add_argument("--name", default="")
        holiday.add_argument("--remove", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        country = _country(options["country"])
        if options["action"] == "holiday":
            self._holiday(country, options)
            return
        changes: dict[str, Any] = {}
        for option, field, low, high in (
            ("reasonable_grounds_days", "reasonable_grounds_working_days", 1, 60),
            ("recovery_days", "recovery_period_days", 30, 365),
            ("recovery_minimum_days", "recovery_period_minimum_days", 30, 365),
            ("retention_days", "retention_days", 30, 36500),
            ("child_reasonable_grounds_days", "child_reasonable_grounds_working_days", 1, 60),
            ("guardian_within_days", "guardian_within_days", 1, 60),
        ):
            value = options[option]
            if value is not None:
                if not low <= value <= high:
                    raise UsageError(f"--{option.replace('_', '-')} must be between {low} and {high}")
                changes[field] = value
        if options["weekend"] is not None:
            try:
                weekend = sorted({int(day) for day in options["weekend"].split(",") if day.strip()})
            except ValueError:
                raise UsageError("--weekend takes ISO weekday numbers such as 6,7") from None
            if any(not 1 <= day <= 7 for day in weekend) or len(weekend) > 3:
                raise UsageError("--weekend takes up to three ISO weekday numbers from 1 (Monday) to 7 (Sunday)")
            changes["weekend"] = weekend
        if options["child_consent_by_guardian"] is not None:
            changes["child_consent_needs_guardian"] = options["child_consent_by_guardian"] == "yes"
        if options["child_protection_organisation"] is not None:
            changes["child_protection_organisation"] = _organisation(options["child_protection_organisation"])
        profile = country_profile_update(country=country, changes=changes)
        self.stdout.write(
            f"{country}: reasonable grounds within {profile.reasonable_grounds_working_days} working days; "
            f"recovery period {profile.recovery_period_days} days; weekend {profile.weekend}; "
            f"retention {profile.retention_days} days; "
            f"no negative conclusive decision before {profile.recovery_period_minimum_days} days of recovery; "
            f"children: reasonable grounds within "
            f"{profile.child_reasonable_grounds_working_days} working days, a guardian within "
            f"{profile.guardian_within_days} days, consent by the guardian "
            f"{'required' if profile.child_consent_needs_guardian else 'not required'}, child protection "
            f"organisation {profile.child_protection_organisation_id or 'none'}"
        )

    def _holiday(self, country: str, options: dict[str, Any]) -> None:
        try:
            day = date.fromisoformat(options["date"])
        except ValueError:
            raise UsageError("--date must read YYYY-MM-DD") from None
        if options["remove"]:
            if not public_holiday_remove(country=country, day=day):
                raise UsageError(f"{day} is not a public holiday in {country}")
            message = f"removed {day} from {country}'s public holidays"
        else:
            name = options["name"].strip()[:100]
            if not name:
                raise UsageError("--name is required when adding a holiday")
            created = public_holiday_set(country=country, day=day, name=name)
            message = f"{'added' if created else 'renamed'} {day} ({name}) in {country}"
        self.stdout.write(message)

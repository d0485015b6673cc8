"""lantern nrm profile|holiday: how a country's referral mechanism counts its deadlines."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.management.base import CommandParser

from lantern.cases.services import country_profile_update, public_holiday_remove, public_holiday_set
from lantern.core import codes
from lantern.core.management.base import LanternCommand, UsageError


def _country(value: str) -> str:
    country = value.strip().upper()
    if country not in codes.country_codes():
        raise UsageError(f"not an ISO 3166 country code: {value!r}")
    return country


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
        profile = country_profile_update(country=country, changes=changes)
        self.stdout.write(
            f"{country}: reasonable grounds within {profile.reasonable_grounds_working_days} working days; "
            f"recovery period {profile.recovery_period_days} days; weekend {profile.weekend}; "
            f"retention {profile.retention_days} days; "
            f"no negative conclusive decision before {profile.recovery_period_minimum_days} days of recovery"
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

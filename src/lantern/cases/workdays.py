"""Working days: deadlines that skip weekends and public holidays (a country profile says which)."""

from __future__ import annotations

from collections.abc import Collection
from datetime import date, timedelta


def is_working_day(day: date, *, weekend: Collection[int], holidays: Collection[date]) -> bool:
    """`weekend` holds ISO weekday numbers (Monday 1 … Sunday 7)."""
    return day.isoweekday() not in weekend and day not in holidays


def add_working_days(start: date, days: int, *, weekend: Collection[int], holidays: Collection[date]) -> date:
    """The date `days` working days after `start` (start itself does not count, as in "within 5 working days of
    the referral"). With days == 0, the next working day on or after `start`."""
    if days < 0:
        raise ValueError("days must not be negative")
    if len(set(weekend)) >= 7:
        raise ValueError("a week needs at least one working day")
    current = start
    if days == 0:
        while not is_working_day(current, weekend=weekend, holidays=holidays):
            current += timedelta(days=1)
        return current
    remaining = days
    while remaining:
        current += timedelta(days=1)
        if is_working_day(current, weekend=weekend, holidays=holidays):
            remaining -= 1
    return current


def working_days_between(start: date, end: date, *, weekend: Collection[int], holidays: Collection[date]) -> int:
    """Working days after `start` up to and including `end` (negative when `end` is before `start`)."""
    if end < start:
        return -working_days_between(end, start, weekend=weekend, holidays=holidays)
    count = 0
    current = start
    while current < end:
        current += timedelta(days=1)
        if is_working_day(current, weekend=weekend, holidays=holidays):
            count += 1
    return count

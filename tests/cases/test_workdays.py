"""Deadlines in working days across weekends, public holidays and year ends (cases/workdays.py)."""

from __future__ import annotations

from datetime import date

import pytest

from lantern.cases.workdays import add_working_days, is_working_day, working_days_between

SAT_SUN = [6, 7]
FRI_SAT = [5, 6]  # the weekend in much of the Middle East


@pytest.mark.parametrize(
    ("start", "days", "weekend", "holidays", "expected"),
    [
        (date(2026, 3, 2), 5, SAT_SUN, [], date(2026, 3, 9)),  # Monday + 5 = next Monday
        (date(2026, 3, 6), 1, SAT_SUN, [], date(2026, 3, 9)),  # Friday + 1 = Monday
        (date(2026, 3, 7), 1, SAT_SUN, [], date(2026, 3, 9)),  # from a Saturday
        (date(2026, 3, 6), 5, FRI_SAT, [], date(2026, 3, 12)),  # Friday-Saturday weekend
        # Greek Independence Day (25 March 2026, a Wednesday)
        (date(2026, 3, 23), 5, SAT_SUN, [date(2026, 3, 25)], date(2026, 3, 31)),
        # Year end: Christmas, Boxing Day, New Year, Epiphany in Greece
        (
            date(2026, 12, 23),
            5,
            SAT_SUN,
            [date(2026, 12, 25), date(2026, 12, 26), date(2027, 1, 1), date(2027, 1, 6)],
            date(2026, 12, 31),
        ),
        (date(2026, 12, 28), 5, SAT_SUN, [date(2027, 1, 1), date(2027, 1, 6)], date(2027, 1, 5)),
        (date(2027, 12, 30), 3, SAT_SUN, [date(2027, 12, 31), date(2028, 1, 3)], date(2028, 1, 6)),
        # A leap day is an ordinary working day
        (date(2028, 2, 28), 1, SAT_SUN, [], date(2028, 2, 29)),
        (date(2026, 3, 7), 0, SAT_SUN, [], date(2026, 3, 9)),  # zero days: the next working day
    ],
)
def test_add_working_days(start: date, days: int, weekend: list[int], holidays: list[date], expected: date) -> None:
    assert add_working_days(start, days, weekend=weekend, holidays=holidays) == expected
    if days:
        assert working_days_between(start, expected, weekend=weekend, holidays=holidays) == days
        assert is_working_day(expected, weekend=weekend, holidays=holidays)


def test_nonsense_is_refused() -> None:
    with pytest.raises(ValueError, match="negative"):
        add_working_days(date(2026, 1, 1), -1, weekend=SAT_SUN, holidays=[])
    with pytest.raises(ValueError, match="at least one working day"):
        add_working_days(date(2026, 1, 1), 1, weekend=range(1, 8), holidays=[])


def test_between_counts_backwards_too() -> None:
    assert working_days_between(date(2026, 3, 9), date(2026, 3, 2), weekend=SAT_SUN, holidays=[]) == -5

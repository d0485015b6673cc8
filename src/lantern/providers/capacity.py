"""Where routing reads the capacity of accommodation: the shelters' free beds, not the offer's weekly places.

A shelter's beds live in the shelters app, to the right of providers (decision 0007), so providers cannot import
them. The shelters app registers its bed counter here when Django starts (as it registers its timeline words and
its periodic job); routing asks it for the beds the person could be given now. With no counter registered (the
shelters app removed), accommodation has no capacity and is not offered: never a weekly figure that the beds board
contradicts.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date

from lantern.cases.models import Case

# The services whose capacity is a bed: routing reads the beds for these.
ACCOMMODATION = frozenset({"safe_accommodation", "quarantine_accommodation"})
QUARANTINE_ACCOMMODATION = "quarantine_accommodation"


@dataclass(frozen=True)
class BedNeed:
    """Whom the bed is for: a case (the rooms the shelters would give this person), or one kind of room as the beds
    board filters by; and whether the room must be accessible."""

    case: Case | None = None
    restriction: str = ""
    accessible: bool = False


@dataclass(frozen=True)
class FreeBeds:
    """A shelter's free beds for one need, as the beds board counts them."""

    regular: int  # free beds in the regular wing
    quarantine: int  # free beds in the quarantine wing
    total: int  # active beds for this need, both wings
    quarantine_first: bool  # a quarantine protocol is in force where the shelter is: admission starts there

    def available(self, service_type: str) -> int:
        """How many people with this need the shelter can admit now. Under a quarantine protocol each needs a
        quarantine bed now and a regular bed after it; quarantine accommodation needs the quarantine bed only."""
        if service_type == QUARANTINE_ACCOMMODATION:
            return self.quarantine
        if self.quarantine_first:
            return min(self.quarantine, self.regular)
        return self.regular


BedCounter = Callable[[Iterable[int], BedNeed, date], dict[int, FreeBeds]]
_counters: list[BedCounter] = []
_room_kinds: set[str] = set()


def register_bed_counter(counter: BedCounter, *, room_kinds: Iterable[str]) -> None:
    """Called once by the shelters app when Django starts, with the kinds of room a need may name."""
    if counter not in _counters:
        _counters.append(counter)
    _room_kinds.update(room_kinds)


def room_kinds() -> frozenset[str]:
    """The kinds of room (women, families...) the registered counters know."""
    return frozenset(_room_kinds)


def free_beds(organisation_ids: Iterable[int], need: BedNeed, on: date) -> dict[int, FreeBeds]:
    """The free beds of these organisations for this need (organisation id -> beds); an organisation without beds
    is absent."""
    ids = list(organisation_ids)
    found: dict[int, FreeBeds] = {}
    for counter in _counters:
        found.update(counter(ids, need, on))
    return found

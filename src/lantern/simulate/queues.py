"""First-come first-served queues with several parallel places whose number changes over time.

Customers are taken in order of arrival; each starts at the later of its arrival and the moment the earliest place
comes free, so one pass with a heap of the places' free times gives every start (Kiefer-Wolfowitz: O(n log c), no
event list). Start times of a FCFS queue never go down, so a change of capacity at time T is met once, when the
next start would fall at or after T:
- fewer places: the places that come free soonest stay on duty; the others finish the person they are serving and
  leave (a service begun is finished: nobody is sent away half-way);
- more places: places that left come back first (once they have finished), then new places, all free from T.
A place count of zero is a sentinel free time of +inf: nobody starts until the next change."""

from __future__ import annotations

import heapq
import math
from collections.abc import Sequence

INF = math.inf


def _reconfigure(free: list[float], off: list[float], places: int, at: float) -> None:
    on_duty = sorted(x for x in free if x != INF)
    if places < len(on_duty):
        for x in on_duty[places:]:
            heapq.heappush(off, x)
        kept = on_duty[:places]
    else:
        kept = on_duty
        while len(kept) < places and off:
            kept.append(max(heapq.heappop(off), at))
        kept.extend([at] * (places - len(kept)))
    heapq.heapify(kept)
    free[:] = kept or [INF]


class Capacity:
    """Places over time: `places[k]` from `breaks[k]` to `breaks[k + 1]` (the last for ever); breaks[0] == 0."""

    def __init__(self, breaks: Sequence[float], places: Sequence[int]) -> None:
        if not breaks or breaks[0] != 0.0 or len(breaks) != len(places):
            raise ValueError("capacity needs a first break at 0 and one place count per break")
        self.breaks = list(breaks)
        self.places = list(places)

    @classmethod
    def constant(cls, places: int) -> Capacity:
        return cls([0.0], [places])

    def __repr__(self) -> str:
        return f"Capacity({self.breaks!r}, {self.places!r})"


def fcfs_starts(arrivals: Sequence[float], durations: Sequence[float], capacity: Capacity) -> list[float]:
    """Start of service of each customer (arrivals sorted), for durations that do not depend on the start."""
    breaks, places = capacity.breaks, capacity.places
    free: list[float] = [0.0] * places[0] or [INF]
    off: list[float] = []
    segment = 0
    next_break = breaks[1] if len(breaks) > 1 else INF
    starts: list[float] = []
    append = starts.append
    replace = heapq.heapreplace
    for a, d in zip(arrivals, durations, strict=True):
        f = free[0]
        s = a if a > f else f
        if s >= next_break:
            while s >= next_break:
                segment += 1
                _reconfigure(free, off, places[segment], next_break)
                next_break = breaks[segment + 1] if segment + 1 < len(breaks) else INF
                f = free[0]
                s = a if a > f else f
        append(s)
        replace(free, s + d)
    return starts


def fcfs_general(
    arrivals: Sequence[float],
    durations: Sequence[float],
    capacity: Capacity,
    *,
    pauses: Sequence[tuple[float, float, float]] = (),
    held: Sequence[bool] | None = None,
    hold_windows: Sequence[tuple[float, float]] = (),
) -> tuple[list[float], list[float]]:
    """Starts and ends when the end depends on the start: during a pause (b0, b1, share) a service under way goes
    on at (1 - share) of its pace (courts suspended mid-proceeding, some hearings held remotely); a held customer
    whose service would end inside a hold window (b0, b1) stays until b1 (a border closed on the day she was to go
    home)."""
    breaks, places = capacity.breaks, capacity.places
    free: list[float] = [0.0] * places[0] or [INF]
    off: list[float] = []
    segment = 0
    next_break = breaks[1] if len(breaks) > 1 else INF
    starts: list[float] = []
    ends: list[float] = []
    holds = held if held is not None else [False] * len(arrivals)
    for a, d, h in zip(arrivals, durations, holds, strict=True):
        f = free[0]
        s = a if a > f else f
        while s >= next_break:
            segment += 1
            _reconfigure(free, off, places[segment], next_break)
            next_break = breaks[segment + 1] if segment + 1 < len(breaks) else INF
            f = free[0]
            s = a if a > f else f
        e = s + d
        if pauses:
            e = _paused_end(s, d, pauses)
        if h:
            for b0, b1 in hold_windows:
                if b0 <= e < b1:
                    e = b1
        starts.append(s)
        ends.append(e)
        heapq.heapreplace(free, e)
    return starts, ends


def _paused_end(start: float, work: float, pauses: Sequence[tuple[float, float, float]]) -> float:
    """When `work` days of service begun at `start` are done, if it stops for `share` of each pause (pauses
    sorted and disjoint)."""
    t = start
    for b0, b1, share in pauses:
        if t + work <= b0:
            break
        if b1 <= t:
            continue
        if b0 > t:
            work -= b0 - t
            t = b0
        pace = 1.0 - share
        if pace > 0.0 and work <= pace * (b1 - t):
            return t + work / pace
        work -= pace * (b1 - t)
        t = b1
    return t + work

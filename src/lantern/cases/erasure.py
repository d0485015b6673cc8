"""What other apps clear when a case is erased or anonymised.

An app below cases in the dependency order (referrals, shelters, justice...) that keeps free text about a case
registers a function here from its `AppConfig.ready`; `services._anonymise` calls every one of them in the
erasure's own transaction, so nothing of the person survives an erasure that committed (and nothing is cleared by
one that did not)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from lantern.cases.models import Case

ERASERS: list[Callable[[Case], None]] = []
# What keeps a closed case from being anonymised by the retention job (a proceeding still open: the file is
# evidence the court may still need). Each answers whether it holds the case.
RETENTION_HOLDS: list[Callable[[Case], bool]] = []


def register(function: Callable[[Case], None]) -> None:
    if function not in ERASERS:
        ERASERS.append(function)


def erase_elsewhere(case: Case) -> None:
    for function in ERASERS:
        function(case)


def hold_retention(function: Callable[[Case], bool]) -> None:
    if function not in RETENTION_HOLDS:
        RETENTION_HOLDS.append(function)


def retention_held(case: Case) -> bool:
    return any(function(case) for function in RETENTION_HOLDS)

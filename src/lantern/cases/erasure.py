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


def register(function: Callable[[Case], None]) -> None:
    if function not in ERASERS:
        ERASERS.append(function)


def erase_elsewhere(case: Case) -> None:
    for function in ERASERS:
        function(case)

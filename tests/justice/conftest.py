from __future__ import annotations

import pytest

from lantern.cases.models import Case
from tests.conftest import World
from tests.justice.helpers import Justice, justice_setup


@pytest.fixture
def justice(world: World, case: Case) -> Justice:
    return justice_setup(world, case)

from __future__ import annotations

import pytest

from lantern.core import services as core
from lantern.core.models import Organisation, User
from lantern.shelters.services import room_add
from tests.conftest import World


@pytest.fixture
def shelter(world: World) -> Organisation:
    organisation = core.organisation_create(
        actor=None, name="Piraeus Shelter", type="Shelter", country="GR", region="Attica", languages=["el", "en"]
    )
    room_add(actor=None, shelter=organisation, name="Q", wing="quarantine", restriction="mixed", beds=1)
    room_add(actor=None, shelter=organisation, name="W", wing="regular", restriction="women", beds=2)
    room_add(actor=None, shelter=organisation, name="M", wing="regular", restriction="men", beds=1)
    return organisation


@pytest.fixture
def shelter_staff(shelter: Organisation) -> User:
    return core.user_create(
        actor=None, username="piraeus_worker", organisation=shelter, role="service_provider", password=None
    )

"""The demo names the member of the competent authority who signs its decisions, so that the decision line of a
case reads "National Identification Panel (Sofia Karali)", never her username "(authority)", which looked like a
word left untranslated."""

from __future__ import annotations

from pathlib import Path

import pytest

from lantern.core.demo import load_demo
from lantern.core.models import User
from lantern.core.words import staff_name


@pytest.mark.django_db
def test_the_demo_authority_member_has_a_name(tmp_path: Path) -> None:
    load_demo(tmp_path / "demo-credentials.txt")
    member = User.objects.get(username="authority")
    assert staff_name(member) == "Sofia Karali"
    assert member.email == ""  # a name only: no work e-mail is made up for her

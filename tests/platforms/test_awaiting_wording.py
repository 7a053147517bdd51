"""A held session waiting for approval says who approves it: the convener or the office, or
only the office where the platform's convener has no account (a name alone approves
nothing). A liaison reads it instead of waiting for a convener who cannot act."""

import pytest

from tests.platforms.conftest import hold, make_platform, make_session

pytestmark = [pytest.mark.django_db, pytest.mark.clause("C2.10")]


def test_the_waiting_note_names_who_approves(client, world):
    named_only = make_platform(world)  # convener_name "王书记", no account
    session = make_session(world, named_only)
    hold(world, session)
    client.force_login(world["liaison"])
    html = client.get(f"/platforms/sessions/{session.pk}/").content.decode()
    assert "议事记录待政协办公室审定后公开。" in html and "待召集人" not in html

    convened = make_platform(world, name="城关议事室二", convener=world["other_liaison"])
    other = make_session(world, convened)
    hold(world, other)
    html = client.get(f"/platforms/sessions/{other.pk}/").content.decode()
    assert "议事记录待召集人或政协办公室审定后公开。" in html

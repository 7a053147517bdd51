"""A member pastes their mobile from a contact card with its country code, "(+86)138…" or
"0086 138…": the profile form takes it (the public portal already did) and keeps the same
11 digits as a number typed without it."""

import pytest

from xieshang.members.validators import validate_mobile
from xieshang.orgs.models import Role

from ..factories import user_with_role
from .factories import committee

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "typed", ["(+86)138 0000 5678", "（+86）13800005678", "0086 138-0000-5678", "+86 13800005678"]
)
def test_a_mobile_written_with_its_country_code_is_saved_as_its_eleven_digits(client, typed):
    c = committee()
    user = user_with_role(Role.MEMBER, c.org, username="wangfang")
    me = c.member("王芳", user=user, phone="13912345678", employer="示范区第一中学教师")
    client.force_login(user)
    data = {"phone": typed, "email": "", "address": "", "employer": me.employer}
    response = client.post("/members/me/", {**data, "version": me.version})
    assert response.status_code == 302
    me.refresh_from_db()
    assert me.phone == "13800005678"
    assert validate_mobile(typed) == "13800005678"

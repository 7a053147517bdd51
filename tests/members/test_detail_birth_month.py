"""A member's birth month reads in the page's language: 1987年4月, in English "April 1987"."""

import datetime as dt

import pytest
from django.urls import reverse

from .factories import committee

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("cookie", "shown"), [("", "1987年4月"), ("en", "April 1987")])
def test_the_birth_month_reads_in_the_readers_language(client, cookie, shown):
    c = committee()
    member = c.member("王芳", birth_date=dt.date(1987, 4, 12))
    client.force_login(c.clerk)
    if cookie:
        client.cookies["django_language"] = cookie
    body = client.get(reverse("members:detail", args=[member.pk])).content.decode()
    assert shown in body
    if cookie:
        assert "1987年" not in body

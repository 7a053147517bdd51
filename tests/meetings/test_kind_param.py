"""The meetings list's 类型 filter from the address: a kind it offers filters, empty is every
kind, and one it does not offer is a 400 naming the kinds (not silently every meeting)."""

import datetime as dt

import pytest
from django.urls import reverse

from xieshang.meetings.models import MeetingKind

from .factories import world

pytestmark = pytest.mark.django_db


def test_a_kind_filters_and_an_unknown_one_is_refused_with_the_kinds(client):
    w = world()
    symposium = w.meeting(day=dt.date(2026, 3, 2), title="民营经济座谈会", invite=False)
    committee = w.meeting(
        MeetingKind.COMMITTEE,
        day=dt.date(2026, 3, 3),
        title="经济委员会会议",
        invite=False,
        committee=w.committee,
    )
    client.force_login(w.office)
    url = reverse("meetings:list")
    for query in ("", "?kind="):
        page = client.get(url + query).content.decode()
        assert symposium.title in page and committee.title in page
    page = client.get(url + "?kind=" + MeetingKind.COMMITTEE).content.decode()
    assert committee.title in page and symposium.title not in page
    refused = client.get(url + "?kind=party")
    assert refused.status_code == 400
    body = refused.content.decode()
    assert "类型（kind）不是有效的选项" in body
    assert f"{MeetingKind.SYMPOSIUM.label}（{MeetingKind.SYMPOSIUM.value}）" in body

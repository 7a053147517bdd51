"""The home page's 我的履职档案 card writes the year's score as the duty file does: a whole
number without decimals (172, not 172.00)."""

import re

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.duty.factories import record, setting
from xieshang.duty.models import DutyKind

pytestmark = pytest.mark.django_db


def test_the_home_card_shows_a_whole_score_as_the_duty_page_does(client):
    _org, _term, _office, member = setting()
    today = timezone.localdate()
    record(member, DutyKind.MEETING, date=today)
    record(member, DutyKind.MEETING, date=today)
    client.force_login(member.user)
    page = client.get(reverse("duty:my_file")).content.decode()
    shown = re.search(r'id="duty-total">([^<]+)<', page).group(1)
    assert "." not in shown and int(shown) > 0
    home = client.get("/").content.decode()
    assert f"本年度得分 {shown}（" in home


@pytest.mark.clause("C5.7")
def test_a_former_members_home_card_gives_the_grade_their_duty_file_gives(client):
    """A member who resigned this year is not graded on it: the card says 不参加考核 and
    when they left, as the duty file does, never 进行中."""
    import datetime as dt

    from xieshang.members.models import Membership

    org, term, _office, member = setting()
    today = timezone.localdate()
    left_on = today - dt.timedelta(days=1) if today.month > 1 or today.day > 1 else today
    Membership.objects.filter(member=member).update(
        status=Membership.Status.RESIGNED, status_changed_on=left_on
    )
    record(member, DutyKind.MEETING, date=left_on)
    client.force_login(member.user)
    page = client.get(reverse("duty:my_file")).content.decode()
    grade = page.split('id="duty-grade">')[1].split("<")[0]
    assert grade == "不参加考核"
    home = client.get("/").content.decode()
    assert "本年度得分 5（不参加考核）" in home
    assert "进行中" not in home
    assert f"不参加{today.year}年度考核" in home

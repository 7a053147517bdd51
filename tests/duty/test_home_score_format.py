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

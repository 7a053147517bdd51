"""Dates and months read in the page's language: 2026年12月5日 08:24 in Chinese, "Dec. 5,
2026 08:24" in English (the inbox, the audit page's integrity line with its brackets); the
year calendar's month captions and holiday names too."""

import datetime as dt
import io
import re

import pytest
import time_machine
from django.core.management import call_command
from django.urls import reverse

from tests.factories import make_org, user_with_role
from xieshang.core.audit import record_event
from xieshang.core.notifications import notify
from xieshang.orgs.models import Role

pytestmark = pytest.mark.django_db
MOMENT = dt.datetime(2026, 12, 5, 0, 24, tzinfo=dt.UTC)  # 08:24 in Shanghai


def _main(html: str) -> str:
    return html.split("<main", 1)[1]


@pytest.fixture
def at_moment():
    with time_machine.travel(MOMENT, tick=False):
        yield


@pytest.mark.parametrize(
    ("cookie", "shown"), [("", "2026年12月5日 08:24"), ("en", "Dec. 5, 2026 08:24")]
)
def test_the_inbox_dates_each_message_in_the_readers_language(client, at_moment, cookie, shown):
    user = user_with_role(Role.OFFICE, make_org())
    notify([user], title="会议通知", body="请按时参加常委会。")
    client.force_login(user)
    if cookie:
        client.cookies["django_language"] = cookie
    html = _main(client.get(reverse("inbox")).content.decode())
    assert shown in html
    if cookie:
        assert "年12月" not in html


@pytest.mark.parametrize(
    ("cookie", "shown"),
    [
        ("", "完整性校验（2026年12月5日 08:24）："),
        ("en", "Integrity check (Dec. 5, 2026 08:24): "),
    ],
)
def test_the_audit_pages_integrity_line_reads_in_the_readers_language(
    client, at_moment, cookie, shown
):
    record_event(actor=None, verb="member.update", note="第1条")
    call_command("verify_audit", stdout=io.StringIO())
    client.force_login(user_with_role(Role.AUDIT_ADMIN, make_org()))
    if cookie:
        client.cookies["django_language"] = cookie
    html = client.get("/audit/").content.decode()
    line = re.search(r'id="audit-integrity">\s*(.*?)\s*</div>', html, re.S).group(1)
    assert line.startswith(shown)


def test_the_year_calendar_names_months_and_holidays_in_english(client):
    client.force_login(user_with_role(Role.OFFICE, make_org()))
    client.cookies["django_language"] = "en"
    html = _main(client.get(reverse("calendar_year", args=[2026])).content.decode())
    captions = re.findall(r"<caption>(.*?)</caption>", html)
    assert captions[0] == "January" and captions[10] == "November"
    assert 'title="New Year&#x27;s Day"' in html or 'title="New Year\'s Day"' in html
    assert "Day off (in exchange for working on January 4)" in html
    assert not re.search(r"[\u4e00-\u9fff]", "".join(re.findall(r'title="([^"]*)"', html)))
    assert "Month" not in html


def test_the_year_calendar_stays_chinese_in_chinese(client):
    client.force_login(user_with_role(Role.OFFICE, make_org()))
    html = _main(client.get(reverse("calendar_year", args=[2026])).content.decode())
    assert re.findall(r"<caption>(.*?)</caption>", html)[3] == "4月"
    assert 'title="元旦"' in html and "休息日（1月4日调休上班）" in html

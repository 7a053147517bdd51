"""Dates and times on pages are written as official documents write them: 2026年3月5日 09:05,
in Beijing time, never 2026-03-05 01:05."""

import datetime as dt
import re

import pytest
from django.template import Context, Template

from tests.factories import make_org, user_with_role
from xieshang.core.audit import record_event
from xieshang.orgs.models import Role


def render(text: str, **context) -> str:
    return Template("{% load xs %}" + text).render(Context(context))


def test_a_moment_is_shown_in_beijing_time_with_chinese_date():
    moment = dt.datetime(2026, 3, 5, 1, 5, 9, tzinfo=dt.UTC)
    assert render("{{ t|cndatetime }}", t=moment) == "2026年3月5日 09:05"
    assert render('{{ t|cndatetime:"s" }}', t=moment) == "2026年3月5日 09:05:09"
    assert render("{{ t|cndatetime }}", t=None) == ""


@pytest.mark.django_db
def test_the_audit_log_and_a_history_read_in_chinese_dates(client):
    org = make_org()
    record_event(actor=None, verb="member.update", organisation=org, note="改电话")
    client.force_login(user_with_role(Role.AUDIT_ADMIN, org))
    page = client.get("/audit/").content.decode()
    first_cell = re.search(r"<tbody>\s*<tr>\s*<td[^>]*>([^<]*)</td>", page).group(1)
    assert re.fullmatch(r"\d{4}年\d{1,2}月\d{1,2}日 \d\d:\d\d:\d\d", first_cell), first_cell

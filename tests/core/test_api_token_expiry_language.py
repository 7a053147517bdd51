"""The reminder that an API token is about to expire names the moment in the reader's way,
with its hour: stored in the site's language whoever's request ran the reminder, read as an
English date by an English reader."""

import datetime as dt

import pytest
from django.utils import formats, timezone, translation

from tests.factories import make_org, user_with_role
from xieshang.core import api_tokens
from xieshang.core.models import Notification
from xieshang.core.text import chinese_datetime
from xieshang.orgs.models import Level, Role

pytestmark = pytest.mark.django_db


def test_the_expiry_moment_is_stored_chinese_and_read_in_english_with_its_hour():
    org = make_org("示范区政协", Level.DISTRICT)
    clerk = user_with_role(Role.OFFICE, org, username="clerk")
    token, _raw = api_tokens.issue(actor=clerk, name="同步", days=30)
    with translation.override("en"):
        api_tokens.remind_expiring(now=timezone.now() + dt.timedelta(days=24))
    told = Notification.objects.get(recipient=clerk, dedupe_key__startswith="api_token_expiry")
    local = timezone.localtime(token.expires_at)
    assert told.title == f"接口令牌“同步”将于{chinese_datetime(token.expires_at)}到期"
    with translation.override("zh-hans"):
        assert told.shown_title == told.title
    with translation.override("en"):
        day = formats.date_format(local.date(), "DATE_FORMAT")  # Dec. 12, 2026
        assert told.shown_title == f"API token “同步” expires on {day} {local:%H:%M}"
        assert "年" not in told.shown_title

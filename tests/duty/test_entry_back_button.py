"""A member reports a duty fact (报送履职记录), taps the phone's back button (the page comes
back with the text still typed in) and taps 报送 again: the office gets one entry to
confirm, not two that would count the fact twice."""

import uuid

import pytest
from django.urls import reverse

from tests.duty.factories import YEAR, setting
from xieshang.duty.models import DutyKind, DutyRecord

pytestmark = pytest.mark.django_db


def entry(key, **overrides):
    return {
        "kind": DutyKind.INSPECTION,
        "date": f"{YEAR}-03-05",
        "title": "社区养老调研",
        "evidence": "调研通知及签到表",
        "draft_key": key,
        **overrides,
    }


@pytest.mark.clause("C5.7")
def test_the_entry_page_sent_again_after_the_back_button_sends_no_second_entry(client):
    _org, _term, _office, member = setting()
    client.force_login(member.user)
    page = client.get(reverse("duty:entry_new")).content.decode()
    assert 'name="draft_key" value="" data-draft-key' in page  # proposals.js fills it
    key = uuid.uuid4().hex
    assert client.post(reverse("duty:entry_new"), entry(key)).status_code == 302

    again = client.post(reverse("duty:entry_new"), entry(key), follow=True)
    assert DutyRecord.objects.filter(member=member).count() == 1
    assert "已经报送过" in again.content.decode()

    # A fresh page is a new entry.
    client.post(reverse("duty:entry_new"), entry(uuid.uuid4().hex, title="视察河道"))
    assert DutyRecord.objects.filter(member=member).count() == 2


def test_a_refused_entry_page_keeps_its_key_and_sends_once_corrected(client):
    _org, _term, _office, member = setting()
    client.force_login(member.user)
    key = uuid.uuid4().hex
    refused = client.post(reverse("duty:entry_new"), entry(key, title=""))
    assert refused.status_code == 400
    assert f'name="draft_key" value="{key}"' in refused.content.decode()
    assert client.post(reverse("duty:entry_new"), entry(key)).status_code == 302
    assert DutyRecord.objects.filter(member=member).count() == 1

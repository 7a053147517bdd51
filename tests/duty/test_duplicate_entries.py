"""A member reports the same duty fact twice (unsure the first went through): the form
warns and asks 仍要提交, and the office's review list flags the repeat (疑似重复, linking
the other record), so one inspection is not confirmed, and counted, twice."""

import datetime as dt
import uuid

import pytest
from django.urls import reverse

from tests.duty.factories import YEAR, record, setting
from xieshang.duty import selectors, services
from xieshang.duty.models import DutyKind, DutyRecord

pytestmark = [pytest.mark.django_db, pytest.mark.clause("C5.7")]

TITLE = "参加区人大联合视察河道整治"


def entry(**overrides):
    return {
        "kind": DutyKind.INSPECTION,
        "date": f"{YEAR}-11-28",
        "title": TITLE,
        "evidence": "视察通知及现场照片",
        "draft_key": uuid.uuid4().hex,  # a fresh page each time, not the back button
        **overrides,
    }


def test_the_same_report_sent_again_is_warned_and_sent_only_once_confirmed(client):
    _org, _term, _office, member = setting()
    client.force_login(member.user)
    url = reverse("duty:entry_new")
    assert client.post(url, entry()).status_code == 302
    page = client.get(url).content.decode()
    assert 'type="checkbox" name="confirm_duplicate"' not in page  # not asked before

    again = client.post(url, entry(title=TITLE + "工作"))
    assert again.status_code == 400
    text = again.content.decode()
    assert "已有同一日期、同一类别的相同履职记录" in text
    assert TITLE in text and "待审核" in text
    assert 'type="checkbox" name="confirm_duplicate"' in text
    assert f'value="{TITLE}工作"' in text  # what was typed is kept
    assert DutyRecord.objects.filter(member=member).count() == 1

    sent = client.post(url, entry(title=TITLE + "工作", confirm_duplicate="on"))
    assert sent.status_code == 302
    assert DutyRecord.objects.filter(member=member).count() == 2


def test_another_date_kind_or_matter_is_not_warned(client):
    _org, _term, _office, member = setting()
    client.force_login(member.user)
    url = reverse("duty:entry_new")
    assert client.post(url, entry()).status_code == 302
    assert client.post(url, entry(date=f"{YEAR}-11-27")).status_code == 302
    assert client.post(url, entry(kind=DutyKind.OTHER)).status_code == 302
    assert client.post(url, entry(title="参加区人大联合视察垃圾分类")).status_code == 302
    assert DutyRecord.objects.filter(member=member).count() == 4


def test_a_returned_report_is_no_duplicate(client):
    _org, _term, _office, member = setting()
    record(
        member,
        DutyKind.INSPECTION,
        date=dt.date(YEAR, 11, 28),
        title=TITLE,
        status=DutyRecord.Status.REJECTED,
    )
    client.force_login(member.user)
    assert client.post(reverse("duty:entry_new"), entry()).status_code == 302


def test_the_office_entering_a_fact_the_member_reported_is_warned(client):
    _org, _term, office, member = setting()
    services.manual_entry_submit(
        member=member,
        actor=member.user,
        kind=DutyKind.INSPECTION,
        date=dt.date(YEAR, 11, 28),
        title=TITLE,
        evidence="现场照片",
    )
    client.force_login(office)
    url = reverse("duty:entry_for_member", args=[member.pk])
    refused = client.post(url, entry())
    assert refused.status_code == 400
    assert "已有同一日期、同一类别的相同履职记录" in refused.content.decode()
    assert client.post(url, entry(confirm_duplicate="on")).status_code == 302
    assert DutyRecord.objects.filter(member=member).count() == 2


def test_the_review_list_flags_a_repeat_and_links_the_other_record(client):
    _org, _term, office, member = setting()
    day = dt.date(YEAR, 11, 28)
    pending = DutyRecord.Status.PENDING
    earlier = record(member, DutyKind.INSPECTION, date=day, title=TITLE)  # confirmed
    first = record(member, DutyKind.INSPECTION, date=day, title=TITLE, status=pending)
    second = record(member, DutyKind.INSPECTION, date=day, title=TITLE, status=pending)
    other_day = record(
        member, DutyKind.INSPECTION, date=dt.date(YEAR, 11, 27), title=TITLE, status=pending
    )
    other_kind = record(member, DutyKind.OTHER, date=day, title=TITLE, status=pending)
    other_matter = record(
        member, DutyKind.INSPECTION, date=day, title="参加区人大联合视察垃圾分类", status=pending
    )
    client.force_login(office)
    page = client.get(reverse("duty:entries")).content.decode()
    assert page.count("疑似重复") == 2
    assert f'id="entry-{first.pk}-repeats"' in page
    assert f'id="entry-{second.pk}-repeats"' in page
    for quiet in (other_day, other_kind, other_matter):
        assert f'id="entry-{quiet.pk}-repeats"' not in page
    # Another row of the list by its anchor, a confirmed record in the member's file.
    flag = page.split(f'id="entry-{first.pk}-repeats"')[1].split("</td>")[0]
    assert f'href="#entry-{second.pk}"' in flag
    assert f'href="{reverse("duty:member_file", args=[member.pk])}?year={YEAR}"' in flag
    assert "已确认" in flag

    repeats = selectors.duplicate_records([first, other_day])
    assert [r.pk for r in repeats[first.pk]] == [earlier.pk, second.pk]
    assert repeats[other_day.pk] == []

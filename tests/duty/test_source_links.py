"""The duty file's records link their source's page (the meeting attended, the proposal
made…) when the reader may open it, as the source's owner decides (followups.subjects); the
whole page asks in a fixed number of queries."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tests.duty.factories import YEAR, record, setting
from tests.factories import MemberFactory
from xieshang.duty.models import DutyKind as K
from xieshang.duty.services import record_duty
from xieshang.meetings.models import Invitation, Meeting, MeetingKind
from xieshang.proposals.models import Proposal

pytestmark = [pytest.mark.django_db, pytest.mark.clause("C5.7")]
DAY = dt.date(YEAR, 4, 8)


def proposal(org, member, title, status=Proposal.Status.SUBMITTED, **kwargs):
    p = Proposal.objects.create(
        organisation=org,
        year=YEAR,
        title=title,
        suggestions="建议。",
        status=status,
        first_proposer=member,
        **kwargs,
    )
    return p


def meeting(org, member, title):
    start = timezone.make_aware(dt.datetime(YEAR, 4, 8, 9))
    m = Meeting.objects.create(
        organisation=org,
        kind=MeetingKind.choices[0][0],
        title=title,
        start=start,
        end=start + dt.timedelta(hours=2),
        status=Meeting.Status.CLOSED,
    )
    invitation = Invitation.objects.create(meeting=m, member=member, name=member.name)
    record_duty(member=member, kind=K.MEETING, date=DAY, title=title, source=invitation)
    return m


def sources(org, member, n):
    for i in range(n):
        p = proposal(org, member, f"关于第{i}条公交线路的建议")
        record_duty(member=member, kind=K.PROPOSAL_FIRST, date=DAY, title=p.title, source=p)
        meeting(org, member, f"第{i}次专题协商会")


def _file(client, member) -> str:
    url = reverse("duty:member_file", args=[member.pk]) + f"?year={YEAR}"
    return client.get(url).content.decode()


def test_the_office_and_the_member_follow_each_record_to_its_source(client):
    org, _term, office, member = setting()
    mine = proposal(org, member, "关于加装电梯的建议")
    record_duty(member=member, kind=K.PROPOSAL_FIRST, date=DAY, title=mine.title, source=mine)
    held = meeting(org, member, "养老服务专题协商会")
    record(member, K.INSPECTION, title="自报调研")  # no source: no link
    client.force_login(office)
    page = _file(client, member)
    assert f'<a href="{mine.get_absolute_url()}">关于加装电梯的建议</a>' in page
    assert f'<a href="{held.get_absolute_url()}">养老服务专题协商会</a>' in page
    assert ">自报调研" in page and "自报调研</a>" not in page
    client.force_login(member.user)
    own = client.get(reverse("duty:my_file") + f"?year={YEAR}").content.decode()
    assert f'<a href="{mine.get_absolute_url()}">关于加装电梯的建议</a>' in own


def test_a_source_the_reader_may_not_open_is_not_linked(client):
    org, _term, office, member = setting()
    # Someone else's draft naming this member (the draft's owner reads it; nobody else).
    other = MemberFactory(organisation=org)
    draft = proposal(org, other, "他人草稿中的提案", status=Proposal.Status.DRAFT)
    record_duty(member=member, kind=K.PROPOSAL_COSIGNER, date=DAY, title=draft.title, source=draft)
    for reader in (office, member.user):
        client.force_login(reader)
        page = _file(client, member)
        assert ">他人草稿中的提案" in page
        assert draft.get_absolute_url() not in page


def test_the_office_reads_a_file_of_many_sources_in_the_same_queries(client):
    org, _term, office, member = setting()
    sources(org, member, 2)
    client.force_login(office)
    _file(client, member)  # warm up: the score table, the session
    with CaptureQueriesContext(connection) as few:
        assert _file(client, member).count('<a href="/proposals/') == 2
    sources(org, member, 6)
    with CaptureQueriesContext(connection) as many:
        assert _file(client, member).count('<a href="/proposals/') == 8
    assert len(many) == len(few), [q["sql"] for q in many.captured_queries]

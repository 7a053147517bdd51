"""The duty file links every kind of source its owner gives a page (followups.subjects): a
consultation activity taken part in and a speech there (协商活动), a platform session
(协商议事平台), as a meeting or a proposal, only for a reader the owner's rule lets open
it; and a member's own file of many sources costs the same queries as one of a few."""

import datetime as dt

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tests.duty.factories import YEAR, setting
from tests.factories import MemberFactory
from xieshang.consultation.models import Activity, ActivityForm, Participant, Speech
from xieshang.duty.models import DutyKind as K
from xieshang.duty.services import record_duty
from xieshang.followups.models import Instruction, LeaderLevel
from xieshang.meetings.models import Invitation, Meeting, MeetingKind
from xieshang.opinions.models import Adoption, AdoptionLevel, Opinion
from xieshang.platforms.models import Platform, PlatformLevel, PlatformMember, PlatformSession
from xieshang.proposals.models import Proposal, Signer

pytestmark = [pytest.mark.django_db, pytest.mark.clause("C5.7")]
DAY = dt.date(YEAR, 4, 8)


def activity(org, member, title, *, took_part=True):
    a = Activity.objects.create(
        organisation=org,
        title=title,
        form=ActivityForm.choices[0][0],
        date=DAY,
        place="政协三楼会议室",
        status=Activity.Status.HELD,
    )
    if took_part:
        Participant.objects.create(
            activity=a,
            kind=Participant.Kind.MEMBER,
            member=member,
            name=member.name,
            attendance=Participant.Attendance.ATTENDED,
        )
    record_duty(member=member, kind=K.MEETING, date=DAY, title=title, source=a)
    return a


def speech(a, member, title):
    s = Speech.objects.create(activity=a, speaker=member.name, member=member, title=title)
    record_duty(member=member, kind=K.CONSULTATION_SPEECH, date=DAY, title=title, source=s)
    return s


def platform(org, member, *, assigned=True):
    p = Platform.objects.create(
        organisation=org, level=PlatformLevel.choices[0][0], name="城关街道协商议事室"
    )
    if assigned:
        PlatformMember.objects.create(platform=p, member=member)
    return p


def session(p, member, title):
    s = PlatformSession.objects.create(
        platform=p, title=title, starts_at=timezone.make_aware(dt.datetime(YEAR, 4, 8, 9))
    )
    record_duty(member=member, kind=K.COMMUNITY_CONSULTATION, date=DAY, title=title, source=s)
    return s


def _own(client) -> str:
    return client.get(reverse("duty:my_file") + f"?year={YEAR}").content.decode()


def test_a_member_follows_an_activity_a_speech_and_a_session_taken_part_in(client):
    org, _term, office, member = setting()
    took_part = activity(org, member, "养老服务界别协商")
    spoke = speech(took_part, member, "关于社区食堂的发言")
    held = session(platform(org, member), member, "关于加装电梯的议事会")
    activity_url = reverse("consultation:activity", args=[took_part.pk])
    client.force_login(member.user)
    own = _own(client)
    assert f'<a href="{activity_url}">养老服务界别协商</a>' in own
    assert f'<a href="{activity_url}">{spoke.title}</a>' in own
    assert f'<a href="{held.get_absolute_url()}">关于加装电梯的议事会</a>' in own
    # The links lead to pages the member may open.
    assert client.get(activity_url).status_code == 200
    assert client.get(held.get_absolute_url()).status_code == 200
    # The office reads them all by its role.
    client.force_login(office)
    page = client.get(
        reverse("duty:member_file", args=[member.pk]) + f"?year={YEAR}"
    ).content.decode()
    assert f'<a href="{activity_url}">养老服务界别协商</a>' in page


def test_a_member_the_owner_does_not_let_in_gets_no_link(client):
    org, _term, _office, member = setting()
    # Not among the activity's participants, no longer assigned to the platform.
    outside = activity(org, member, "未受邀的界别协商", took_part=False)
    left = platform(org, member, assigned=False)
    gone = session(left, member, "下沉结束后的议事会")
    client.force_login(member.user)
    own = _own(client)
    assert ">未受邀的界别协商" in own and ">下沉结束后的议事会" in own
    assert reverse("consultation:activity", args=[outside.pk]) not in own
    assert gone.get_absolute_url() not in own
    assert client.get(reverse("consultation:activity", args=[outside.pk])).status_code == 404
    assert client.get(gone.get_absolute_url()).status_code == 404


def instructed(o, member):
    """A leader's instruction on the item (followups.Instruction), counted in its author's
    file as opinions.services.instruction_after records it."""
    i = Instruction.objects.create(
        organisation=o.organisation,
        content_type=ContentType.objects.get_for_model(o),
        object_id=o.pk,
        item_title=o.title,
        leader="张副区长",
        level=LeaderLevel.DISTRICT,
        instructed_on=DAY,
        text="请区民政局研究落实。",
    )
    title = f"{o.title}（张副区长批示）"
    record_duty(member=member, kind=K.OPINION_INSTRUCTED, date=DAY, title=title, source=i)
    return i


def test_an_instruction_on_an_item_links_the_items_page(client):
    """批示 on a 社情民意 item is shown on the item's page: the author's record of it links
    there, as an adoption does; a member not among the authors gets no link."""
    org, _term, office, member = setting()
    o = Opinion.objects.create(
        organisation=org,
        year=YEAR,
        title="关于老旧小区加装电梯的建议",
        suggestions="建议。",
        status=Opinion.Status.PUBLISHED,
    )
    o.authors.add(member)
    instructed(o, member)
    url = reverse("opinions:detail", args=[o.pk])
    client.force_login(member.user)
    assert f'<a href="{url}">关于老旧小区加装电梯的建议（张副区长批示）</a>' in _own(client)
    assert client.get(url).status_code == 200
    client.force_login(office)
    page = client.get(
        reverse("duty:member_file", args=[member.pk]) + f"?year={YEAR}"
    ).content.decode()
    assert f'<a href="{url}">' in page


def sources(org, member, first, n):
    """`n` sources of each kind a member's rule reads per object: a proposal co-signed, a
    meeting attended, a 社情民意 item written, adopted and instructed on, an activity taken
    part in and a speech there, a platform session."""
    other = MemberFactory(organisation=org)
    start = timezone.make_aware(dt.datetime(YEAR, 4, 8, 9))
    assigned = platform(org, member)
    for i in range(first, first + n):
        p = Proposal.objects.create(
            organisation=org,
            year=YEAR,
            title=f"关于第{i}条公交线路的建议",
            suggestions="建议。",
            status=Proposal.Status.SUBMITTED,
            first_proposer=other,
        )
        Signer.objects.create(proposal=p, member=member, status=Signer.Status.CONFIRMED)
        record_duty(member=member, kind=K.PROPOSAL_COSIGNER, date=DAY, title=p.title, source=p)
        m = Meeting.objects.create(
            organisation=org,
            kind=MeetingKind.choices[0][0],
            title=f"第{i}次专题协商会",
            start=start,
            end=start + dt.timedelta(hours=2),
            status=Meeting.Status.CLOSED,
        )
        inv = Invitation.objects.create(meeting=m, member=member, name=member.name)
        record_duty(member=member, kind=K.MEETING, date=DAY, title=m.title, source=inv)
        o = Opinion.objects.create(
            organisation=org,
            year=YEAR,
            title=f"第{i}条社情民意",
            suggestions="建议。",
            status=Opinion.Status.PUBLISHED,
        )
        o.authors.add(member)
        adopted = Adoption.objects.create(
            opinion=o,
            level=AdoptionLevel.DISTRICT,
            mode=Adoption.Mode.choices[0][0],
            adopted_on=DAY,
        )
        record_duty(member=member, kind=K.OPINION_ADOPTED, date=DAY, title=o.title, source=adopted)
        instructed(o, member)
        a = activity(org, member, f"第{i}次界别协商")
        speech(a, member, f"第{i}次界别协商发言")
        session(assigned, member, f"第{i}次议事会")


def test_a_members_own_file_costs_the_same_queries_however_many_records(client):
    org, _term, _office, member = setting()
    sources(org, member, 0, 2)
    client.force_login(member.user)
    _own(client)  # warm up: the score table, the session
    with CaptureQueriesContext(connection) as few:
        page = _own(client)
    links = page.count('<a href="/')
    sources(org, member, 2, 6)
    with CaptureQueriesContext(connection) as many:
        page = _own(client)
    # Every record of the eight of each kind links its page.
    for prefix in ("/proposals/", "/meetings/", "/opinions/", "/consultation/", "/platforms/"):
        assert page.count(f'<a href="{prefix}') >= 8, prefix
    assert page.count('<a href="/') == links + 6 * 7
    assert len(many) == len(few), [q["sql"] for q in many.captured_queries]


def test_the_task_page_links_the_activity_a_task_is_about(client):
    """The 报送协商纪要 task is about the activity: registered with its page's address
    (`subjects.register(url=...)`), it is linked for the office, not as an empty link."""
    from xieshang.followups import services as followups
    from xieshang.followups.models import Task
    from xieshang.orgs.models import Role

    org, _term, office, member = setting()
    held = activity(org, member, "养老服务界别协商")
    task = followups.task_open(
        organisation=org,
        title="报送协商纪要：养老服务界别协商",
        actor=office,
        kind=Task.Kind.OUTCOME,
        subject=held,
        assignee_role=Role.OFFICE,
        working_days=5,
        start_date=DAY,
    )
    client.force_login(office)
    page = client.get(reverse("followups:detail", args=[task.pk])).content.decode()
    url = reverse("consultation:activity", args=[held.pk])
    assert f'<a href="{url}" id="task-subject">养老服务界别协商</a>' in page

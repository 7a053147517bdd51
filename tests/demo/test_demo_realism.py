"""The demo district reads like a real district committee's year (a newcomer's walk)."""

import datetime as dt

import pytest
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from tests.demodata import demo  # noqa: F401 - a module fixture
from xieshang.core.models import Event
from xieshang.orgs.models import Organisation, Role, RoleAssignment

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("demo")]


def district() -> Organisation:
    return Organisation.objects.get(name="示范区政协")


def test_only_a_few_discipline_cases_wait_for_the_office():
    from xieshang.duty.models import DisciplineCase

    open_cases = DisciplineCase.objects.filter(
        organisation=district(), status=DisciplineCase.Status.OPEN
    )
    # This year's plenary: one or two members away without leave, not one in ten.
    assert 1 <= open_cases.count() <= 3


def test_old_follow_up_tasks_were_answered_and_closed_and_a_few_are_just_overdue():
    from xieshang.followups import demo as followups_demo
    from xieshang.followups.models import Task

    today = timezone.localdate()
    overdue = Task.objects.filter(status=Task.Status.OPEN, due_date__lt=today)
    assert overdue.exists()
    # Overdue by days or weeks, never by months; the tasks answered through the engine
    # itself (outcomes, instructions, opinions, 落实跟踪) by a month at most.
    assert not overdue.filter(due_date__lt=today - dt.timedelta(days=60)).exists()
    assert not overdue.filter(
        kind__in=followups_demo.SETTLED_KINDS, due_date__lt=today - dt.timedelta(days=31)
    ).exists()
    # A sector consultation's report of last June was answered and closed; the one awaiting
    # feedback is recent, its departments late by days, not since last November.
    closed = Task.objects.filter(title__contains="界别协商专报", status=Task.Status.CLOSED)
    assert closed.exists()
    late = overdue.filter(title__contains="界别协商专报")
    assert late.exists()
    assert all(t.start_date > today - dt.timedelta(days=90) for t in late)
    for task in closed.prefetch_related("feedback"):
        assert task.feedback.all(), task
        assert task.closed_at.date() <= today


def test_the_member_logins_write_and_submit_their_own_opinions():
    from xieshang.opinions.models import Opinion

    opinion_type = ContentType.objects.get_for_model(Opinion)
    for username in ("member", "group_leader"):
        own = Opinion.objects.filter(
            authors__user__username=username, proposal__isnull=True
        ).distinct()
        assert own.exists(), username
        for opinion in own:
            assert opinion.created_by.username == username, opinion.title
            actors = set(
                Event.objects.filter(
                    content_type=opinion_type,
                    object_id=str(opinion.pk),
                    verb__in=["opinion.create", "opinion.submit"],
                ).values_list("actor__username", flat=True)
            )
            assert actors == {username}, (opinion.title, actors)


def test_the_street_liaison_arranges_its_streets_sessions():
    from xieshang.platforms.models import PlatformSession

    ra = RoleAssignment.objects.select_related("organisation").get(
        user__username="liaison", role=Role.LIAISON
    )
    street = ra.organisation
    sessions = PlatformSession.objects.filter(
        platform__organisation__path__startswith=street.path
    ).select_related("created_by")
    assert sessions.exists()
    assert {s.created_by.username for s in sessions} == {"liaison"}


def test_no_deadline_the_demo_writes_falls_on_a_rest_day():
    from xieshang.core import calendar
    from xieshang.followups.models import Task
    from xieshang.orgs.models import Session
    from xieshang.proposals.models import Assignment, Proposal

    # A plan item's 落实 task is due at its month's end or today, whichever is later
    # (consultation.services.plans): on a Sunday when the seed runs on one. Not the demo's.
    tasks = Task.objects.exclude(content_type__model="planitem")
    for model, field in [
        (tasks, "due_date"),
        (Proposal, "review_due"),
        (Assignment, "contact_due"),
        (Session, "proposal_deadline"),
    ]:
        rows = model if hasattr(model, "exclude") else model.objects
        days = set(rows.exclude(**{field: None}).values_list(field, flat=True))
        assert days, (model, field)
        rest = sorted(d for d in days if not calendar.is_working_day(d))
        assert not rest, (field, rest[:5])


def test_the_commendation_proposes_groups_and_leaders_for_last_year_and_not_idle_groups(client):
    """A newcomer opening 评先评优 for the last finished year sees groups and group leaders
    proposed; the groups met about once a quarter, and one that held fewer activities than
    the rule asks (4 a year by default) is left out, so the rule is seen at work."""
    from django.urls import reverse

    from xieshang.core.models import User
    from xieshang.duty import awards
    from xieshang.duty.models import AwardType
    from xieshang.orgs.models import ActivityGroup

    org = district()
    year = timezone.localdate().year - 1
    held = awards.group_activities(org, year)
    groups = list(ActivityGroup.objects.filter(organisation=org))
    assert sum(1 for g in groups if held.get(g.pk, 0) >= 4) >= len(groups) // 2
    idle = [g for g in groups if held.get(g.pk, 0) < 4]
    assert idle  # at least one group the rule filters out

    client.force_login(User.objects.get(username="office"))
    page = client.get(reverse("duty:commendation") + f"?year={year}").content.decode()

    def section(award_type):
        return page.split(f'id="cand-{award_type}"')[1].split("</table>")[0]

    proposed_groups = section(AwardType.GROUP)
    assert any(g.name in proposed_groups for g in groups)
    assert "年度开展活动" in section(AwardType.LEADER)
    for group in idle:
        assert group.name not in proposed_groups


def test_a_proposals_notices_quote_its_number_and_due_date_and_are_dated_with_their_step():
    """A member's inbox, as a newcomer reads it: 提案已立案 names the number the proposal
    page shows, 提案已交办 the answer's due date the page shows, and each notice is dated
    on the day of its step, not all on the day the demo was built."""
    import re

    from xieshang.core.models import Notification
    from xieshang.followups.models import Task
    from xieshang.proposals.models import Proposal

    def day(moment):
        return timezone.localtime(moment).date()

    proposals = {p.pk: p for p in Proposal.objects.filter(organisation=district())}
    accepted = assigned = 0
    for notice in Notification.objects.filter(dedupe_key__startswith="proposal:"):
        pk, kind = (notice.dedupe_key.split(":") + [""])[1:3]
        proposal = proposals.get(int(pk))
        if proposal is None:
            continue
        if kind == "accepted":
            accepted += 1
            assert notice.shown_body == f"提案号：{proposal.number}", notice.pk
            assert day(notice.created_at) == day(proposal.reviewed_at), notice.pk
        elif kind == "assigned":
            assigned += 1
            tasks = Task.objects.filter(content_type__model="proposal", object_id=str(pk))
            dues = [
                t.due_date
                for t in tasks
                if t.kind not in (Task.Kind.CO_HANDLING, Task.Kind.IMPLEMENTATION)
            ]
            due = re.search(r"答复期限：(\d+)年(\d+)月(\d+)日", notice.shown_body)
            assert dt.date(*map(int, due.groups())) == min(dues), notice.pk
            first = min(a.assigned_at for a in proposal.assignments.all())
            assert day(notice.created_at) == day(first), notice.pk
    assert accepted > 50 and assigned > 50


def test_a_social_conditions_items_history_and_its_authors_credit_follow_its_steps():
    """社情民意 in the demo: written and submitted before the issue that carries it came out,
    reviewed after it was submitted, and credited in the author's duty file on the day it
    was submitted, not all on the day the demo was built."""
    from xieshang.duty.models import DutyRecord
    from xieshang.opinions.models import Opinion

    def day(moment):
        return timezone.localtime(moment).date()

    published = Opinion.objects.filter(organisation=district(), issue__isnull=False)
    assert published.count() >= 5
    for opinion in published:
        history = Event.objects.filter(content_type__model="opinion", object_id=str(opinion.pk))
        submitted = history.filter(verb="opinion.submit").order_by("created_at").first()
        publish = history.get(verb="opinion.publish")
        assert submitted.created_at < publish.created_at, opinion.pk
        assert day(opinion.submitted_at) < opinion.issue.published_on, opinion.pk
        assert day(opinion.accepted_at) >= day(opinion.submitted_at), opinion.pk
        credit = DutyRecord.objects.filter(content_type__model="opinion", object_id=str(opinion.pk))
        assert {r.date for r in credit} <= {day(opinion.submitted_at)}, opinion.pk


def test_a_members_plenary_half_days_are_each_named_once_in_a_year():
    """A member's annual report lists each half-day of a plenary session by its sitting
    (开幕会, 分组讨论…), as the meetings app records it: the demo's earlier years once gave
    five identical rows of the session's name."""
    from django.db.models import Count

    from xieshang.duty.models import DutyKind, DutyRecord

    half_days = DutyRecord.objects.filter(organisation=district(), kind=DutyKind.PLENARY_HALF_DAY)
    assert half_days.filter(date__year__lt=dt.date.today().year).count() > 100
    repeated = (
        half_days.values("member", "date__year", "title").annotate(n=Count("id")).filter(n__gt=1)
    )
    assert not repeated.exists(), list(repeated[:3])
    assert not half_days.exclude(title__contains="·").exists()


def test_records_of_the_years_before_the_platform_say_they_were_imported(client):
    """The demo's earlier years of a member's duty file cite proposals and plenaries that the
    proposal and meeting modules do not hold (the platform went live this year): the file
    says such a record was carried over (历史导入), not recorded by the system."""
    from django.contrib.auth import get_user_model
    from django.urls import reverse

    from xieshang.duty.models import DutyKind, DutyRecord

    imported = DutyRecord.objects.filter(organisation=district(), source=DutyRecord.Source.IMPORTED)
    assert not imported.filter(date__year=timezone.localdate().year).exists()
    record = imported.filter(kind=DutyKind.PROPOSAL_FIRST).order_by("pk").first()
    assert record is not None and record.source_object is None
    client.force_login(get_user_model().objects.get(username="office"))
    page = client.get(
        reverse("duty:member_file", args=[record.member_id]), {"year": record.date.year}
    ).content.decode()
    row = page.split(record.title, 1)[1].split("</tr>", 1)[0]
    assert "历史导入" in row

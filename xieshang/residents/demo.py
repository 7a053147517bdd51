"""Demo residents' issues across the demo district's streets: every state of the workflow,
some routed issues overdue (their dates set back, as if raised weeks ago), some answered and
rated, a few spam items held for the moderator. Everything goes through the services, so
events, follow-up tasks and texts are real. Runs after the platforms' demo (it uses their
sessions); draws from a copy of the shared random generator, so the order of other demos'
draws is unchanged."""

import datetime as dt
import random

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.db.models import F
from django.urls import reverse
from django.utils import timezone

from xieshang.core import calendar
from xieshang.core.models import Event, Notification, User
from xieshang.followups import services as followups
from xieshang.followups.demo import date_open_notices, move_back
from xieshang.followups.models import Task
from xieshang.orgs.models import Department, Level, Organisation, Role, RoleAssignment
from xieshang.portal.screening import Verdict

from . import services
from .models import ResidentIssue

ISSUES = [
    ("小区门口路灯不亮", "北门两盏路灯坏了一个多月，晚上老人出行不便。", "北门"),
    ("楼道堆放杂物堵塞消防通道", "三单元楼道长期堆放纸箱和旧家具，存在消防隐患。", "3号楼"),
    ("菜市场周边占道经营", "早市时段摊贩占道，车辆和行人通行困难。", "菜市场东侧"),
    ("老旧小区加装电梯意见不一", "低层住户担心采光，希望有人组织协商。", "5号楼"),
    ("学校门口接送车辆拥堵", "放学时段学校门口道路堵塞，存在安全隐患。", "实验小学门口"),
    ("广场舞噪音扰民", "晚上九点后仍有音响，影响周边居民休息。", "文化广场"),
    ("雨水井盖破损", "人行道上的井盖破了一个角，容易绊倒行人。", "人民路口"),
    ("电动自行车充电难", "小区没有集中充电桩，有人飞线充电。", "小区车棚"),
    ("公园健身器材损坏", "健身步道旁的两台器材损坏，无人维修。", "滨河公园"),
    ("垃圾分类投放点异味", "投放点清运不及时，夏天异味很大。", "2号门"),
    ("社区食堂价格偏高", "老人反映社区食堂菜价比以前高了。", "社区服务中心"),
    ("背街小巷路面破损", "小巷路面坑洼，下雨积水。", "后街"),
]
SPAM = [
    ("百家乐首存送彩金", "真人娱乐，加微信 vip8888 领取返水。"),
    ("代开各类发票", "低点开票，可验证发票，联系QQ 12345678。"),
]
NAMES = ["王阿姨", "李师傅", "张先生", "", "刘女士", "", "陈大爷", "赵女士"]


def _first_user(**filters) -> User | None:
    ra = (
        RoleAssignment.objects.filter(user__is_active=True, **filters)
        .select_related("user")
        .order_by("id")
        .first()
    )
    return ra.user if ra else None


ISSUE_TIMES = ("created_at", "accepted_at", "routed_at", "answered_at", "rated_at", "closed_at")


def _backdate(issue: ResidentIssue, days: int, *, since: dt.datetime | None = None) -> None:
    """Set an issue's times, history and notices `days` back: all of them, or those from
    `since` on. Its task is not moved (`_age` moves both)."""
    if days <= 0:
        return
    shift = dt.timedelta(days=days)
    issue = ResidentIssue.objects.get(pk=issue.pk)
    moved = {
        name: getattr(issue, name) - shift
        for name in ISSUE_TIMES
        if getattr(issue, name) is not None and (since is None or getattr(issue, name) >= since)
    }
    if moved:
        ResidentIssue.objects.filter(pk=issue.pk).update(**moved)
    later = {"created_at__gte": since} if since is not None else {}
    Event.objects.filter(
        content_type=ContentType.objects.get_for_model(ResidentIssue),
        object_id=str(issue.pk),
        **later,
    ).update(created_at=F("created_at") - shift)
    Notification.objects.filter(url=reverse("residents:detail", args=[issue.pk]), **later).update(
        created_at=F("created_at") - shift
    )


def _age(issue: ResidentIssue, days: int) -> None:
    """Move everything that happened to the issue `days` back, its task too (dates, feedback,
    history: `followups.demo.move_back`). Called once before the answer and once after it,
    the issue is raised some weeks ago and answered some days later, not all on the day the
    seed ran."""
    if days <= 0:
        return
    _backdate(issue, days)
    if issue.task_id:
        move_back([issue.task], days)


def _route_overdue(issue, actor, department, days_ago: int) -> None:
    """Routed `days_ago` days ago with the normal deadline: now overdue. Raised and accepted
    two days before it was routed; the route in the issue's history, the task's 交办日期 and
    the task's own history all carry the day it was routed."""
    routed_at = timezone.now()
    services.issue_route(issue=issue, actor=actor, department=department)
    issue.refresh_from_db()
    start = timezone.localdate() - dt.timedelta(days=days_ago)
    due = calendar.add_working_days(start, 15)
    shift = dt.timedelta(days=days_ago)
    Task.objects.filter(pk=issue.task_id).update(
        start_date=start, due_date=due, created_at=F("created_at") - shift
    )
    # The department's 新的督办事项 notice says the moved deadline, dated the routing day.
    date_open_notices([Task.objects.get(pk=issue.task_id)])
    Event.objects.filter(
        content_type=ContentType.objects.get_for_model(Task), object_id=str(issue.task_id)
    ).update(created_at=F("created_at") - shift)
    _backdate(issue, days_ago + 2)
    # The route (and whatever it recorded on the issue) back to the routing day.
    Event.objects.filter(
        content_type=ContentType.objects.get_for_model(ResidentIssue),
        object_id=str(issue.pk),
        created_at__gte=routed_at - dt.timedelta(days=days_ago + 2),
    ).update(created_at=F("created_at") + dt.timedelta(days=2))
    ResidentIssue.objects.filter(pk=issue.pk).update(
        routed_at=F("routed_at") + dt.timedelta(days=2)
    )


def build(*, organisation, rng: random.Random) -> None:
    if ResidentIssue.objects.filter(organisation__path__startswith=organisation.path).exists():
        return
    local = random.Random()
    local.setstate(rng.getstate())
    rng = local
    office = _first_user(organisation=organisation, role=Role.OFFICE)
    departments = list(
        Department.objects.filter(organisation=organisation, is_active=True).order_by("id")[:8]
    )
    demo_department = Department.objects.filter(
        organisation=organisation, staff__user__username="dept"
    ).first()
    if demo_department is not None:
        departments.insert(0, demo_department)
    if office is None or not departments:
        return
    streets = list(
        Organisation.objects.filter(parent=organisation, level=Level.STREET).order_by("path")
    )
    if not streets:
        return
    from xieshang.platforms.models import PlatformSession

    def street_id(session) -> int:
        org = session.platform.organisation
        return org.parent_id if org.level == Level.COMMUNITY else org.pk

    # One held and one planned session per street (its own platform's or a community's).
    held = {
        street_id(s): s
        for s in PlatformSession.objects.filter(
            platform__organisation__path__startswith=organisation.path,
            status__in=[PlatformSession.Status.HELD, PlatformSession.Status.PUBLISHED],
        ).select_related("platform", "platform__organisation")
    }
    planned = {
        street_id(s): s
        for s in PlatformSession.objects.filter(
            platform__organisation__path__startswith=organisation.path,
            status=PlatformSession.Status.PLANNED,
        ).select_related("platform", "platform__organisation")
    }
    communities = {
        c.parent_id: c
        for c in Organisation.objects.filter(parent__in=streets, level=Level.COMMUNITY).order_by(
            "-path"
        )
    }
    this_year_so_far = timezone.localdate().timetuple().tm_yday - 1  # days
    # The demo liaison's street gets one issue in every state; other streets a few each.
    for s_index, street in enumerate(streets[:8]):
        actor = _first_user(organisation=street, role=Role.LIAISON) or office
        node_choices = [street] + ([communities[street.pk]] if street.pk in communities else [])
        plan = (
            [
                "submitted",
                "accepted",
                "agenda",
                "settled",
                "routed_overdue",
                "routed",
                "answered",
                "answered",
                "topic",
                "opinion",
                "closed",
                "rejected",
            ]
            if s_index == 0
            else rng.sample(
                ["submitted", "routed_overdue", "routed", "answered", "closed", "settled"], 3
            )
        )
        for i, state in enumerate(plan):
            title, description, place = ISSUES[(s_index * 3 + i) % len(ISSUES)]
            node = rng.choice(node_choices)
            # The session an agenda or settled issue goes to. An issue goes to a session of
            # its own community's platform or its street's (services.platforms_q): one for a
            # community's session is raised there.
            session = {"agenda": planned, "settled": held}.get(state, {}).get(street.pk)
            if session is not None and session.platform.organisation.level == Level.COMMUNITY:
                node = session.platform.organisation
            name = rng.choice(NAMES)
            phone = f"139{rng.randrange(10**8):08d}" if rng.random() < 0.6 else ""
            if state == "rejected":
                spam_title, spam_text = SPAM[s_index % len(SPAM)]
                reason = {"code": "banned", "cat": "advertising", "words": spam_title[:4]}
                verdict = Verdict(held=True, spam=True, reasons=(reason,), score=12)
                issue, _code = services.issue_submit_public(
                    organisation=node, title=spam_title, description=spam_text, verdict=verdict
                )
                services.issue_reject(issue=issue, actor=actor, reason="广告或垃圾信息")
                continue
            issue, _code = services.issue_submit_public(
                organisation=node,
                title=title,
                description=description,
                location=place,
                resident_name=name,
                phone=phone,
            )
            if state == "submitted":
                continue
            services.issue_accept(issue=issue, actor=actor)
            # Raised `raised` days ago and answered `raised - gap` days ago (within this
            # year: the issue's number is this year's): aged `gap` days before the answer,
            # `raised - gap` after it. Fixed by place, not drawn, so that the rest of the
            # cast stays what the seed made it.
            raised = min(12 + (s_index * 11 + i * 7) % 45, this_year_so_far)
            gap = min(2 + (s_index * 3 + i) % 8, raised)
            department = departments[(s_index + i) % len(departments)]
            if state == "agenda":
                if session is not None:
                    services.issue_schedule(issue=issue, actor=actor, session=session)
                continue
            if state == "accepted":
                continue
            if state == "settled":
                if session is not None:
                    # Raised before the session that settled it (the demo's issues are all
                    # submitted today; its sessions were held in the past), and settled the
                    # day after it.
                    _backdate(issue, (issue.created_at - session.starts_at).days + 10)
                    issue.refresh_from_db()
                    since = timezone.now()
                    services.issue_settle(
                        issue=issue,
                        actor=actor,
                        session=session,
                        result="经议事会协商，由物业和社区共同落实，本月内完成。",
                    )
                    if rng.random() < 0.7:
                        services.issue_rate(issue=issue, rating=rng.choice(["satisfied", "basic"]))
                    _backdate(issue, (since - session.starts_at).days - 1, since=since)
                    continue
                state = "closed"
            if state == "routed_overdue":
                _route_overdue(issue, actor, department, days_ago=30 + rng.randrange(10))
            elif state in ("routed", "answered"):
                if state == "answered":
                    department = departments[0]  # the demo department has clerks
                services.issue_route(issue=issue, actor=actor, department=department)
                if state == "answered":
                    issue.refresh_from_db()
                    _age(issue, gap)
                    clerk = _first_user(department=department) or department.leader_user or office
                    task = issue.task
                    try:
                        followups.feedback_submit(
                            task=task,
                            text="已安排人员现场查看，问题已处理完毕，欢迎继续监督。",
                            actor=clerk,
                        )
                    except PermissionDenied:  # a department without staff: stays routed
                        continue
                    issue.refresh_from_db()
                    if rng.random() < 0.8:
                        services.issue_rate(
                            issue=issue,
                            rating=rng.choice(["satisfied", "satisfied", "basic", "dissatisfied"]),
                            comment="",
                        )
                    _age(issue, raised - gap)
            elif state == "topic":
                services.issue_to_topic(issue=issue, actor=actor)
            elif state == "opinion":
                services.issue_to_opinion(issue=issue, actor=actor)
            elif state == "closed":
                _age(issue, gap)
                services.issue_close(
                    issue=issue, actor=actor, reply="经核实，该问题已由社区协调物业解决。"
                )
                _age(issue, raised - gap)

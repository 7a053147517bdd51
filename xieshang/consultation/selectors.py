"""Reads of consultation data used by the pages, the API and the dashboard, each with a fixed
number of queries."""

import datetime as dt
from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from xieshang.core import access
from xieshang.core.models import User
from xieshang.followups.models import Task
from xieshang.orgs import config
from xieshang.orgs.models import Role, RoleAssignment

from . import policies, rules
from .models import (
    NOT_SPECIAL_FORMS,
    Activity,
    ConsultationPlan,
    FocusArea,
    Outcome,
    Participant,
    PlanItem,
    Topic,
    TopicType,
)

# --- Topics --------------------------------------------------------------------------------


def focus_areas(organisation) -> QuerySet:
    return FocusArea.objects.filter(organisation=organisation, is_active=True)


def visible_topics(user) -> QuerySet:
    """Accepted topics in the user's scope, and the ones the user proposed."""
    q = access.org_filter(user, "consultation.view")
    if getattr(user, "pk", None) is not None:
        q |= Q(submitted_by_id=user.pk)
    return Topic.objects.filter(q).exclude(status=Topic.Status.PENDING)


def topic_list(user, *, status: str = "", source: str = "", focus_area: str = "") -> QuerySet:
    qs = visible_topics(user).select_related("organisation", "focus_area", "merged_into")
    if status:
        qs = qs.filter(status=status)
    if source:
        qs = qs.filter(source=source)
    if focus_area:
        qs = qs.filter(focus_area_id=focus_area)
    in_plan = PlanItem.objects.filter(topic_id=OuterRef("pk"))
    return qs.annotate(in_plan=Exists(in_plan)).order_by("-created_at", "-id")


def plan_topics(organisation) -> QuerySet:
    """The open topics a plan item of `organisation` may come from (the plan item form's
    choices and its picker)."""
    return Topic.objects.filter(organisation=organisation, status=Topic.Status.OPEN).order_by(
        "-created_at", "-id"
    )


def merge_targets(topic: Topic) -> QuerySet:
    """The open topics `topic` may be merged into (the merge form's choices and its picker)."""
    return (
        Topic.objects.filter(organisation_id=topic.organisation_id, status=Topic.Status.OPEN)
        .exclude(pk=topic.pk)
        .order_by("-created_at", "-id")
    )


def moderation_queue(user) -> QuerySet:
    return (
        access.scope(Topic.objects.all(), user, "consultation.manage")
        .filter(status=Topic.Status.PENDING)
        .select_related("organisation")
        .order_by("created_at", "id")
    )


def similar_topics(topic: Topic, *, limit: int = 5, min_score: float | None = None) -> list:
    """Open and waiting topics of the same organisation most like `topic`, best first:
    [(topic, score)] (`consultation.similarity`)."""
    from .similarity import similar_topics as find

    return find(topic, limit=limit, min_score=min_score)


def topics_by_area(organisation, year: int | None = None) -> list[dict]:
    """C2.1 statistics: topics and plan items per focus area."""
    topic_filter = Q(topics__status__in=[Topic.Status.OPEN, Topic.Status.MERGED])
    item_filter = Q()
    if year:
        topic_filter &= Q(topics__created_at__year=year)
        item_filter = Q(plan_items__plan__year=year)
    rows = (
        FocusArea.objects.filter(organisation=organisation)
        .annotate(
            topic_count=Count("topics", filter=topic_filter, distinct=True),
            item_count=Count("plan_items", filter=item_filter, distinct=True),
        )
        .order_by("sort_order", "id")
    )
    return [{"area": r, "topics": r.topic_count, "items": r.item_count} for r in rows]


# --- Plans ---------------------------------------------------------------------------------


def plan_items(plan: ConsultationPlan) -> list[PlanItem]:
    return list(
        plan.items.select_related("focus_area", "committee", "topic").prefetch_related(
            "departments", "co_organisers"
        )
    )


@dataclass(frozen=True)
class Check:
    key: str
    label: str
    ok: bool
    detail: str


def plan_checks(plan: ConsultationPlan, items: list[PlanItem] | None = None) -> list[Check]:
    """The checks a plan must pass before it goes forward: item count (limit), the
    democratic-supervision share (C2.2) and the number of special consultation activities
    besides plenary and standing committee (C4.9)."""
    if items is None:
        items = list(plan.items.only("topic_type", "form"))
    org = plan.organisation
    max_items = config.get(org, rules.PLAN_MAX_ITEMS)
    min_share = config.get(org, rules.SUPERVISION_MIN_SHARE)
    min_special = config.get(org, rules.MIN_SPECIAL_ACTIVITIES)
    total = len(items)
    supervision = sum(1 for i in items if i.topic_type == TopicType.SUPERVISION)
    share = round(supervision * 100 / total) if total else 0
    special = sum(1 for i in items if i.form not in NOT_SPECIAL_FORMS)
    return [
        Check(
            "items",
            _("计划事项数"),
            0 < total <= max_items,
            _("共%(n)s项，上限%(max)s项。") % {"n": total, "max": max_items},
        ),
        Check(
            "supervision_share",
            _("民主监督议题占比"),
            total > 0 and supervision * 100 >= min_share * total,
            _("民主监督议题%(s)s项，占%(share)s%%，不低于%(min)s%%。")
            % {"s": supervision, "share": share, "min": min_share},
        ),
        Check(
            "special_activities",
            _("专题协商活动次数"),
            special >= min_special,
            _("全会、常委会以外的专题协商活动%(n)s次，不少于%(min)s次。")
            % {"n": special, "min": min_special},
        ),
    ]


def failed_checks(checks: list[Check]) -> list[Check]:
    return [c for c in checks if not c.ok]


def sent_back_with(plan: ConsultationPlan, comments, versions):
    """The send-back comment the plan is waiting on: the step it was returned to reads why
    at the top of the page, until the plan is handed on again (a new version). From the
    page's own lists of comments and versions, no query."""
    from .policies import PREVIOUS

    returned = next((c for c in reversed(comments) if c.is_send_back), None)
    if returned is None or PREVIOUS.get(returned.status) != plan.status:
        return None
    if any(v.created_at > returned.created_at for v in versions):
        return None
    return returned


def mark_hand_overs(plan: ConsultationPlan, versions) -> list:
    """Each version says which way it was handed: `sent_back` when the step it was kept at
    returned it (the next version, or the plan now, is one step back), else forwarded. A
    version's step alone reads the same either way."""
    from .policies import PREVIOUS

    following = [v.status for v in versions[1:]] + [plan.status]
    for version, after in zip(versions, following, strict=False):  # none before a hand-over
        version.sent_back = PREVIOUS.get(version.status) == after
        version.published = after == ConsultationPlan.Status.PUBLISHED
    return versions


def visible_plans(user) -> QuerySet:
    return access.scope(ConsultationPlan.objects.all(), user, "consultation.view")


def plan_list(user) -> QuerySet:
    return (
        visible_plans(user)
        .select_related("organisation")
        .annotate(item_count=Count("items"))
        .order_by("-year", "organisation__path")
    )


# How many years ahead a new plan is suggested: next year, else the one after.
PLAN_YEARS_AHEAD = 2


def plan_free_years(organisations, today: dt.date | None = None) -> dict[int, int]:
    """Organisation id -> the first year from next year on (up to PLAN_YEARS_AHEAD years
    ahead) with no plan yet, else this year if its plan was never drafted (it is drafted
    late); organisations with every such year taken are left out."""
    this_year = (today or timezone.localdate()).year
    years = [*range(this_year + 1, this_year + 1 + PLAN_YEARS_AHEAD), this_year]
    taken = set(
        ConsultationPlan.objects.filter(organisation__in=organisations, year__in=years).values_list(
            "organisation_id", "year"
        )
    )
    free: dict[int, int] = {}
    for org in organisations:
        for year in years:
            if (org.pk, year) not in taken:
                free[org.pk] = year
                break
    return free


def attachable_plan_items(organisations, today: dt.date | None = None) -> QuerySet[PlanItem]:
    """The published plan items a new activity may implement: this year's and, where the
    office planned ahead, those of the years ahead (a planned activity falls in its plan's
    year, so a past year's item would only be chosen by mistake). This year's first, each
    year's in the plan's order (not every year's January items together, then February's)."""
    return (
        PlanItem.objects.filter(
            policies.arrangeable_plans(today, via="plan__"), plan__organisation__in=organisations
        )
        .select_related("plan")
        .order_by("plan__year", "month", "sort_order", "id")
    )


# --- Activities and outcomes ------------------------------------------------------------------


def leader_accounts(organisation) -> QuerySet:
    """The accounts an invited Party/government leader of an activity of `organisation` may
    be linked to: active accounts with a staff role (a role other than 政协委员) in it or
    below it, with their staff roles fetched for the label's unit.

    An account that is also a 政协委员 somewhere is offered all the same: the link lets it
    read this activity and its own row (`policies.can_view_activity` matches the linked
    account whatever its roles), which its member role neither widens nor narrows. An
    account with only the 政协委员 role is not: a member is invited as a member."""
    staff = RoleAssignment.objects.filter(organisation__path__startswith=organisation.path).exclude(
        role=Role.MEMBER
    )
    return (
        User.objects.filter(is_active=True, pk__in=staff.values("user_id"))
        .order_by("full_name", "id")
        .prefetch_related(staff_roles())
    )


def staff_roles(lookup: str = "role_assignments") -> Prefetch:
    """The staff roles `leader_account_label` names the unit by, fetched along `lookup`."""
    return Prefetch(
        lookup,
        queryset=RoleAssignment.objects.exclude(role=Role.MEMBER)
        .select_related("organisation", "department")
        .order_by("id"),
        to_attr="staff_roles",
    )


def leader_account_label(user) -> str:
    """Name, username and unit: two staff may share a name, and the office must tell them
    apart (by the unit when the usernames say nothing)."""
    if not user.full_name:
        return user.username
    roles = getattr(user, "staff_roles", None)
    if roles is None:
        roles = staff_roles().queryset.filter(user=user)
    units = list(
        dict.fromkeys(ra.department.name if ra.department else ra.organisation.name for ra in roles)
    )
    if not units:
        return _("%(name)s（%(username)s）") % {"name": user.full_name, "username": user.username}
    return _("%(name)s（%(username)s，%(unit)s）") % {
        "name": user.full_name,
        "username": user.username,
        "unit": _("、").join(units),
    }


def leader_account_suggestions(activity, participants) -> dict[int, list]:
    """For each invited leader row of `activity` without an account, the staff accounts it
    may be linked to whose full name is the row's name: offered to the office to confirm,
    never linked by themselves (a name does not say which of two namesakes it is)."""
    unlinked = [p for p in participants if p.kind == Participant.Kind.LEADER and not p.user_id]
    if not unlinked:
        return {}
    taken = {p.user_id for p in participants if p.user_id}
    found: dict[str, list] = {}
    accounts = (
        leader_accounts(activity.organisation)
        .filter(full_name__in={p.name for p in unlinked})
        .exclude(pk__in=taken)
    )
    for account in accounts[:200]:
        found.setdefault(account.full_name, []).append(account)
    return {p.pk: found[p.name] for p in unlinked if p.name in found}


def activity_list(user) -> QuerySet:
    return (
        access.scope(Activity.objects.all(), user, "consultation.view")
        .select_related("organisation", "plan_item", "sector")
        .annotate(participant_count=Count("participants"))
        .order_by("-date", "-id")
    )


def outcome_tasks(outcome_ids) -> dict[int, list[Task]]:
    """The follow-up tasks of the given outcomes, by outcome id (one query)."""
    ct = ContentType.objects.get_for_model(Outcome)
    result: dict[int, list[Task]] = {}
    tasks = Task.objects.filter(
        content_type=ct, object_id__in=[str(i) for i in outcome_ids]
    ).select_related("department", "organisation")  # the link asks followups' can_view
    for task in tasks.order_by("id"):
        result.setdefault(int(task.object_id), []).append(task)
    return result


def unfinished_feedback(tasks) -> list[Task]:
    """The outcome's feedback tasks still open (neither closed nor cancelled): the outcome
    is closed only when there are none."""
    return [t for t in tasks if t.status not in (Task.Status.CLOSED, Task.Status.CANCELLED)]


def visible_outcomes(user) -> QuerySet:
    """Outcomes in the user's reading scope; a draft only where the user drafts outcomes
    (`policies.can_view_draft_outcomes`): the committee's working text until submitted."""
    qs = access.scope(Outcome.objects.all(), user, "consultation.view")
    if getattr(user, "is_superuser", False):
        return qs
    return qs.filter(
        ~Q(status=Outcome.Status.DRAFT) | access.org_filter(user, "consultation.activities")
    )


def outcome_list(user, *, status: str = "") -> QuerySet:
    qs = visible_outcomes(user).select_related("organisation", "activity", "activity__plan_item")
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("-created_at", "-id")


def overdue_outcome_tasks(user, today: dt.date | None = None) -> QuerySet:
    today = today or timezone.localdate()
    ct = ContentType.objects.get_for_model(Outcome)
    return (
        access.scope(Task.objects.all(), user, "consultation.view")
        .filter(content_type=ct, status=Task.Status.OPEN, due_date__lt=today)
        .select_related("department", "organisation")  # the link asks followups' can_view
        .order_by("due_date", "id")
    )


# The plan's progress per month is read from the year's summary (`summary.WorkReport.progress`),
# so the dashboard, the big screen and the printed summary count it once.


def key_items(plan: ConsultationPlan) -> QuerySet:
    """Key consultation activities (C2.6) with their activities, for the supervision view."""
    return (
        plan.items.filter(is_key=True)
        .select_related("committee")
        .prefetch_related(
            Prefetch("activities", queryset=Activity.objects.order_by("date")),
        )
    )

"""Reads of follow-up tasks with a fixed number of queries."""

import datetime as dt
from dataclasses import dataclass
from dataclasses import field as dataclass_field

from django.contrib.contenttypes.models import ContentType
from django.db.models import Case, F, IntegerField, Q, QuerySet, Value, When
from django.utils import timezone

from xieshang.core import access, calendar
from xieshang.orgs.models import Level, Role

from . import policies, referrals
from .models import Task


def _view_roles() -> list[str]:
    return [role for role, perms in access.PERMISSIONS.items() if "followups.view" in perms]


def reaches_below(user) -> bool:
    """Whether the user reads tasks of CPPCC committees below their own (a city's or a
    province's staff: `followups.view` reaches down the tree). No query."""
    return any(
        ra.organisation.level in (Level.CITY, Level.PROVINCE)
        for ra in access.assignments(user)
        if "followups.view" in access.PERMISSIONS.get(ra.role, ())
    )


def visible_tasks(user, *, below: bool = True) -> QuerySet:
    """Tasks the user answers for (their departments, their office role), oversees, or
    asked for (`policies.can_view`). `below=False`: of those overseen, only their own
    committee's and its streets', not the committees below, which the user reads but whose
    own office acts on them (their home page's 督办事项, the queue's 仅本级)."""
    q = access.org_filter(user, "followups.view")
    if not below and not getattr(user, "is_superuser", False):
        q = access.role_subtree_q(user, _view_roles(), "organisation__path")
    departments = access.department_ids(user)
    if departments:
        q |= Q(department_id__in=departments)
    for ra in access.assignments(user):
        if ra.department_id and ra.role in access.DEPARTMENT_ROLES:
            continue
        if ra.role != Role.MEMBER:
            q |= Q(
                assignee_role=ra.role, organisation_id=ra.organisation_id, department__isnull=True
            )
    q |= Q(department__leader_user_id=user.pk) | Q(requested_by_id=user.pk)
    return Task.objects.filter(q)


# The tabs on which a Party committee's or government's office is asked to decide: they list
# what it decides (本机关交办) unless it asks for the whole organisation's (全部).
DECIDING_STATES = ("extension", "submitted")


def task_queue(
    user,
    *,
    state: str = "open",
    today: dt.date | None = None,
    own_office: bool = False,
    below: bool = True,
) -> QuerySet:
    """The queue page: overdue first, then by due date. `own_office`: only the tasks the
    user's Party committee's or government's office decides (`decided_by_office`);
    `below=False`: not those of the committees below (`visible_tasks`)."""
    today = today or timezone.localdate()
    qs = visible_tasks(user, below=below).select_related("department", "organisation")
    if own_office:
        qs = decided_by_office(user, qs)
    if state == "open":
        qs = qs.filter(status=Task.Status.OPEN)
    elif state == "overdue":
        qs = qs.filter(status=Task.Status.OPEN, due_date__lt=today)
    elif state == "extension":
        qs = extension_requests(user, qs)
    elif state == "submitted":
        qs = qs.filter(status=Task.Status.SUBMITTED)
    elif state == "closed":
        qs = qs.filter(status__in=[Task.Status.CLOSED, Task.Status.CANCELLED])
    return qs.annotate(
        overdue_rank=Case(
            When(status=Task.Status.OPEN, due_date__lt=today, then=Value(0)),
            default=Value(1),
            output_field=IntegerField(),
        )
    ).order_by("overdue_rank", "due_date", "id")


def decided_by_office(user, tasks: QuerySet) -> QuerySet:
    """Of `tasks`, those the user's Party committee's or government's office decides
    (`policies.can_manage` through `recording_office`): they carry out a leader's instruction
    that office recorded at its node, and are not the office's own to answer. No rows for a
    user who holds neither office; one sub-select, no query of its own."""
    from django.db.models import CharField
    from django.db.models.functions import Cast

    from .models import Instruction

    held = [
        (ra.role, ra.organisation_id)
        for ra in access.assignments(user)
        if ra.role in policies.LEADERS_OFFICES
    ]
    if not held:
        return tasks.none()
    recorded = Q()
    own = Q(department_id__in=access.department_ids(user)) | Q(department__leader_user_id=user.pk)
    for role, organisation_id in held:
        recorded |= Q(recorded_as=role, organisation_id=organisation_id)
        own |= Q(department__isnull=True, assignee_role=role, organisation_id=organisation_id)
    instructions = (
        Instruction.objects.filter(recorded).annotate(key=Cast("pk", CharField())).values("key")
    )
    return tasks.filter(
        kind=Task.Kind.INSTRUCTION,
        content_type=ContentType.objects.get_for_model(Instruction),
        object_id__in=instructions,
    ).exclude(own)


def extension_requests(user, tasks: QuerySet | None = None) -> QuerySet:
    """Tasks with an extension request waiting (待审批延期), each with the date asked for
    (`requested_due`): for whoever decides them (followups.manage), those they decide, which
    is what their home page counts; for a unit, its own requests."""
    from django.db.models import Exists, OuterRef, Subquery

    from .models import Extension

    tasks = visible_tasks(user) if tasks is None else tasks
    pending = Extension.objects.filter(task=OuterRef("pk"), status=Extension.Status.PENDING)
    if access.can(user, "followups.manage"):
        tasks = tasks.filter(access.org_filter(user, "followups.manage"))
    return tasks.filter(Exists(pending)).annotate(
        requested_due=Subquery(pending.values("requested_due")[:1])
    )


def mark_time_left(
    rows, *, running=lambda row: row.status == Task.Status.OPEN, due=lambda row: row.due_date
) -> None:
    """`days_left` on each row for `{% time_left %}`: signed working days from today to its
    deadline `due(row)` (negative when overdue), None when the deadline no longer runs
    (`running(row)` false: an answered task, a proposal no longer in handling). One calendar
    read for the whole page."""
    today = timezone.localdate()
    rows = list(rows)
    live = {id(row) for row in rows if running(row) and due(row) is not None}
    offsets = calendar.working_days_from(today, [due(row) for row in rows if id(row) in live])
    for row in rows:
        row.days_left = offsets[due(row)] if id(row) in live else None


# --- Leaders' instructions (批示, C4.7) for the supervising office -----------------------

INSTRUCTION_STATES = ("open", "overdue", "answered")


def visible_instructions(user) -> QuerySet:
    """Instructions on items of the user's organisations (followups.view), and those that
    name a body the user answers for."""
    from django.contrib.contenttypes.models import ContentType
    from django.db.models import BigIntegerField
    from django.db.models.functions import Cast

    from .models import Instruction

    mine = (
        visible_tasks(user)
        .filter(
            kind=Task.Kind.INSTRUCTION,
            content_type=ContentType.objects.get_for_model(Instruction),
        )
        .annotate(instruction_id=Cast("object_id", BigIntegerField()))
        .values("instruction_id")
    )
    return Instruction.objects.filter(
        access.org_filter(user, "followups.view") | Q(pk__in=mine)
    ).distinct()


def instruction_list(
    user,
    *,
    year: int | None = None,
    state: str = "",
    content_type=None,
    today: dt.date | None = None,
) -> QuerySet:
    from django.contrib.contenttypes.models import ContentType
    from django.db.models import CharField, Exists, OuterRef
    from django.db.models.functions import Cast

    from .models import Instruction

    today = today or timezone.localdate()
    tasks = Task.objects.filter(
        content_type=ContentType.objects.get_for_model(Instruction),
        object_id=Cast(OuterRef("pk"), output_field=CharField()),
    ).exclude(status=Task.Status.CANCELLED)
    open_tasks = tasks.filter(status=Task.Status.OPEN)
    qs = visible_instructions(user).select_related("content_type", "organisation", "created_by")
    if year:
        qs = qs.filter(instructed_on__year=year)
    if content_type is not None:
        qs = qs.filter(content_type=content_type)
    if state == "open":
        qs = qs.filter(Exists(open_tasks))
    elif state == "overdue":
        qs = qs.filter(Exists(open_tasks.filter(due_date__lt=today)))
    elif state == "answered":
        qs = qs.filter(Exists(tasks)).exclude(Exists(open_tasks))
    return qs.prefetch_related("departments").order_by("-instructed_on", "-id")


# --- The department assessment report (C2.6, C4.7) ----------------------------------------

COUNTS = ("due", "on_time", "late", "missing", "pending")


def deadline_counts(today: dt.date) -> dict:
    """The aggregates of `COUNTS` over tasks (cancelled ones excluded by the caller): due,
    answered on time, answered late, missing (overdue and unanswered), not yet due. Every
    report of deadlines (the assessment, the consultation summary) counts with these."""
    from django.db.models import Count
    from django.db.models.functions import TruncDate

    answered = Q(status__in=[Task.Status.SUBMITTED, Task.Status.CLOSED])
    answered_on = TruncDate("submitted_at")
    return {
        "due": Count("id"),
        "on_time": Count(
            "id",
            filter=answered & (Q(submitted_at__isnull=True) | Q(due_date__gte=answered_on)),
        ),
        "late": Count("id", filter=answered & Q(due_date__lt=answered_on)),
        "missing": Count("id", filter=Q(status=Task.Status.OPEN, due_date__lt=today)),
        "pending": Count("id", filter=Q(status=Task.Status.OPEN, due_date__gte=today)),
    }


def on_time_rate(counts: dict) -> int | None:
    """Of the tasks whose deadline has passed: a missing answer counts against the unit as
    much as a late one; tasks not yet due do not count either way."""
    matured = counts["on_time"] + counts["late"] + counts["missing"]
    return round(100 * counts["on_time"] / matured) if matured else None


def committee_work(organisation) -> Q:
    """Tasks of `organisation`'s own committee: its own, and those of the streets and
    communities beneath it, not those of a lower committee (a city's districts report on
    their own). One join each way, whatever the size of the tree."""
    below = [Level.STREET, Level.COMMUNITY]
    return (
        Q(organisation=organisation)
        | Q(organisation__parent=organisation, organisation__level__in=below)
        | Q(
            organisation__parent__parent=organisation,
            organisation__parent__level=Level.STREET,
            organisation__level=Level.COMMUNITY,
        )
    )


def assessment(user, *, year: int, today: dt.date | None = None, organisation=None) -> list[dict]:
    """Per department (or office asked by role): the tasks due in `year` (cancelled ones
    left out), answered on time, answered late, missing (overdue and unanswered) and not yet
    due, in total and by category (followups.assessment); of `organisation`'s committee
    only, if given (`committee_work`). One query."""
    from .assessment import category_of, unit_label

    today = today or timezone.localdate()
    tasks = visible_tasks(user)
    if organisation is not None:
        tasks = tasks.filter(committee_work(organisation))
    rows = (
        tasks.filter(due_date__year=year)
        .exclude(status=Task.Status.CANCELLED)
        .values("department_id", "department__name", "assignee_role", "kind", "content_type_id")
        .annotate(**deadline_counts(today))
        .order_by()
    )
    units: dict[tuple, dict] = {}
    for row in rows:
        key = (row["department_id"] or 0, "" if row["department_id"] else row["assignee_role"])
        unit = units.setdefault(
            key,
            {
                "name": row["department__name"] or unit_label(row["assignee_role"]),
                "total": dict.fromkeys(COUNTS, 0),
                "categories": {},
            },
        )
        category = str(category_of(row["kind"], row["content_type_id"]))
        counts = unit["categories"].setdefault(category, dict.fromkeys(COUNTS, 0))
        for name in COUNTS:
            counts[name] += row[name]
            unit["total"][name] += row[name]
    result = sorted(units.values(), key=lambda u: u["name"])
    for unit in result:
        unit["categories"] = sorted(unit["categories"].items())
        for counts in [unit["total"], *(c for _n, c in unit["categories"])]:
            counts["on_time_rate"] = on_time_rate(counts)
    return result


def _own_node_ids(user, perm: str = "followups.view") -> list[int]:
    return sorted(
        {
            ra.organisation_id
            for ra in access.assignments(user)
            if perm in access.PERMISSIONS.get(ra.role, ())
        }
    )


def referral_queue(user, *, direction: str = "in", state: str = "", content_type=None):
    """上报 (C2.9): what was sent to the user's own nodes ("in"), or what their nodes sent
    up ("out"). Another branch's referrals are never in either."""
    from .models import Referral

    field = "to_organisation" if direction == "in" else "from_organisation"
    qs = Referral.objects.select_related("from_organisation", "to_organisation", "content_type")
    if not getattr(user, "is_superuser", False):
        # Each kind's rows only at the nodes where the user acts on that kind (its office):
        # a supervising office or a Party committee's office, which may not open a
        # 社情民意 item, does not read its title and the parent's return note here either.
        scope = Q(pk__in=[])
        for kind in referrals.kinds():
            nodes = _own_node_ids(user, perm=kind.permission)
            if nodes:
                scope |= Q(
                    content_type=ContentType.objects.get_for_model(kind.model),
                    **{f"{field}_id__in": nodes},
                )
        qs = qs.filter(scope)
    if state:
        qs = qs.filter(state=state)
    if content_type is not None:
        qs = qs.filter(content_type=content_type)
    return qs


RECEIVED_STATES = ("pending", "instructed")


@dataclass
class ReceivedItem:
    """One row of 报送本机关: an item sent or reported to the user's office, the day it went,
    and the instructions recorded on it (all, and those its own office recorded)."""

    target: object
    item: object
    sent_on: dt.date | None
    instructions: list = dataclass_field(default_factory=list)
    ours: int = 0


def _day(value) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return timezone.localdate(value) if timezone.is_aware(value) else value.date()
    return value


def _sent_expression(sent_on, user):
    """A kind's sent day as a query expression: a field name, an expression, or a function of
    the user giving either (an item sent to each office on its own day)."""
    if callable(sent_on) and not hasattr(sent_on, "resolve_expression"):
        sent_on = sent_on(user)
    return F(sent_on) if isinstance(sent_on, str) else sent_on


def received_items(
    user, *, state: str = "", kind: str = "", year: int | None = None
) -> list[ReceivedItem]:
    """报送本机关 · 待批示: what was sent or reported to the Party committee's or government's
    office `user` works in, of every kind that declares it (`instructions.register(received=)`),
    newest first. `state` "pending": no instruction recorded by the user's own office yet;
    "instructed": at least one; `year`: sent that year. Two queries per kind."""
    from .instructions import targets
    from .models import Instruction

    own = {
        (ra.role, ra.organisation_id)
        for ra in access.assignments(user)
        if ra.role in policies.LEADERS_OFFICES
    }
    rows: list[ReceivedItem] = []
    for target in targets():
        if target.received is None or (kind and target.key != kind):
            continue
        if target.sent_on is None and year:
            continue  # no day sent: in no year
        items = target.received(user)
        if target.sent_on is not None:
            sent = _sent_expression(target.sent_on, user)
            # The year in the database: the card and a year's list read that year's items,
            # not every item ever sent.
            items = items.annotate(received_at=sent)
            if year:
                items = items.filter(received_at__year=year)
        items = list(items)
        if not items:
            continue
        by_item: dict[int, list] = {}
        recorded = Instruction.objects.filter(
            content_type=ContentType.objects.get_for_model(target.model),
            object_id__in=[item.pk for item in items],
        ).order_by("instructed_on", "pk")
        for instruction in recorded:
            by_item.setdefault(instruction.object_id, []).append(instruction)
        for item in items:
            found = by_item.get(item.pk, [])
            row = ReceivedItem(
                target=target,
                item=item,
                sent_on=_day(getattr(item, "received_at", None)),
                instructions=found,
                ours=sum((i.recorded_as, i.organisation_id) in own for i in found),
            )
            if (state == "pending" and row.ours) or (state == "instructed" and not row.ours):
                continue
            rows.append(row)
    rows.sort(key=lambda r: (r.sent_on or dt.date.min, r.item.pk), reverse=True)
    return rows

"""Reads of residents' issues with a fixed number of queries: the triage queue, the street
dashboard, the department's list, the statistics (set-based, rolled up along the tree) and
the public steps of one issue."""

import datetime as dt
from dataclasses import dataclass, field

from django.contrib.contenttypes.models import ContentType
from django.db.models import Case, Count, F, IntegerField, Q, QuerySet, Value, When
from django.db.models.functions import Substr
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from xieshang.core import access
from xieshang.core.models import Event
from xieshang.orgs.models import Organisation

from . import policies
from .models import ResidentIssue

S = ResidentIssue.Status
OPEN_STATES = (S.SUBMITTED, S.ACCEPTED, S.AGENDA, S.ROUTED)
# Path segments are fixed width ("000012."), so a node's children are one prefix length.
SEGMENT = 7

QUEUE_STATES = [
    ("waiting", gettext_lazy("待受理")),
    ("open", gettext_lazy("办理中")),
    ("overdue", gettext_lazy("转办逾期")),
    # An answer the resident rated 不满意, waiting for 重新办理 or a reply.
    ("unsatisfied", gettext_lazy("群众不满意")),
    ("done", gettext_lazy("已办结")),
    ("rejected", gettext_lazy("不予受理")),
]


# An answer the resident rated 不满意 (a department's, a direct reply, a settlement), not yet
# handled again or replied to (services.awaiting_review, the same rule).
UNSATISFIED_Q = Q(rating=ResidentIssue.Rating.DISSATISFIED, review_reply="") & (
    Q(status=S.ANSWERED, task__isnull=False) | Q(status__in=[S.CLOSED, S.SETTLED])
)


def _base(qs: QuerySet) -> QuerySet:
    # The grandparent: a community's district, named on a city's or province's rows.
    return qs.select_related("organisation__parent__parent", "department", "task")


def queue(user, *, state: str = "waiting", today: dt.date | None = None) -> QuerySet:
    today = today or timezone.localdate()
    qs = ResidentIssue.objects.filter(policies.visible_q(user))
    if state == "waiting":
        # Spam marks first: the moderator clears them in one go.
        return _base(qs.filter(status=S.SUBMITTED)).order_by("-screen_spam", "-screen_held", "id")
    if state == "open":
        qs = qs.filter(status__in=[S.ACCEPTED, S.AGENDA, S.ROUTED])
    elif state == "overdue":
        qs = overdue(qs, today)
    elif state == "unsatisfied":
        qs = qs.filter(UNSATISFIED_Q)
    elif state == "done":
        qs = qs.filter(status__in=[S.SETTLED, S.ANSWERED, S.TOPIC, S.OPINION, S.CLOSED])
    elif state == "rejected":
        qs = qs.filter(status=S.REJECTED)
    return _base(qs).order_by("-created_at", "-id")


def overdue(qs: QuerySet, today: dt.date | None = None) -> QuerySet:
    today = today or timezone.localdate()
    return qs.filter(status=S.ROUTED, task__status="open", task__due_date__lt=today)


def routed_to(user) -> QuerySet:
    """The department's own list: issues routed to the user's departments, those still to
    answer first (by their deadline), then the answered ones, the latest deadline first: a
    year's answered issues do not push the open ones onto later pages."""
    ids = access.department_ids(user)
    return (
        _base(ResidentIssue.objects.filter(department_id__in=sorted(ids)))
        .annotate(
            answered_rank=Case(
                When(status=S.ROUTED, then=Value(0)), default=Value(1), output_field=IntegerField()
            )
        )
        .order_by(
            "answered_rank",
            Case(When(status=S.ROUTED, then=F("task__due_date"))).asc(),
            F("task__due_date").desc(),
            "id",
        )
    )


def street_dashboard(user, *, today: dt.date | None = None) -> dict:
    """Open issues, overdue routed ones, next sessions and platform status for the streets
    the user triages in."""
    from xieshang.platforms import selectors as platforms

    today = today or timezone.localdate()
    mine = ResidentIssue.objects.filter(policies.triage_q(user))
    counts = mine.aggregate(
        waiting=Count("pk", filter=Q(status=S.SUBMITTED)),
        open=Count("pk", filter=Q(status__in=[S.ACCEPTED, S.AGENDA, S.ROUTED])),
        overdue=Count(
            "pk", filter=Q(status=S.ROUTED, task__status="open", task__due_date__lt=today)
        ),
        unsatisfied=Count("pk", filter=UNSATISFIED_Q),
    )
    return {
        "counts": counts,
        # Answers the resident rated 不满意, waiting for 重新办理 or a reply: listed only
        # when there are some (no query otherwise).
        "unsatisfied_issues": list(
            _base(mine.filter(UNSATISFIED_Q)).order_by("rated_at", "id")[:15]
        )
        if counts["unsatisfied"]
        else [],
        "open_issues": list(
            _base(mine.filter(status__in=OPEN_STATES)).order_by("created_at", "id")[:15]
        ),
        "overdue_issues": list(_base(overdue(mine, today)).order_by("task__due_date", "id")[:15]),
        "sessions": list(platforms.upcoming_for(user, days=60, limit=8)),
        "platforms": list(
            platforms.register(user, year=today.year).filter(policies_platform_q(user))[:30]
        ),
    }


def policies_platform_q(user) -> Q:
    """Platforms in the streets the user triages in (their own liaison or convener scope)."""
    return policies.triage_q(user, "organisation") | Q(convener=user)


def sessions_for(issue: ResidentIssue, *, statuses) -> QuerySet:
    """Sessions of the platforms the issue may go to (`services.platforms_q`)."""
    from xieshang.platforms.models import PlatformSession

    from .services import platforms_q

    return (
        PlatformSession.objects.filter(
            platforms_q(issue.organisation, "platform__"), status__in=statuses
        )
        .select_related("platform")
        .order_by("-starts_at", "-id")
    )


# --- statistics ---------------------------------------------------------------------------------


@dataclass
class Row:
    node: Organisation | None
    label: str
    raised: int = 0
    settled: int = 0
    routed: int = 0
    answered: int = 0  # answered in writing: by a department or by the street itself
    direct: int = 0  # of which the street (or community) answered itself, no department
    on_time: int = 0
    matured: int = 0  # routed issues whose deadline has passed or that were answered
    rated: int = 0
    satisfied: int = 0
    basic: int = 0
    dissatisfied: int = 0
    drill: bool = False
    extra: dict = field(default_factory=dict)

    @property
    def on_time_rate(self) -> str:
        # As every deadline report counts (followups.selectors.on_time_rate): an issue not
        # yet due counts neither way, a missing answer as much as a late one.
        return f"{100 * self.on_time / self.matured:.0f}%" if self.matured else "—"

    @property
    def satisfaction(self) -> str:
        if not self.rated:
            return "—"
        return f"{100 * (self.satisfied + self.basic) / self.rated:.0f}%"


# Answered by the street itself (答复办结, a new reply after a 不满意), no department.
DIRECT_Q = Q(department__isnull=True, status=S.CLOSED, answered_at__isnull=False)


def _figures() -> dict:
    on_time = Q(task__submitted_at__isnull=False) & Q(
        task__submitted_at__date__lte=F("task__due_date")
    )
    matured = Q(task__submitted_at__isnull=False) | Q(
        task__status="open", task__due_date__lt=timezone.localdate()
    )
    return {
        "raised": Count("pk", filter=~Q(status=S.REJECTED)),
        "settled": Count("pk", filter=Q(status=S.SETTLED)),
        "routed": Count("pk", filter=Q(department__isnull=False)),
        # 已答复: every issue the resident got a written answer to, from the department it
        # was routed to or from the street directly (答复办结): the ratings columns count
        # both, so the answers they rate are counted here too. A settlement has its own
        # column; a hand-over to a topic or an opinion is a notice, not an answer.
        "answered": Count(
            "pk", filter=Q(department__isnull=False, answered_at__isnull=False) | DIRECT_Q
        ),
        "direct": Count("pk", filter=DIRECT_Q),
        "on_time": Count("pk", filter=Q(department__isnull=False) & on_time),
        "matured": Count("pk", filter=Q(department__isnull=False) & matured),
        # The resident's rating of the first answer (decisions.md): handling an issue again
        # after a 不满意 does not turn it into a satisfied one here; the later rating is on
        # the issue's page beside it.
        "rated": Count("pk", filter=~Q(first_rating="")),
        "satisfied": Count("pk", filter=Q(first_rating=ResidentIssue.Rating.SATISFIED)),
        "basic": Count("pk", filter=Q(first_rating=ResidentIssue.Rating.BASIC)),
        "dissatisfied": Count("pk", filter=Q(first_rating=ResidentIssue.Rating.DISSATISFIED)),
    }


def statistics(root: Organisation, *, year: int | None = None) -> tuple[Row, list[Row]]:
    """Figures of every child node of `root` (districts of a city, streets of a district,
    communities of a street), each rolled up over its subtree, and the total. Two queries
    for the figures whatever the tree: issues grouped by the path prefix of the child they
    lie under."""
    issues = ResidentIssue.objects.filter(organisation__path__startswith=root.path)
    if year:
        issues = issues.filter(created_at__year=year)
    total = Row(node=root, label=root.name, **issues.aggregate(**_figures()))
    width = len(root.path) + SEGMENT
    grouped = {
        r.pop("bucket"): r
        for r in issues.annotate(bucket=Substr("organisation__path", 1, width))
        .values("bucket")
        .annotate(**_figures())
        .order_by()
    }
    children = list(Organisation.objects.filter(parent=root).order_by("sort_order", "path"))
    rows = []
    for child in children:
        figures = grouped.pop(child.path, {})
        rows.append(Row(node=child, label=child.name, drill=True, **figures))
    own = grouped.pop(root.path, None)
    if own:
        rows.append(Row(node=None, label=_("本级"), **own))
    return total, rows


# --- what the resident sees ---------------------------------------------------------------------

PUBLIC_STEPS = {
    "resident_issue.create": gettext_lazy("事项已登记"),
    "resident_issue.accept": gettext_lazy("已受理"),
    "resident_issue.reject": gettext_lazy("经审核不予受理"),
    # The platform's own name says what it is (幸福社区居民议事会, 城关街道协商议事室):
    # "%(platform)s议事会" read 居民议事会议事会.
    "resident_issue.schedule": gettext_lazy("已列入%(platform)s的议程"),
    "resident_issue.settle": gettext_lazy("已在%(platform)s协商"),
    "resident_issue.route": gettext_lazy("已转%(department)s办理"),
    "resident_issue.answer": gettext_lazy("%(department)s已书面答复"),
    "resident_issue.answer_update": gettext_lazy("承办单位更新了答复"),
    "resident_issue.to_topic": gettext_lazy("已转为政协协商议题"),
    "resident_issue.to_opinion": gettext_lazy("已作为社情民意信息报送"),
    "resident_issue.close": gettext_lazy("已答复办结"),
    "resident_issue.rate": gettext_lazy("您已评价"),
    "resident_issue.rehandle": gettext_lazy("根据您的评价，已交%(department)s重新办理"),
    "resident_issue.rereply": gettext_lazy("根据您的评价，重新作出答复"),
    "resident_issue.reopen": gettext_lazy("根据您的评价，重新受理，将再次协商办理"),
    "resident_issue.review_close": gettext_lazy("对您的评价作出答复，办结"),
}


def public_steps(issue: ResidentIssue) -> list[tuple[dt.datetime, str]]:
    """The steps taken, in public wording: dates and what happened, never who did it or
    the internal notes (one query)."""
    events = Event.objects.filter(
        content_type=ContentType.objects.get_for_model(ResidentIssue),
        object_id=str(issue.pk),
        verb__in=list(PUBLIC_STEPS),
    ).order_by("created_at", "id")
    steps = []
    for event in events:
        data = event.data or {}
        values = {
            "platform": data.get("platform", ""),
            "department": data.get("department", "") or _("承办单位"),
        }
        steps.append((event.created_at, str(PUBLIC_STEPS[event.verb]) % values))
    return steps


def duplicate_of(issue: ResidentIssue, *, own_tickets=()) -> str:
    """For an issue rejected as a duplicate (services.issue_reject), the ticket number of the
    resident's own first issue, for their status page; "" otherwise. Their own: the one
    found by the same mobile number when it was rejected, else one this browser sent
    (`own_tickets`, kept in its session) at the same place before; never its code."""
    if issue.status != S.REJECTED:
        return ""
    event = (
        Event.objects.filter(
            content_type=ContentType.objects.get_for_model(ResidentIssue),
            object_id=str(issue.pk),
            verb="resident_issue.reject",
        )
        .order_by("-created_at", "-id")
        .first()
    )
    data = (event.data or {}) if event else {}
    if not data.get("duplicate"):
        return ""
    if data.get("duplicate_of"):
        earlier = ResidentIssue.objects.filter(pk=data["duplicate_of"]).first()
        return earlier.ticket if earlier else ""
    mine = [t for t in own_tickets if t and t != issue.ticket]
    if not mine:
        return ""
    earlier = (
        ResidentIssue.objects.filter(
            ticket__in=mine,
            organisation_id=issue.organisation_id,
            pk__lt=issue.pk,  # created before it
        )
        .exclude(status=S.REJECTED)
        .order_by("-created_at", "-pk")
        .first()
    )
    return earlier.ticket if earlier else ""


# States whose answer is the outcome of the issue: settled at a session, a department's
# written answer, or answered directly. A topic or opinion "answer" is only a notice that
# the issue went elsewhere, and a rejection has no answer to publish.
PUBLIC_ANSWER_STATES = (S.SETTLED, S.ANSWERED, S.CLOSED)
# Not marked as spam by the screening, or accepted by a person all the same.
PUBLIC_SCREENING_Q = Q(screen_spam=False) | Q(accepted_at__isnull=False)


def public_answers(*, street: Organisation | None = None) -> QuerySet:
    """Issues whose answer the portal publishes, newest answer first: answered, not
    withheld by a triager, and never anything the screening marked as spam that no person
    accepted. A held or spam-marked item that a person accepted and answered is genuine
    (the marks only asked for that look); one answered straight away from the spam list
    (a refusal worded as an answer, say) stays off the portal."""
    qs = (
        ResidentIssue.objects.filter(
            PUBLIC_SCREENING_Q,
            status__in=PUBLIC_ANSWER_STATES,
            answer_public=True,
        )
        .exclude(answer="")
        .select_related("organisation__parent", "department", "platform")
    )
    if street is not None:
        qs = qs.filter(organisation__path__startswith=street.path)
    return qs.order_by(F("answered_at").desc(nulls_last=True), "-id")

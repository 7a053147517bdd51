"""社情民意信息工作年度综述: the numbers of one year's social-conditions work, in one place.

`opinion_summary(organisation, year)` counts the items of an organisation and everything
below it; `user_summary(user, year)` counts the same figures over every organisation the
user may see (the statistics page). Both build `Summary` through `_summary`, and the
statistics chart, the big-screen panel and the roll-up page read their totals from here (or
from the same aggregate expressions, `RECEIVED`/`ACCEPTED`), so the yearly summary, the
dashboard and the printed document can never disagree.

Every figure counts items (篇), not authors: an item written by two members is one item.
An item belongs to the year it was written in (`Opinion.year`); the bulletin issues counted
are those published in that year. Drafts are never counted.

Queries: six, whatever the number of items (one aggregate over the items, adoptions by
level and mode, issues, instructions, their feedback tasks, the top contributors), plus the
two content types on their first lookup in the process (then cached).
"""

import datetime as dt
from dataclasses import dataclass, field

from django.contrib.contenttypes.models import ContentType
from django.db.models import CharField, Count, Exists, OuterRef, Q
from django.db.models.functions import Cast
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from xieshang.core import access
from xieshang.core.text import rate
from xieshang.followups.models import Instruction, Referral, Task
from xieshang.members.models import Member

from .models import Adoption, AdoptionLevel, Issue, Opinion

S = Opinion.Status
ACCEPTED_STATES = [S.ACCEPTED, S.PUBLISHED, S.REPORTED]
PENDING_STATES = [S.SUBMITTED, S.RETURNED]
# The aggregates the roll-up page groups per subtree (core.tree): the same definitions.
RECEIVED = Count("pk")
ACCEPTED = Count("pk", filter=Q(status__in=ACCEPTED_STATES))
TOP_CONTRIBUTORS = 10


@dataclass(frozen=True)
class LevelRow:
    """Items adopted at one level: in all, on their own (单独采用) and by forwarding (转报)."""

    level: str
    label: str
    items: int
    standalone: int
    forwarded: int


@dataclass(frozen=True)
class Contributor:
    pk: int
    name: str
    adopted: int  # items adopted at some level
    accepted: int  # items accepted for publication (录用编发)


@dataclass
class Summary:
    organisation: object  # None for a user's whole scope
    year: int
    as_of: dt.date
    received: int = 0
    by_source: list[tuple[str, str, int]] = field(default_factory=list)
    accepted: int = 0
    published: int = 0
    rejected: int = 0
    merged: int = 0  # merged into another item on the same matter (合并)
    pending: int = 0
    issues: int = 0
    reported_up: int = 0
    # Items of the nodes below the organisation (its summary counts its whole subtree):
    # the opening sentence then says so, lest a city's report claim a district's items.
    from_lower: int = 0
    reported_party: int = 0
    reported_government: int = 0
    adopted: int = 0
    levels: list[LevelRow] = field(default_factory=list)
    instructed: int = 0
    instructions: int = 0
    tasks: int = 0
    tasks_answered: int = 0  # written feedback given (已反馈 or 已办结)
    tasks_closed: int = 0
    tasks_open: int = 0
    tasks_overdue: int = 0
    contributors: list[Contributor] = field(default_factory=list)

    @property
    def accepted_rate(self) -> float | None:
        """录用编发率: items accepted for publication over items received."""
        return rate(self.accepted, self.received)

    @property
    def adoption_rate(self) -> float | None:
        """被采用率: items adopted at some level over items received."""
        return rate(self.adopted, self.received)

    @property
    def sources_given(self) -> list[tuple[str, str, int]]:
        """The sources that sent items this year: the sentence's "其中" goes before the first
        of them, whichever it is (not only before members' items)."""
        return [row for row in self.by_source if row[2]]

    @property
    def levels_given(self) -> list[LevelRow]:
        """The levels that adopted items, for the sentence's "其中" (as `sources_given`)."""
        return [row for row in self.levels if row.items]

    def level(self, value: str) -> LevelRow:
        return next(row for row in self.levels if row.level == value)

    def table(self) -> list[tuple[str, int, float | None]]:
        """The summary's table: (item, count, percentage or None), in the document's order."""
        rows = [(_("收到社情民意信息"), self.received, None)]
        for _value, label, n in self.by_source:
            rows.append((_("其中：%(source)s报送") % {"source": label}, n, rate(n, self.received)))
        rows += [
            (_("录用编发"), self.accepted, self.accepted_rate),
            (_("已编入期刊"), self.published, rate(self.published, self.received)),
            (_("编发期刊（期）"), self.issues, None),
            (_("不予录用"), self.rejected, rate(self.rejected, self.received)),
            # Shown when it happened: most years merge nothing.
            *(
                [(_("合并到其他信息"), self.merged, rate(self.merged, self.received))]
                if self.merged
                else []
            ),
            (_("尚在审核"), self.pending, rate(self.pending, self.received)),
            (
                pgettext("opinions reported", "报送上级政协"),
                self.reported_up,
                rate(self.reported_up, self.received),
            ),
            (
                pgettext("opinions reported", "报送党委"),
                self.reported_party,
                rate(self.reported_party, self.received),
            ),
            (
                pgettext("opinions reported", "报送政府"),
                self.reported_government,
                rate(self.reported_government, self.received),
            ),
            (_("被采用"), self.adopted, self.adoption_rate),
        ]
        rows += [
            (_("%(level)s采用") % {"level": row.label}, row.items, None) for row in self.levels
        ]
        rows += [
            (_("获领导批示"), self.instructed, rate(self.instructed, self.received)),
            (_("领导批示（件次）"), self.instructions, None),
            (_("批示落实任务"), self.tasks, None),
            (_("已书面反馈"), self.tasks_answered, rate(self.tasks_answered, self.tasks)),
            (_("其中已办结"), self.tasks_closed, rate(self.tasks_closed, self.tasks)),
            (_("尚未反馈"), self.tasks_open, rate(self.tasks_open, self.tasks)),
            (_("其中已超期"), self.tasks_overdue, rate(self.tasks_overdue, self.tasks)),
        ]
        return rows


def _summary(organisation, year: int, items_q: Q, issues_q: Q, as_of: dt.date) -> Summary:
    items = Opinion.objects.filter(items_q, year=year).exclude(status=S.DRAFT)
    opinion_type = ContentType.objects.get_for_model(Opinion)
    referred = Referral.objects.filter(content_type=opinion_type, object_id=OuterRef("pk"))
    instructed = Instruction.objects.filter(content_type=opinion_type, object_id=OuterRef("pk"))
    flags = {
        "is_referred": Exists(referred),
        "is_instructed": Exists(instructed),
        "is_adopted": Exists(Adoption.objects.filter(opinion=OuterRef("pk"))),
    }
    for value in AdoptionLevel.values:
        flags[f"is_{value}"] = Exists(Adoption.objects.filter(opinion=OuterRef("pk"), level=value))
    aggregates = {
        "received": RECEIVED,
        "accepted": ACCEPTED,
        "published": Count("pk", filter=Q(issue__isnull=False)),
        "rejected": Count("pk", filter=Q(status=S.REJECTED)),
        "merged": Count("pk", filter=Q(status=S.MERGED)),
        "pending": Count("pk", filter=Q(status__in=PENDING_STATES)),
        "reported_up": Count("pk", filter=Q(is_referred=True)),
        "reported_party": Count("pk", filter=Q(reported_to_party=True)),
        "reported_government": Count("pk", filter=Q(reported_to_government=True)),
        "adopted": Count("pk", filter=Q(is_adopted=True)),
        "instructed": Count("pk", filter=Q(is_instructed=True)),
    }
    if organisation is not None:
        aggregates["from_lower"] = Count("pk", filter=~Q(organisation_id=organisation.pk))
    for value in Opinion.SourceType.values:
        aggregates[f"source_{value}"] = Count("pk", filter=Q(source_type=value))
    for value in AdoptionLevel.values:
        aggregates[f"level_{value}"] = Count("pk", filter=Q(**{f"is_{value}": True}))
    found = items.annotate(**flags).aggregate(**aggregates)

    # Adoption rows are unique per item, level and mode: a row is an item.
    by_mode = {
        (row["level"], row["mode"]): row["n"]
        for row in Adoption.objects.filter(opinion__in=items.values("pk"))
        .values("level", "mode")
        .annotate(n=Count("pk"))
        .order_by()
    }
    levels = [
        LevelRow(
            level=value,
            label=str(label),
            items=found[f"level_{value}"],
            standalone=by_mode.get((value, Adoption.Mode.STANDALONE), 0),
            forwarded=by_mode.get((value, Adoption.Mode.FORWARDED), 0),
        )
        for value, label in AdoptionLevel.choices
    ]

    issues = Issue.objects.filter(issues_q, year=year).count()

    instructions = Instruction.objects.filter(
        content_type=opinion_type, object_id__in=items.values("pk")
    )
    instruction_count = instructions.count()
    instruction_type = ContentType.objects.get_for_model(Instruction)
    T = Task.Status
    tasks = Task.objects.filter(
        content_type=instruction_type,
        object_id__in=instructions.annotate(key=Cast("pk", CharField())).values("key"),
    ).exclude(status=T.CANCELLED)
    task_counts = tasks.aggregate(
        total=Count("pk"),
        answered=Count("pk", filter=Q(status__in=[T.SUBMITTED, T.CLOSED])),
        closed=Count("pk", filter=Q(status=T.CLOSED)),
        open=Count("pk", filter=Q(status=T.OPEN)),
        overdue=Count("pk", filter=Q(status=T.OPEN, due_date__lt=as_of)),
    )

    in_year = Q(opinions__in=items.values("pk"))
    contributors = [
        Contributor(pk=row["pk"], name=row["name"], adopted=row["adopted"], accepted=row["acc"])
        # Only the year's authors are grouped, not every member of the province.
        for row in Member.objects.filter(
            pk__in=Opinion.authors.through.objects.filter(opinion__in=items.values("pk")).values(
                "member_id"
            )
        )
        .annotate(
            adopted=Count(
                "opinions", filter=in_year & Q(opinions__adoptions__isnull=False), distinct=True
            ),
            acc=Count(
                "opinions", filter=in_year & Q(opinions__status__in=ACCEPTED_STATES), distinct=True
            ),
        )
        .filter(adopted__gt=0)
        .order_by("-adopted", "-acc", "stroke_key", "id")
        .values("pk", "name", "adopted", "acc")[:TOP_CONTRIBUTORS]
    ]

    return Summary(
        organisation=organisation,
        year=year,
        as_of=as_of,
        received=found["received"],
        by_source=[
            (value, str(label), found[f"source_{value}"])
            for value, label in Opinion.SourceType.choices
        ],
        accepted=found["accepted"],
        published=found["published"],
        rejected=found["rejected"],
        merged=found["merged"],
        pending=found["pending"],
        issues=issues,
        reported_up=found["reported_up"],
        from_lower=found.get("from_lower") or 0,
        reported_party=found["reported_party"],
        reported_government=found["reported_government"],
        adopted=found["adopted"],
        levels=levels,
        instructed=found["instructed"],
        instructions=instruction_count,
        tasks=task_counts["total"],
        tasks_answered=task_counts["answered"],
        tasks_closed=task_counts["closed"],
        tasks_open=task_counts["open"],
        tasks_overdue=task_counts["overdue"],
        contributors=contributors,
    )


def opinion_summary(organisation, year: int, *, as_of: dt.date | None = None) -> Summary:
    """The year's figures for `organisation` and every organisation below it."""
    subtree = Q(organisation__path__startswith=organisation.path)
    return _summary(organisation, year, subtree, subtree, as_of or timezone.localdate())


def user_summary(user, year: int, *, as_of: dt.date | None = None) -> Summary:
    """The same figures over every organisation where `user` may see opinions statistics."""
    scope = access.org_filter(user, "opinions.view")
    return _summary(None, year, scope, scope, as_of or timezone.localdate())

"""年度协商工作情况总结: the figures of one year of consultation work of an organisation and
everything below it, read once and shown everywhere the same number appears — the summary
page and its PDF, the dashboard's progress table and chart, the big-screen panel.

`work_report(organisation, year)` is lazy: each section is one grouped query, run when it is
first read, so the dashboard pays only for the plan items it shows and the whole summary
takes a fixed number of queries whatever the number of rows (see `QUERIES`).

Scope: plans of the year of the organisation and its subtree; activities dated in the year;
topics received in the year; outcomes of the year's activities; follow-up tasks (minutes,
written feedback on outcomes, leaders' instructions on outcomes, key-activity
implementation) due in the year, counted as the department assessment counts them
(`followups.selectors.deadline_counts`).
"""

import datetime as dt
from dataclasses import dataclass, field
from functools import cached_property

from django.contrib.contenttypes.models import ContentType
from django.db.models import (
    BooleanField,
    Count,
    Exists,
    ExpressionWrapper,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
)
from django.utils import timezone
from django.utils.translation import gettext as _

from xieshang.followups.models import Instruction, Task
from xieshang.followups.selectors import COUNTS, deadline_counts, on_time_rate

from .models import (
    Activity,
    ActivityForm,
    ConsultationPlan,
    Outcome,
    Participant,
    PlanItem,
    Speech,
    Topic,
)

# The most queries a whole summary takes (content types cached or not).
QUERIES = 15


def activities_of_year(year: int) -> QuerySet:
    """The activities of a year: the one definition the summary and the roll-up (tree) use."""
    return Activity.objects.filter(date__year=year)


def held_activities_of_year(year: int) -> QuerySet:
    return activities_of_year(year).filter(status=Activity.Status.HELD)


def _row(rows: dict, cls, code: str):
    """The row of `code`; a value no longer among the model's choices (older data) gets a
    row of its own under its stored value, so that the totals stay exact."""
    if code not in rows:
        rows[code] = cls(code, code)
    return rows[code]


@dataclass
class FormRow:
    """One form of consultation: plan items and how far they got, and ad hoc activities."""

    form: str
    label: str
    planned: int = 0
    held: int = 0
    preparing: int = 0
    unscheduled: int = 0
    adhoc_held: int = 0

    def cells(self) -> tuple:
        return (
            self.label,
            self.planned,
            self.held,
            self.preparing,
            self.unscheduled,
            self.adhoc_held,
        )


@dataclass
class PlanRow:
    plan: ConsultationPlan
    planned: int = 0
    held: int = 0
    key: int = 0


@dataclass
class TopicRow:
    source: str
    label: str
    received: int = 0
    accepted: int = 0
    in_plan: int = 0


@dataclass
class OutcomeRow:
    kind: str
    label: str
    drafted: int = 0
    sent: int = 0
    decided: int = 0
    closed: int = 0
    in_progress: int = 0


@dataclass
class FeedbackRow:
    label: str
    counts: dict = field(default_factory=lambda: dict.fromkeys(COUNTS, 0))

    @property
    def on_time_rate(self) -> int | None:
        return on_time_rate(self.counts)


@dataclass
class WorkReport:
    organisation: object
    year: int
    as_of: dt.date

    def _tree(self, prefix: str = "organisation") -> Q:
        return Q(**{f"{prefix}__path__startswith": self.organisation.path})

    # --- The annual plan ---------------------------------------------------------------

    @cached_property
    def plans(self) -> list[ConsultationPlan]:
        """The year's plans of the organisation and below, the organisation's own first."""
        plans = ConsultationPlan.objects.filter(self._tree(), year=self.year).select_related(
            "organisation"
        )
        return sorted(plans, key=lambda p: p.organisation.path)

    @property
    def own_plan(self) -> ConsultationPlan | None:
        return next((p for p in self.plans if p.organisation_id == self.organisation.pk), None)

    @cached_property
    def _items(self) -> list[dict]:
        """Every plan item of the year below the organisation, with whether an activity is
        arranged for it and whether one has been held (one query)."""
        activities = Activity.objects.filter(plan_item_id=OuterRef("pk"))
        return list(
            PlanItem.objects.filter(self._tree("plan__organisation"), plan__year=self.year)
            .annotate(
                done=Exists(activities.filter(status=Activity.Status.HELD)),
                scheduled=Exists(activities),
            )
            .values("plan_id", "month", "form", "is_key", "done", "scheduled")
        )

    def progress(self, plan_id: int | None = None) -> list[dict]:
        """Per month: planned items, those with an activity held, key items — of one plan,
        or of every plan of the year below the organisation."""
        months = {m: {"month": m, "planned": 0, "held": 0, "key": 0} for m in range(1, 13)}
        for row in self._items:
            if plan_id is not None and row["plan_id"] != plan_id:
                continue
            entry = months[row["month"]]
            entry["planned"] += 1
            entry["held"] += 1 if row["done"] else 0
            entry["key"] += 1 if row["is_key"] else 0
        return list(months.values())

    def plan_rows(self) -> list[PlanRow]:
        rows = {p.pk: PlanRow(p) for p in self.plans}
        for item in self._items:
            row = rows[item["plan_id"]]
            row.planned += 1
            row.held += 1 if item["done"] else 0
            row.key += 1 if item["is_key"] else 0
        return list(rows.values())

    def plans_table(self) -> list[tuple]:
        """(organisation, plan state, approval date in the reader's language, items, held,
        key) per plan."""
        from xieshang.core.text import reader_date

        return [
            (
                r.plan.organisation.name,
                r.plan.get_status_display(),
                reader_date(r.plan.approved_on) or "—",
                r.planned,
                r.held,
                r.key,
            )
            for r in self.plan_rows()
        ]

    @property
    def own_row(self) -> PlanRow | None:
        own = self.own_plan
        return next((r for r in self.plan_rows() if r.plan is own), None) if own else None

    @property
    def planned(self) -> int:
        return len(self._items)

    @property
    def planned_held(self) -> int:
        return sum(1 for i in self._items if i["done"])

    @property
    def planned_key(self) -> int:
        return sum(1 for i in self._items if i["is_key"])

    # --- Activities ----------------------------------------------------------------------

    @cached_property
    def _activities(self) -> list[dict]:
        return list(
            activities_of_year(self.year)
            .filter(self._tree())
            .annotate(
                adhoc=ExpressionWrapper(Q(plan_item__isnull=True), output_field=BooleanField())
            )
            .values("form", "status", "adhoc")
            .annotate(n=Count("id"))
            .order_by()
        )

    @cached_property
    def forms(self) -> list[FormRow]:
        """Per form of consultation (C2.8), in the model's order."""
        rows = {code: FormRow(code, str(label)) for code, label in ActivityForm.choices}
        for item in self._items:
            row = _row(rows, FormRow, item["form"])
            row.planned += 1
            if item["done"]:
                row.held += 1
            elif item["scheduled"]:
                row.preparing += 1
            else:
                row.unscheduled += 1
        for a in self._activities:
            if a["adhoc"] and a["status"] == Activity.Status.HELD:
                _row(rows, FormRow, a["form"]).adhoc_held += a["n"]
        return list(rows.values())

    def forms_table(self) -> list[tuple]:
        """The table of activities by form, a total row last."""
        rows = [r.cells() for r in self.forms]
        total = (_("合计"), *(sum(r[i] for r in rows) for i in range(1, 6)))
        return [*rows, total]

    @property
    def held(self) -> int:
        """Activities held in the year (plan and ad hoc) — the roll-up page's number."""
        return sum(a["n"] for a in self._activities if a["status"] == Activity.Status.HELD)

    @property
    def held_adhoc(self) -> int:
        return sum(
            a["n"] for a in self._activities if a["status"] == Activity.Status.HELD and a["adhoc"]
        )

    # --- Participation -------------------------------------------------------------------

    @cached_property
    def participation(self) -> dict:
        """Attendance at the year's held activities and the speeches made there (two
        queries)."""
        held = Q(activity__status=Activity.Status.HELD, activity__date__year=self.year)
        held &= self._tree("activity__organisation")
        attended = Q(attendance=Participant.Attendance.ATTENDED)
        member = attended & Q(kind=Participant.Kind.MEMBER)
        figures = Participant.objects.filter(held).aggregate(
            member_times=Count("id", filter=member),
            members=Count("member", filter=member, distinct=True),
            leaders=Count("id", filter=attended & Q(kind=Participant.Kind.LEADER)),
            department_heads=Count(
                "id", filter=attended & Q(kind=Participant.Kind.DEPARTMENT_HEAD)
            ),
        )
        figures.update(
            Speech.objects.filter(held).aggregate(
                speeches=Count("id"),
                member_speeches=Count("id", filter=Q(member__isnull=False)),
            )
        )
        return figures

    # --- Topics --------------------------------------------------------------------------

    @cached_property
    def topics(self) -> list[TopicRow]:
        """Topics received in the year by source (C2.3): accepted into the topic library
        (open or merged) and taken into a plan. Spam caught by the portal is not counted."""
        rows = {code: TopicRow(code, str(label)) for code, label in Topic.Source.choices}
        accepted = [Topic.Status.OPEN, Topic.Status.MERGED]
        found = (
            Topic.objects.filter(self._tree(), created_at__year=self.year, screen_spam=False)
            .annotate(in_plan=Exists(PlanItem.objects.filter(topic_id=OuterRef("pk"))))
            .values("source")
            .annotate(
                received=Count("id"),
                accepted=Count("id", filter=Q(status__in=accepted)),
                taken=Count("id", filter=Q(in_plan=True)),
            )
            .order_by()
        )
        for r in found:
            row = _row(rows, TopicRow, r["source"])
            row.received, row.accepted, row.in_plan = r["received"], r["accepted"], r["taken"]
        return list(rows.values())

    def topics_table(self) -> list[tuple]:
        return [
            (r.label, r.received, r.accepted, r.in_plan) for r in [*self.topics, self.topic_total]
        ]

    # --- Outcomes ------------------------------------------------------------------------

    def _outcomes(self) -> QuerySet:
        return Outcome.objects.filter(self._tree(), activity__date__year=self.year)

    @cached_property
    def outcomes(self) -> list[OutcomeRow]:
        """Outcomes of the year's activities by kind (C2.7): drafted, sent, decided (plan
        outcomes), closed after written feedback, still in the decision or feedback step."""
        S = Outcome.Status
        rows = {code: OutcomeRow(code, str(label)) for code, label in Outcome.Kind.choices}
        found = (
            self._outcomes()
            .values("kind")
            .annotate(
                drafted=Count("id"),
                sent=Count("id", filter=~Q(status=S.DRAFT)),
                # A plan outcome decided and now awaiting its units' feedback is decided too
                # (and in progress until they answer).
                decided=Count("id", filter=Q(decided_on__isnull=False)),
                closed=Count("id", filter=Q(status=S.CLOSED)),
                in_progress=Count(
                    "id", filter=Q(status__in=[S.SUBMITTED, S.IN_DECISION, S.AWAITING_FEEDBACK])
                ),
            )
            .order_by()
        )
        for r in found:
            row = _row(rows, OutcomeRow, r["kind"])
            for name in ("drafted", "sent", "decided", "closed", "in_progress"):
                setattr(row, name, r[name])
        return list(rows.values())

    @property
    def outcome_total(self) -> OutcomeRow:
        total = OutcomeRow("", _("合计"))
        for row in self.outcomes:
            for name in ("drafted", "sent", "decided", "closed", "in_progress"):
                setattr(total, name, getattr(total, name) + getattr(row, name))
        return total

    @property
    def topic_total(self) -> TopicRow:
        total = TopicRow("", _("合计"))
        for row in self.topics:
            total.received += row.received
            total.accepted += row.accepted
            total.in_plan += row.in_plan
        return total

    def outcomes_table(self) -> list[tuple]:
        return [
            (r.label, r.drafted, r.sent, r.decided, r.closed, r.in_progress)
            for r in [*self.outcomes, self.outcome_total]
        ]

    @cached_property
    def _instructions(self) -> list[tuple[int, int]]:
        """(instruction id, outcome id) of leaders' instructions (批示, C4.7) on the year's
        outcomes, recorded through followups.Instruction."""
        ct = ContentType.objects.get_for_model(Outcome)
        return list(
            Instruction.objects.filter(
                content_type=ct, object_id__in=self._outcomes().values("pk")
            ).values_list("pk", "object_id")
        )

    @property
    def instructions(self) -> int:
        return len(self._instructions)

    @property
    def instructed_outcomes(self) -> int:
        return len({outcome for _pk, outcome in self._instructions})

    # --- Implementation feedback (C2.6, C2.7) --------------------------------------------

    @cached_property
    def feedback(self) -> list[FeedbackRow]:
        """Follow-up tasks due in the year, per kind of subject: the minutes reminder, the
        written feedback asked on outcomes, the implementation of leaders' instructions on
        outcomes, the implementation of key activities. Cancelled tasks are left out."""
        cts = ContentType.objects.get_for_models(Activity, Outcome, Instruction, PlanItem)
        labels = {
            cts[Activity].pk: _("协商纪要报送"),
            cts[Outcome].pk: _("协商成果书面反馈"),
            cts[Instruction].pk: _("成果批示落实"),
            cts[PlanItem].pk: _("重点协商活动落实"),
        }
        subjects = (
            Q(content_type=cts[Activity], kind=Task.Kind.OUTCOME)
            | Q(content_type=cts[Outcome])
            | Q(content_type=cts[PlanItem], kind=Task.Kind.IMPLEMENTATION)
        )
        instruction_ids = [str(pk) for pk, _o in self._instructions]
        if instruction_ids:
            subjects |= Q(content_type=cts[Instruction], object_id__in=instruction_ids)
        found = (
            Task.objects.filter(self._tree(), subjects, due_date__year=self.year)
            .exclude(status=Task.Status.CANCELLED)
            .values("content_type_id")
            .annotate(**deadline_counts(self.as_of))
            .order_by()
        )
        rows = {ct_id: FeedbackRow(str(label)) for ct_id, label in labels.items()}
        for r in found:
            rows[r["content_type_id"]].counts = {name: r[name] for name in COUNTS}
        return list(rows.values())

    @property
    def feedback_total(self) -> FeedbackRow:
        total = FeedbackRow(_("合计"))
        for row in self.feedback:
            for name in COUNTS:
                total.counts[name] += row.counts[name]
        return total

    def feedback_table(self) -> list[tuple]:
        """(item, due, on time, late, missing, not yet due, on-time rate or None)."""
        return [
            (r.label, *(r.counts[name] for name in COUNTS), r.on_time_rate)
            for r in [*self.feedback, self.feedback_total]
        ]

    # --- Key activities -------------------------------------------------------------------

    @cached_property
    def key_items(self) -> list[PlanItem]:
        """The year's key consultation activities (C2.6) with their activities (two
        queries)."""
        return list(
            PlanItem.objects.filter(
                self._tree("plan__organisation"), plan__year=self.year, is_key=True
            )
            .select_related("plan__organisation")
            .prefetch_related(Prefetch("activities", queryset=Activity.objects.order_by("date")))
            .order_by("month", "plan__organisation__path", "sort_order", "id")
        )


def work_report(organisation, year: int, *, as_of: dt.date | None = None) -> WorkReport:
    return WorkReport(organisation=organisation, year=year, as_of=as_of or timezone.localdate())

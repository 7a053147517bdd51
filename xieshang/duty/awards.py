"""Annual commendation (C5.8): candidate lists for the six award types computed from the
records, each candidate with the rule that put it there, and the round's transitions.

    candidates(organisation, year)              -> {award type: [Candidate, …]}
    commendation_propose(...)                   office: the proposed awardees (draft)
    commendation_submit(...)                    office: to the chairman's meeting
    commendation_approve / commendation_return  chairman's meeting (Role.CHAIR)
    commendation_publish(...)                   office: on the portal, with the decision

Every threshold is a configurable rule (`orgs.config`), so an office can tighten or relax
a list without a code change. The candidate lists only propose: people decide.
"""

import re
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, F, Min, Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.utils.translation import gettext_noop as N_

from xieshang.core import access
from xieshang.core.audit import StaleEdit, TransitionError, lock, record_event, transition
from xieshang.core.notifications import notify, settle
from xieshang.core.phrases import Phrase
from xieshang.core.text import stroke_sort_key
from xieshang.orgs import config
from xieshang.orgs.models import Role

from . import rules, selectors
from .award_models import Award, AwardType, Commendation
from .models import DutyKind, DutyRecord

S = Commendation.Status
T = AwardType

# --- Configurable thresholds (documented defaults) -------------------------------------------
PERCENT = {"minimum": 0, "maximum": 100}
COUNT = {"minimum": 1, "maximum": 100}  # proposals or answers a year
GROUP_MIN_AVERAGE = config.define(
    "duty.award_group_min_average",
    80,
    gettext_lazy("先进委员活动组：组内委员平均履职得分不低于"),
    **rules.SCORE,
)
GROUP_MIN_SHARE = config.define(
    "duty.award_group_min_share",
    80,
    gettext_lazy("先进委员活动组、优秀组长：组内达到最低履职要求的委员占比不低于（%）"),
    **PERCENT,
)
LEADER_MIN_AVERAGE = config.define(
    "duty.award_leader_min_average",
    75,
    gettext_lazy("优秀组长：所在活动组平均履职得分不低于"),
    **rules.SCORE,
)
PROPOSER_MIN_PROPOSALS = config.define(
    "duty.award_proposer_min_proposals",
    1,
    gettext_lazy("优秀提案委员：年度第一提案人提案不少于（件）"),
    **COUNT,
)
DEPARTMENT_MIN_ON_TIME = config.define(
    "duty.award_department_min_on_time",
    90,
    gettext_lazy("提案办理先进单位：按时办复率不低于（%）"),
    **PERCENT,
)
DEPARTMENT_MIN_SATISFACTION = config.define(
    "duty.award_department_min_satisfaction",
    90,
    gettext_lazy("提案办理先进单位：委员对办理结果满意率不低于（%）"),
    **PERCENT,
)
HANDLER_MIN_ANSWERS = config.define(
    "duty.award_handler_min_answers",
    2,
    gettext_lazy("先进承办个人：年度答复提案不少于（件）"),
    **COUNT,
)
HANDLER_MIN_ON_TIME = config.define(
    "duty.award_handler_min_on_time",
    100,
    gettext_lazy("先进承办个人：按时答复率不低于（%）"),
    **PERCENT,
)
HANDLER_MIN_SATISFACTION = config.define(
    "duty.award_handler_min_satisfaction",
    90,
    gettext_lazy("先进承办个人：委员对办理结果满意率不低于（%）"),
    **PERCENT,
)


# A group that held no activity in the year is never proposed, whatever its members'
# scores: at least one; by default 4, one a quarter, as local rules on 委员活动组 ask.
GROUP_MIN_ACTIVITIES = config.define(
    "duty.award_group_min_activities",
    4,
    gettext_lazy("先进委员活动组、优秀组长：活动组年度开展活动不少于（次）"),
    minimum=1,
    maximum=365,
)

# Where the activities each group held come from: the apps that record them register a
# counter (meetings does, for its 委员活动小组活动), since duty sits below them and cannot
# import them. A counter is `fn(organisation, year) -> {group id: activities held}`.
GROUP_ACTIVITY_SOURCES: list[Callable] = []


def register_group_activities(source: Callable) -> Callable:
    if source not in GROUP_ACTIVITY_SOURCES:
        GROUP_ACTIVITY_SOURCES.append(source)
    return source


def group_activities(organisation, year: int) -> dict[int, int]:
    held: dict[int, int] = defaultdict(int)
    for source in GROUP_ACTIVITY_SOURCES:
        for group_id, n in source(organisation, year).items():
            held[group_id] += n
    return held


@dataclass
class Candidate:
    award_type: str
    ref: str  # "member:12", "group:3", "department:7", "user:40"
    name: str
    unit: str
    rule: str  # the figures against the thresholds that put the candidate on the list
    member_id: int | None = None
    group_id: int | None = None
    department_id: int | None = None
    user_id: int | None = None

    @property
    def key(self) -> str:
        """A form-field-safe key: "member-member-12"."""
        return f"{self.award_type}-{self.ref.replace(':', '-')}"


def _pct(part: int, whole: int) -> Decimal | None:
    if not whole:
        return None
    return (Decimal(100) * part / whole).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def _num(value) -> str:
    """96.50 → "96.5", 90.0 → "90"."""
    value = Decimal(value).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP).normalize()
    return f"{value:f}"


def candidates(organisation, year: int) -> dict[str, list[Candidate]]:
    """Every award type's candidates for `organisation` and `year`, best first.

    Fixed number of queries whatever the size: the evaluation rows (scores of every seated
    member), the groups, the first-proposer counts, the department figures and two grouped
    queries for the handlers, plus one read per configurable rule."""
    rows = selectors.evaluation_rows(organisation, year)
    seat_of = {m.member_id: (m, score) for m, score in rows}
    out = {t: [] for t in T.values}
    out[T.MEMBER] = _members(organisation, rows)
    groups, leaders = _groups_and_leaders(organisation, year, rows, seat_of)
    out[T.GROUP], out[T.LEADER] = groups, leaders
    out[T.PROPOSER] = _proposers(organisation, year, seat_of)
    out[T.DEPARTMENT] = _departments(organisation, year)
    out[T.HANDLER] = _handlers(organisation, year)
    return out


def _sector(membership) -> str:
    return membership.sector.name if membership.sector_id else ""


def _members(organisation, rows) -> list[Candidate]:
    excellent_min = config.get(organisation, rules.GRADE_EXCELLENT)
    ranked = [(m, s) for m, s in rows if s.minimum_met and s.total >= excellent_min]
    ranked.sort(key=lambda r: (-r[1].total, r[0].member.stroke_key))
    return [
        Candidate(
            T.MEMBER,
            f"member:{m.member_id}",
            m.member.name,
            _sector(m),
            _("年度履职得分%(score)s（优秀等次不低于%(min)s分），达到最低履职要求")
            % {"score": _num(s.total), "min": excellent_min},
            member_id=m.member_id,
        )
        for m, s in ranked
    ]


def _groups_and_leaders(organisation, year, rows, seat_of) -> tuple[list, list]:
    from xieshang.orgs.models import ActivityGroup

    held = group_activities(organisation, year)
    min_acts = config.get(organisation, GROUP_MIN_ACTIVITIES)
    min_avg = config.get(organisation, GROUP_MIN_AVERAGE)
    min_share = config.get(organisation, GROUP_MIN_SHARE)
    leader_avg = config.get(organisation, LEADER_MIN_AVERAGE)
    good_min = config.get(organisation, rules.GRADE_GOOD)
    totals: dict[int, list] = defaultdict(lambda: [0, Decimal(0), 0])  # n, sum, minimum met
    for membership, score in rows:
        if membership.activity_group_id:
            t = totals[membership.activity_group_id]
            t[0] += 1
            t[1] += score.total
            t[2] += 1 if score.minimum_met else 0
    groups, leaders = [], []
    for group in ActivityGroup.objects.filter(organisation=organisation).select_related("leader"):
        n, total, met = totals.get(group.pk, (0, Decimal(0), 0))
        if not n:
            continue
        avg, share, acts = total / n, _pct(met, n), held.get(group.pk, 0)
        figures = {"n": n, "avg": _num(avg), "share": _num(share)}
        activities = _("年度开展活动%(acts)s次（不少于%(min)s次）；") % {
            "acts": acts,
            "min": min_acts,
        }
        if acts < max(1, min_acts):
            continue
        if avg >= min_avg and share >= min_share:
            groups.append(
                (
                    -avg,
                    Candidate(
                        T.GROUP,
                        f"group:{group.pk}",
                        group.name,
                        "",  # a group is named on its own; its leader has their own award
                        activities
                        + _(
                            "组内委员%(n)s人，平均履职得分%(avg)s（不低于%(min_avg)s分），"
                            "达到最低履职要求的占%(share)s%%（不低于%(min_share)s%%）"
                        )
                        % {**figures, "min_avg": min_avg, "min_share": min_share},
                        group_id=group.pk,
                    ),
                )
            )
        seat = seat_of.get(group.leader_id)
        if seat is None or avg < leader_avg or share < min_share:
            continue
        own = seat[1]
        if own.minimum_met and own.total >= good_min:
            leaders.append(
                (
                    -avg,
                    Candidate(
                        T.LEADER,
                        f"member:{group.leader_id}",
                        group.leader.name,
                        group.name,
                        _("所在活动组")
                        + activities
                        + _(
                            "平均履职得分%(avg)s（不低于%(min_avg)s分），"
                            "达到最低履职要求的占%(share)s%%（不低于%(min_share)s%%）；"
                            "本人得分%(score)s（不低于%(good)s分）且达到最低履职要求"
                        )
                        % {
                            **figures,
                            "min_avg": leader_avg,
                            "min_share": min_share,
                            "score": _num(own.total),
                            "good": good_min,
                        },
                        member_id=group.leader_id,
                        group_id=group.pk,
                    ),
                )
            )
    groups.sort(key=lambda t: (t[0], stroke_sort_key(t[1].name)))
    leaders.sort(key=lambda t: (t[0], stroke_sort_key(t[1].name)))
    return [c for _k, c in groups], [c for _k, c in leaders]


def _proposers(organisation, year, seat_of) -> list[Candidate]:
    from xieshang.members.models import Member

    minimum = max(1, config.get(organisation, PROPOSER_MIN_PROPOSALS))
    start, end = selectors.year_range(year)
    counts: dict[int, dict[str, int]] = defaultdict(dict)
    for row in (
        DutyRecord.objects.filter(
            organisation=organisation,
            status=DutyRecord.Status.CONFIRMED,
            date__gte=start,
            date__lte=end,
            kind__in=[
                DutyKind.PROPOSAL_FIRST,
                DutyKind.KEY_PROPOSAL_FIRST,
                DutyKind.EXCELLENT_PROPOSAL_FIRST,
            ],
        )
        .values("member_id", "kind")
        .annotate(n=Count("id"))
        .order_by()
    ):
        counts[row["member_id"]][row["kind"]] = row["n"]
    ranked = sorted(
        (
            (
                c.get(DutyKind.EXCELLENT_PROPOSAL_FIRST, 0) + c.get(DutyKind.KEY_PROPOSAL_FIRST, 0),
                c.get(DutyKind.PROPOSAL_FIRST, 0),
                mid,
            )
            for mid, c in counts.items()
            if c.get(DutyKind.PROPOSAL_FIRST, 0) >= minimum
        ),
        key=lambda t: (-t[0], -t[1], t[2]),
    )
    names = Member.objects.in_bulk([mid for _a, _b, mid in ranked])
    return [
        Candidate(
            T.PROPOSER,
            f"member:{mid}",
            names[mid].name,
            _sector(seat_of[mid][0]) if mid in seat_of else "",
            _("第一提案人提案%(total)s件（不少于%(min)s件），其中重点提案、优秀提案%(good)s件")
            % {"total": total, "min": minimum, "good": good},
            member_id=mid,
        )
        for good, total, mid in ranked
    ]


def _departments(organisation, year) -> list[Candidate]:
    from xieshang.proposals.figures import department_figures

    min_on_time = config.get(organisation, DEPARTMENT_MIN_ON_TIME)
    min_sat = config.get(organisation, DEPARTMENT_MIN_SATISFACTION)
    rows = [
        r
        for r in department_figures(organisation, year, own=True)
        if r.department_id
        and r.assigned
        and r.rated
        and r.on_time_rate >= min_on_time
        and r.result_rate >= min_sat
    ]
    rows.sort(key=lambda r: (-(r.on_time_rate + r.result_rate), -r.assigned, r.name))
    return [
        Candidate(
            T.DEPARTMENT,
            f"department:{r.department_id}",
            r.name,
            "",  # a department is named on its own
            _(
                "交办提案%(n)s件，按时办复率%(on_time)s%%（不低于%(min_on_time)s%%），"
                "委员对办理结果满意率%(sat)s%%（不低于%(min_sat)s%%）"
            )
            % {
                "n": r.assigned,
                "on_time": _num(r.on_time_rate),
                "min_on_time": min_on_time,
                "sat": _num(r.result_rate),
                "min_sat": min_sat,
            },
            department_id=r.department_id,
        )
        for r in rows
    ]


def _handlers(organisation, year) -> list[Candidate]:
    """The department clerks who wrote the answers (`Answer.created_by`) of the year's
    proposals: enough answers, all (by default) on time, and members satisfied."""
    from xieshang.proposals.figures import POSITIVE, answering_scope
    from xieshang.proposals.models import Answer, Evaluation

    min_n = config.get(organisation, HANDLER_MIN_ANSWERS)
    min_on_time = config.get(organisation, HANDLER_MIN_ON_TIME)
    min_sat = config.get(organisation, HANDLER_MIN_SATISFACTION)
    # The committee's own proposals, as the unit candidates (`department_figures(own=True)`).
    answers = (
        Answer.objects.sent()
        .filter(
            answering_scope(organisation, year, "assignment__", own=True), created_by__isnull=False
        )
        .values("created_by_id", "created_by__full_name", "created_by__username")
        .annotate(
            n=Count("pk"),
            on_time=Count(
                "pk",
                filter=Q(assignment__task__submitted_at__date__lte=F("assignment__task__due_date")),
            ),
            unit=Min("assignment__department__name"),
        )
        .order_by()
    )
    ratings = {
        r["answer__created_by_id"]: r
        for r in Evaluation.objects.filter(
            answering_scope(organisation, year, "answer__assignment__", own=True),
            answer__created_by__isnull=False,
        )
        .values("answer__created_by_id")
        .annotate(rated=Count("pk"), ok=Count("pk", filter=Q(result__in=POSITIVE)))
        .order_by()
    }
    found = []
    for row in answers:
        rating = ratings.get(row["created_by_id"], {"rated": 0, "ok": 0})
        on_time, sat = _pct(row["on_time"], row["n"]), _pct(rating["ok"], rating["rated"])
        if row["n"] < min_n or on_time < min_on_time or sat is None or sat < min_sat:
            continue
        name = row["created_by__full_name"] or row["created_by__username"]
        found.append(
            (
                (-sat, -row["n"], stroke_sort_key(name)),
                Candidate(
                    T.HANDLER,
                    f"user:{row['created_by_id']}",
                    name,
                    row["unit"] or "",
                    _(
                        "答复提案%(n)s件（不少于%(min_n)s件），按时答复%(on_time)s件"
                        "（按时率不低于%(min_on_time)s%%），委员评价结果满意%(ok)s/%(rated)s"
                        "（满意率不低于%(min_sat)s%%）"
                    )
                    % {
                        "n": row["n"],
                        "min_n": min_n,
                        "on_time": row["on_time"],
                        "min_on_time": min_on_time,
                        "ok": rating["ok"],
                        "rated": rating["rated"],
                        "min_sat": min_sat,
                    },
                    user_id=row["created_by_id"],
                ),
            )
        )
    found.sort(key=lambda t: t[0])
    return [c for _k, c in found]


# --- Who may do what -------------------------------------------------------------------------


def can_propose(user, organisation) -> bool:
    """The office (duty.manage) drafts, submits and publishes."""
    return access.can(user, "duty.manage", organisation)


def can_decide(user, organisation) -> bool:
    """The chairman's meeting (Role.CHAIR) approves or returns the list."""
    return access.can(user, "duty.award_approve", organisation)


def round_organisation(user):
    """The organisation whose commendation rounds the user works on: the office's, else the
    chairman's meeting's (their highest such node)."""
    for perm in ("duty.manage", "duty.award_approve"):
        for assignment in access.assignments(user):
            if access.can(user, perm, assignment.organisation):
                return assignment.organisation
    return None


# --- Transitions -----------------------------------------------------------------------------


@transaction.atomic
def commendation_propose(
    *,
    organisation,
    year: int,
    picks: list[tuple[str, str, str]],
    actor,
    version: int | None,
    computed: dict | None = None,
) -> Commendation:
    """Set the proposed awardees of the round (opened on first use): `picks` are
    (award type, candidate ref, reason). Only current candidates may be proposed; the
    office may leave any out. Preconditions: the office; the round is a draft or was
    returned; `version` is the one the form was read with (else StaleEdit). `computed`: the
    `candidates()` the caller has just computed for the same organisation and year."""
    if not can_propose(actor, organisation):
        raise PermissionDenied
    com, created = Commendation.objects.get_or_create(
        organisation=organisation, year=year, defaults={"created_by": actor}
    )
    com = lock(Commendation, com.pk)
    if not com.editable:
        raise TransitionError(
            _("当前状态为“%(state)s”，不能修改表彰名单。") % {"state": com.get_status_display()}
        )
    if not created and version is not None and com.version != version:
        raise StaleEdit(current_version=com.version)
    computed = computed if computed is not None else candidates(organisation, year)
    found = {(c.award_type, c.ref): c for cs in computed.values() for c in cs}
    before = {(a.award_type, a.ref): a.name for a in com.awards.all()}
    awards = []
    for award_type, ref, reason in picks:
        cand = found.get((award_type, ref))
        if cand is None:
            raise TransitionError(_("所选对象已不在候选名单中，请刷新页面后重新选择。"))
        awards.append(
            Award(
                commendation=com,
                award_type=award_type,
                ref=ref,
                member_id=cand.member_id,
                group_id=cand.group_id,
                department_id=cand.department_id,
                user_id=cand.user_id,
                name=cand.name,
                unit=cand.unit,
                rule=cand.rule[:300],
                reason=(reason or "").strip()[:300],
                sort_key=stroke_sort_key(cand.name)[:200],
            )
        )
    com.awards.all().delete()
    Award.objects.bulk_create(awards)
    Commendation.objects.filter(pk=com.pk).update(version=F("version") + 1)
    com.refresh_from_db(fields=["version"])
    after = {(a.award_type, a.ref): a.name for a in awards}
    labels = dict(T.choices)
    record_event(
        actor=actor,
        verb="duty.award_propose",
        subject=com,
        from_state=com.status,
        to_state=com.status,
        note=Phrase(N_("拟表彰%(n)s个（名）"), n=len(awards)),
        data={
            "added": [f"{labels[t]}：{n}" for (t, r), n in after.items() if (t, r) not in before],
            "removed": [f"{labels[t]}：{n}" for (t, r), n in before.items() if (t, r) not in after],
        },
    )
    return com


@transaction.atomic
def commendation_submit(*, commendation: Commendation, actor) -> Commendation:
    """Office → chairman's meeting. Needs at least one proposed awardee; notifies the chairs."""
    com = lock(Commendation, commendation.pk)
    if not can_propose(actor, com.organisation):
        raise PermissionDenied
    if com.year >= timezone.localdate().year:
        # Submitting settles the year's scores (policies.refuse_if_settled): a year still
        # running would lose its last weeks' duties. The list may be drafted meanwhile.
        raise TransitionError(
            _("%(year)s年度尚未结束，年度结束后才能报主席会议审定；拟表彰名单可以先行拟定。")
            % {"year": com.year}
        )
    if com.editable and not com.awards.exists():
        raise TransitionError(_("请先从候选名单中拟定表彰对象。"))
    transition(
        com,
        to=S.SUBMITTED,
        allowed_from=[S.DRAFT, S.RETURNED],
        actor=actor,
        verb="duty.award_submit",
    )
    notify(
        access.role_holders(com.organisation, Role.CHAIR),
        title=Phrase(N_("%(year)s年度表彰名单待主席会议审定"), year=com.year),
        url=_round_url(com),
        dedupe_key=f"duty.award_submit:{com.pk}:{com.version}",
    )
    return com


def _round_url(com) -> str:
    from django.urls import reverse

    return reverse("duty:commendation") + f"?year={com.year}"


def _decide(com, *, actor, to, verb, note) -> Commendation:
    if not can_decide(actor, com.organisation):
        raise PermissionDenied
    com.decision_note = note
    com.decided_by = actor
    com.decided_at = timezone.now()
    transition(
        com,
        to=to,
        allowed_from=[S.SUBMITTED],
        actor=actor,
        verb=verb,
        note=note,
        extra_fields=["decision_note", "decided_by", "decided_at"],
    )
    settle(f"duty.award_submit:{com.pk}:")  # the chairs' 待主席会议审定, every submission's
    recipients = [com.created_by, *access.role_holders(com.organisation, Role.OFFICE)]
    notify(
        recipients,
        title=Phrase(
            N_("%(year)s年度表彰名单已经主席会议审定")
            if to == S.APPROVED
            else N_("%(year)s年度表彰名单被主席会议退回"),
            year=com.year,
        ),
        body=note,
        url=_round_url(com),
        dedupe_key=f"{verb}:{com.pk}:{com.version}",
    )
    return com


@transaction.atomic
def commendation_approve(*, commendation: Commendation, actor, note: str = "") -> Commendation:
    """Chairman's meeting: approve the submitted list as it stands."""
    com = lock(Commendation, commendation.pk)
    return _decide(com, actor=actor, to=S.APPROVED, verb="duty.award_approve", note=note)


@transaction.atomic
def commendation_return(*, commendation: Commendation, actor, reason: str) -> Commendation:
    """Chairman's meeting: send the list back to the office with a reason (required)."""
    if not (reason or "").strip():
        raise TransitionError(_("退回须说明理由。"))
    com = lock(Commendation, commendation.pk)
    return _decide(com, actor=actor, to=S.RETURNED, verb="duty.award_return", note=reason.strip())


@transaction.atomic
def commendation_publish(*, commendation: Commendation, actor, doc_number: str) -> Commendation:
    """Office: publish an approved list on the portal under the decision's number."""
    com = lock(Commendation, commendation.pk)
    if not can_propose(actor, com.organisation):
        raise PermissionDenied
    com.doc_number = (doc_number or "").strip()[:60]
    if com.status == S.APPROVED:
        refuse_used_doc_number(com)
    com.published_at = timezone.now()
    transition(
        com,
        to=S.PUBLISHED,
        allowed_from=[S.APPROVED],
        actor=actor,
        verb="duty.award_publish",
        note=com.doc_number,
        extra_fields=["doc_number", "published_at"],
    )
    return com


_BRACKETS = str.maketrans("[【［(（]】］)）", "〔〔〔〔〔〕〕〕〕〕")


def _doc_number_key(number: str) -> str:
    """示范区政协发〔2026〕3号 as compared: without spaces, its brackets in one form
    ([2026], 【2026】, ［2026］ and （2026） read as 〔2026〕)."""
    return re.sub(r"\s+", "", number).translate(_BRACKETS)


def refuse_used_doc_number(com: Commendation) -> None:
    """A document number (发文字号) names one document: a decision is refused a number that
    another commendation decision of its organisation already carries."""
    if not com.doc_number:
        return
    key = _doc_number_key(com.doc_number)
    others = (
        Commendation.objects.filter(organisation_id=com.organisation_id)
        .exclude(pk=com.pk)
        .exclude(doc_number="")
        .values_list("year", "doc_number")
    )
    for year, number in others:
        if _doc_number_key(number) == key:
            raise ValidationError(
                {
                    "doc_number": _(
                        "文号“%(number)s”已用于%(year)s年度表彰决定，请核对后填写其他文号。"
                    )
                    % {"number": number, "year": year}
                }
            )


# --- Reads -----------------------------------------------------------------------------------


def grouped_awards(commendation: Commendation) -> list[tuple[str, str, list[Award]]]:
    """[(type, label, awards in surname-stroke order)] in the clause's order, types without
    awardees left out (one query)."""
    by_type: dict[str, list[Award]] = defaultdict(list)
    for award in commendation.awards.order_by("sort_key", "id"):
        by_type[award.award_type].append(award)
    return [(t, label, by_type[t]) for t, label in T.choices if by_type.get(t)]


def published_rounds():
    """What the portal may show: published rounds only."""
    return Commendation.objects.filter(status=S.PUBLISHED, published_at__isnull=False)


def decision_context(commendation: Commendation) -> dict:
    """The context of the commendation decision (表彰决定) PDF: an official document, in
    Chinese whatever language the user browses in (as `core.pdf.render_pdf` renders it)."""
    with translation.override("zh-hans"):
        return _decision_context(commendation)


def _decision_context(commendation: Commendation) -> dict:
    from xieshang.core.pdf import official_name
    from xieshang.core.text import chinese_date, chinese_number

    org = commendation.organisation
    groups = grouped_awards(commendation)
    sections = [
        {
            "number": chinese_number(i),
            "label": label,
            "awards": awards,
            "unit_word": _("个") if t in (T.GROUP, T.DEPARTMENT) else _("名"),
        }
        for i, (t, label, awards) in enumerate(groups, 1)
    ]
    day = commendation.published_at or commendation.decided_at or timezone.now()
    title = _("关于表彰%(year)s年度%(types)s的决定") % {
        "year": commendation.year,
        "types": _("、").join(str(g[1]) for g in groups),
    }
    return {
        "masthead": org.name,
        "masthead_suffix": _("文件"),
        "doc_number": commendation.doc_number,
        "doc_title": title,
        # The title breaks only after a 、, never inside an award's name (优秀组 / 长): each
        # phrase up to its 、 is kept on one line.
        "doc_title_phrases": re.split(r"(?<=、)", title),
        "issuer": org.name,
        "issue_date": chinese_date(day),
        # 版记: the committee's office prints the decision on the day it is issued.
        "printed_by": _("%(org)s办公室") % {"org": official_name(org.name)},
        "printed_on": chinese_date(day),
        "commendation": commendation,
        "sections": sections,
    }


def award_cards(user) -> list:
    """Home card of the chairman's meeting: commendation lists waiting for its decision."""
    from django.urls import reverse

    from xieshang.core.dashboard import Card

    if not access.can(user, "duty.award_approve"):
        return []
    waiting = list(
        Commendation.objects.filter(
            access.org_filter(user, "duty.award_approve"), status=S.SUBMITTED
        ).values_list("year", flat=True)[:5]
    )
    if not waiting:
        return []
    return [
        Card(
            _("待审定的表彰名单"),
            _("政协办公室提交的年度表彰名单，请主席会议审定。"),
            reverse("duty:commendation") + f"?year={waiting[0]}",
            len(waiting),
            order=32,
        )
    ]

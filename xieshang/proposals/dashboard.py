"""Home-page cards of proposal work, per role: what waits for this user now."""

from django.db.models import Exists, OuterRef, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from xieshang.core import access
from xieshang.core.dashboard import Card, counts
from xieshang.orgs.models import Role

from . import policies, selectors
from .models import Answer, Assignment, Evaluation, Proposal, Signer


def proposal_cards(user) -> list[Card]:
    """Every count of the user's cards in one round trip (`core.dashboard.counts`)."""
    today = timezone.localdate()
    # (card, counted querysets, overdue queryset or None): the badge is the sum of the
    # first's counts, red when the second has any row.
    asked: list[tuple[dict, list[QuerySet], QuerySet | None]] = []
    cards: list[dict] = []
    # Cards shown only when something waits (a badge of 0 is left off the page).
    if_any: list[dict] = []

    def card(title, description, url, order, rows=None, overdue=None, urgent=False):
        entry = {
            "title": title,
            "description": description,
            "url": url,
            "order": order,
            "urgent": urgent,
        }
        cards.append(entry)
        if rows is not None:
            asked.append((entry, rows if isinstance(rows, list) else [rows], overdue))
        return entry

    member = policies.member_of(user)
    # 代为评价: answers whose proposers without an account wait for the clerk or the proposal
    # committee to record their evaluation; counted in the 待评价 card (answers, as listed).
    # Asked of the committee and of the staff who read proposals (the office enters paper
    # ones): the other roles' home pages (a Party office's) pay no count for it.
    rate_for = None
    if access.can(user, "proposals.review") or (
        member is None and access.can(user, "proposals.view")
    ):
        rate_for = selectors.rate_for_answers(user)
        if rate_for.query.is_empty():  # no right to it: nothing to count
            rate_for = None
    if member is not None:
        invited = Signer.objects.filter(
            member=member, status=Signer.Status.INVITED, proposal__status=Proposal.Status.COSIGNING
        )
        answered = Proposal.objects.filter(
            pk__in=policies.proposed_by_ids(member), status=Proposal.Status.ANSWERED
        )
        rated = Evaluation.objects.filter(
            member=member, answer__assignment__proposal__in=answered
        ).values("answer__assignment__proposal")
        card(_("我的提案"), _("撰写、提交和查看自己的提案"), reverse("proposals:mine"), 10)
        card(_("联名邀请"), _("待您确认的联名提案"), reverse("proposals:cosign"), 11, invited)
        card(
            _("待评价的答复"),
            _("对承办单位的答复作出评价"),
            reverse("proposals:to_rate"),
            12,
            [answered.exclude(pk__in=rated), *([rate_for] if rate_for is not None else [])],
        )
    elif rate_for is not None:
        if_any.append(
            card(
                _("待评价的答复"),
                _("代没有账号的提案人登记对答复的评价"),
                reverse("proposals:to_rate"),
                12,
                rate_for,
            )
        )
    if access.can(user, "proposals.review"):
        scope = access.org_filter(user, "proposals.review")
        waiting = Proposal.objects.filter(scope, status=Proposal.Status.SUBMITTED)
        card(
            _("提案审查"),
            _("待审查的提案"),
            reverse("proposals:review_queue"),
            20,
            waiting,
            waiting.filter(review_due__lt=today),
        )
        card(
            _("交办"),
            _("已立案待交办的提案"),
            reverse("proposals:board"),
            21,
            Proposal.objects.filter(scope, status=Proposal.Status.ACCEPTED),
        )
    if access.can(user, "proposals.assign"):
        card(
            _("待改交"),
            _("分办单位申请退回、待改交或决定不再改交的部分；决定之前提案不会办结"),
            reverse("proposals:board") + "#returned-parts",
            21,
            waiting_parts := selectors.returned_parts_waiting(user),
            waiting_parts,  # red while any waits: it blocks the proposal's answer
        )
        card(
            _("逾期未办复"),
            _("超过办理期限仍未答复的提案，以及逾期未提出协办意见的协办单位"),
            reverse("proposals:overdue"),
            22,
            # The list's rows (`selectors.overdue_q`): co-handlers late with their view too.
            Assignment.objects.filter(
                access.org_filter(user, "proposals.review", field="proposal__organisation"),
                selectors.overdue_q(today),
            ),
            urgent=True,
        )
    if access.can(user, "proposals.key_approve"):
        scope = access.org_filter(user, "proposals.key_approve")
        card(
            _("重点提案审定"),
            _("提案委员会拟定、待主席会议审定的重点提案"),
            reverse("proposals:key_queue"),
            23,
            Proposal.objects.filter(scope, key_status=Proposal.KeyStatus.SHORTLISTED),
        )
    departments = policies.department_ids(user)
    if departments:
        handling = Assignment.objects.filter(
            department_id__in=departments, status=Assignment.Status.HANDLING
        )
        card(
            _("提案办理"),
            _("交本单位办理的提案"),
            reverse("proposals:dept_queue"),
            15,
            handling,
            handling.filter(task__due_date__lt=today),
        )
        signs = {
            ra.department_id
            for ra in access.assignments(user)
            if ra.role == Role.DEPARTMENT_LEADER and ra.department_id
        }
        if signs:
            waiting = handling.filter(
                # Not those sent back to the clerk (退回修改): they wait for the clerk.
                Exists(Answer.objects.awaiting_sign_off().filter(assignment=OuterRef("pk"))),
                department_id__in=signs,
            )
            card(
                _("待签发答复函"),
                _("经办人已提交、待您审核签发的答复"),
                reverse("proposals:dept_queue") + "?state=sign_off",
                14,
                waiting,
                waiting.filter(task__due_date__lt=today),
            )
    querysets = []
    for _entry, rows, overdue in asked:
        querysets.extend(rows)
        if overdue is not None:
            querysets.append(overdue)
    numbers = iter(counts(*querysets))
    for entry, rows, overdue in asked:
        entry["count"] = sum(next(numbers) for _rows in rows)
        if overdue is not None:
            entry["urgent"] = next(numbers) > 0
    hidden = {id(entry) for entry in if_any if not entry["count"]}
    return [Card(**entry) for entry in cards if id(entry) not in hidden]

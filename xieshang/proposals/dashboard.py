"""Home-page cards of proposal work, per role: what waits for this user now."""

from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from xieshang.core import access
from xieshang.core.dashboard import Card
from xieshang.followups.models import Task
from xieshang.orgs.models import Role

from . import policies
from .models import Answer, Assignment, Evaluation, Proposal, Signer


def proposal_cards(user) -> list[Card]:
    cards: list[Card] = []
    today = timezone.localdate()
    member = policies.member_of(user)
    if member is not None:
        invited = Signer.objects.filter(
            member=member, status=Signer.Status.INVITED, proposal__status=Proposal.Status.COSIGNING
        ).count()
        answered = Proposal.objects.filter(
            pk__in=policies.proposed_by_ids(member), status=Proposal.Status.ANSWERED
        )
        rated = Evaluation.objects.filter(
            member=member, answer__assignment__proposal__in=answered
        ).values("answer__assignment__proposal")
        to_rate = answered.exclude(pk__in=rated).count()
        cards += [
            Card(
                _("我的提案"), _("撰写、提交和查看自己的提案"), reverse("proposals:mine"), order=10
            ),
            Card(
                _("联名邀请"),
                _("待您确认的联名提案"),
                reverse("proposals:cosign"),
                invited,
                order=11,
            ),
            Card(
                _("待评价的答复"),
                _("对承办单位的答复作出评价"),
                reverse("proposals:to_rate"),
                to_rate,
                order=12,
            ),
        ]
    if access.can(user, "proposals.review"):
        scope = access.org_filter(user, "proposals.review")
        waiting = Proposal.objects.filter(scope, status=Proposal.Status.SUBMITTED)
        cards += [
            Card(
                _("提案审查"),
                _("待审查的提案"),
                reverse("proposals:review_queue"),
                waiting.count(),
                urgent=waiting.filter(review_due__lt=today).exists(),
                order=20,
            ),
            Card(
                _("交办"),
                _("已立案待交办的提案"),
                reverse("proposals:board"),
                Proposal.objects.filter(scope, status=Proposal.Status.ACCEPTED).count(),
                order=21,
            ),
            Card(
                _("逾期未办复"),
                _("超过办理期限仍未答复的提案"),
                reverse("proposals:overdue"),
                Task.objects.filter(
                    access.org_filter(user, "proposals.review"),
                    kind=Task.Kind.PROPOSAL,
                    status=Task.Status.OPEN,
                    due_date__lt=today,
                ).count(),
                urgent=True,
                order=22,
            ),
        ]
    if access.can(user, "proposals.key_approve"):
        scope = access.org_filter(user, "proposals.key_approve")
        cards.append(
            Card(
                _("重点提案审定"),
                _("提案委员会拟定、待主席会议审定的重点提案"),
                reverse("proposals:key_queue"),
                Proposal.objects.filter(scope, key_status=Proposal.KeyStatus.SHORTLISTED).count(),
                order=23,
            )
        )
    departments = policies.department_ids(user)
    if departments:
        handling = Assignment.objects.filter(
            department_id__in=departments, status=Assignment.Status.HANDLING
        )
        cards.append(
            Card(
                _("提案办理"),
                _("交本单位办理的提案"),
                reverse("proposals:dept_queue"),
                handling.count(),
                urgent=handling.filter(task__due_date__lt=today).exists(),
                order=15,
            )
        )
        signs = {
            ra.department_id
            for ra in access.assignments(user)
            if ra.role == Role.DEPARTMENT_LEADER and ra.department_id
        }
        if signs:
            waiting = handling.filter(
                Exists(Answer.objects.filter(assignment=OuterRef("pk"), sent_at__isnull=True)),
                department_id__in=signs,
            )
            cards.append(
                Card(
                    _("待签发答复函"),
                    _("经办人已提交、待您审核签发的答复"),
                    reverse("proposals:dept_queue") + "?state=sign_off",
                    waiting.count(),
                    urgent=waiting.filter(task__due_date__lt=today).exists(),
                    order=14,
                )
            )
    return cards

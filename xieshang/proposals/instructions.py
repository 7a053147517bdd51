"""What proposals declare to followups (found there by autodiscovery):

- a key proposal (重点提案, approved by the chairman's meeting) takes leaders' instructions
  (批示, C4.7), recorded by the proposal committee or the Party committee's and the
  government's offices of its own node (who read it and find it under 报送本机关), through
  the one mechanism of followups;
- the department assessment report counts a proposal's implementation follow-up under its
  own category;
- a department answers its part (the letter its leader signs off) and a co-handler its view
  on the proposal's handling page, never by a written feedback on the follow-up page.
"""

from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils.timezone import localdate
from django.utils.translation import gettext_lazy as _

from xieshang.core import access
from xieshang.followups import instructions, subjects
from xieshang.followups.assessment import register_category
from xieshang.followups.models import Task
from xieshang.followups.policies import LEADERS_OFFICES
from xieshang.followups.services import answered_on_own_page

from . import policies
from .models import Assignment, Proposal


def is_proposer(user, proposal: Proposal) -> bool:
    return policies.is_first_proposer(user, proposal) or policies.is_signer(user, proposal)


def instruction_answered(instruction, task, feedback, actor) -> None:
    """A unit's written answer to a leader's instruction on a key proposal reaches its
    proposers, who read it on the proposal's page."""
    from django.utils.translation import gettext_noop as N_

    from xieshang.core.phrases import Phrase

    from .services.common import _notify_proposers

    proposal = instruction.item
    _notify_proposers(
        proposal,
        Phrase(
            N_("领导批示落实情况：%(unit)s已就“%(title)s”书面反馈"),
            unit=task.assignee_phrase,
            title=proposal.title,
        ),
        feedback.text[:500],
        f"instr:{instruction.pk}:answer:{feedback.pk}",
    )


def can_record_instruction(user, proposal: Proposal) -> bool:
    return policies.can_review(user, proposal) or policies.leaders_office_reads(user, proposal)


def received(user):
    """报送本机关 · 待批示: the key proposals of the nodes whose Party committee's or
    government's office `user` is."""
    nodes = [ra.organisation_id for ra in access.assignments(user) if ra.role in LEADERS_OFFICES]
    return Proposal.objects.filter(
        organisation_id__in=nodes, key_status=Proposal.KeyStatus.APPROVED
    ).select_related("organisation")


instructions.register(
    Proposal,
    label=_("重点提案"),
    url_name="proposals:detail",
    can_record=can_record_instruction,
    applies=lambda p: p.is_key,
    received=received,
    sent_on=Coalesce("reviewed_at", "submitted_at"),
    earliest=lambda p: localdate(p.submitted_at) if p.submitted_at else None,
    answered=instruction_answered,
    reads_feedback=is_proposer,
)
register_category(Task.Kind.IMPLEMENTATION, "proposals.proposal", _("提案答复落实"))
subjects.register(Proposal, can_view=policies.can_view, can_view_many=policies.viewable_ids)


def _handling_page(task) -> str:
    """The department's handling page of the part `task` follows, while it takes the answer
    (the part in handling); '' once answered, sent back or withdrawn."""
    assignment = (
        Assignment.objects.filter(task=task, status=Assignment.Status.HANDLING)
        .values_list("pk", flat=True)
        .first()
    )
    return reverse("proposals:dept_handle", args=[assignment]) if assignment else ""


answered_on_own_page(
    Task.Kind.PROPOSAL,
    refusal=_("该事项在提案办理页面答复（答复函经单位负责人签发后自动反馈），不在此提交书面反馈。"),
    url_of=_handling_page,
)
answered_on_own_page(
    Task.Kind.CO_HANDLING,
    refusal=_("协办意见在提案办理页面提交，送主办单位，不在此提交书面反馈。"),
    url_of=_handling_page,
)

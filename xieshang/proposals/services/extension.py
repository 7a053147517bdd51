"""申请延期: a department asks for more time to answer, through the follow-up engine,
capped by the configured maximum after the assignment."""

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from xieshang.core.audit import TransitionError
from xieshang.core.text import chinese_date
from xieshang.followups import services as followups
from xieshang.orgs import config

from .. import policies, rules
from ..models import Assignment
from .common import months_later


@transaction.atomic
def assignment_extension_request(
    *, assignment: Assignment, actor, requested_due: dt.date, reason: str
):
    """申请延期 through the follow-up engine, capped: the new date may not pass the
    assignment date plus the configured maximum (default 6 months); beyond it the proposal
    committee cannot approve, so it is refused here."""
    assignment = Assignment.objects.select_related("proposal__organisation", "task").get(
        pk=assignment.pk
    )
    if not policies.can_handle(actor, assignment):
        raise PermissionDenied
    if assignment.status != Assignment.Status.HANDLING or assignment.task is None:
        raise TransitionError(_("该提案已答复或已退回，不能申请延期。"))
    months = config.get(assignment.proposal.organisation, rules.MAX_EXTENSION_MONTHS)
    cap = months_later(timezone.localtime(assignment.assigned_at).date(), months)
    if requested_due > cap:
        raise ValidationError(
            {
                "requested_due": _("延期后的期限最长为交办后%(n)s个月，即不晚于%(cap)s。")
                % {"n": months, "cap": chinese_date(cap)}
            }
        )
    return followups.extension_request(
        task=assignment.task, requested_due=requested_due, reason=reason, actor=actor
    )

"""What consultation declares to followups (found there by autodiscovery):

- a consultation outcome once sent (协商纪要, 建议案, 协商专报) takes leaders' instructions
  (批示, C4.7), recorded by the office or the Party committee and government offices that
  received it, through the one mechanism of followups;
- the department assessment report counts the implementation of a key consultation activity
  (C2.6) under its own category.
"""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from xieshang.followups import instructions, subjects
from xieshang.followups.assessment import register_category
from xieshang.followups.models import Task

from . import policies
from .models import Outcome


def can_record_instruction(user, outcome: Outcome) -> bool:
    return policies.can_manage(user, outcome.organisation) or policies.can_decide(
        user, outcome.organisation
    )


def _check(outcome: Outcome) -> str:
    if outcome.status == Outcome.Status.DRAFT:
        return _("协商成果报送后才能记录领导批示。")
    return ""


instructions.register(
    Outcome,
    label=gettext_lazy("协商成果"),
    url_name="consultation:outcome",
    can_record=can_record_instruction,
    check=_check,
)
register_category(
    Task.Kind.IMPLEMENTATION, "consultation.planitem", gettext_lazy("重点协商活动落实")
)
subjects.register(Outcome, can_view=policies.can_view_outcome)

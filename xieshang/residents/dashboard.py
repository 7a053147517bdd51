"""Home-page cards of residents' issues: what waits for this user now."""

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from xieshang.core import access
from xieshang.core.dashboard import Card, counts

from . import policies
from .models import ResidentIssue

S = ResidentIssue.Status


def resident_cards(user) -> list[Card]:
    cards: list[Card] = []
    if not getattr(user, "is_authenticated", False):
        return cards
    if policies.triages_somewhere(user):
        issues = ResidentIssue.objects.filter(policies.triage_q(user))
        waiting, overdue = counts(
            issues.filter(status=S.SUBMITTED),
            issues.filter(
                status=S.ROUTED, task__status="open", task__due_date__lt=timezone.localdate()
            ),
        )
        cards.append(
            Card(
                _("民情事项"),
                _("待受理的群众诉求；另有%(n)s件已转办的事项逾期未答复") % {"n": overdue}
                if overdue
                else _("待受理的群众诉求"),
                reverse("residents:queue"),
                waiting,
                urgent=bool(overdue),
                order=14,
            )
        )
        cards.append(
            Card(
                _("街道民情工作台"),
                _("未办结事项、逾期转办、近期议事会和平台运行情况"),
                reverse("residents:dashboard"),
                order=15,
            )
        )
    elif policies.can_see_lists(user):
        cards.append(
            Card(
                _("民情事项统计"),
                _("各街道社区民情事项的受理、转办、答复和满意度"),
                reverse("residents:stats"),
                order=60,
            )
        )
    if access.department_ids(user):
        routed = ResidentIssue.objects.filter(
            department_id__in=access.department_ids(user), status=S.ROUTED
        ).count()
        if routed:
            cards.append(
                Card(
                    _("民情事项答复"),
                    _("转交本单位、待书面答复的群众诉求"),
                    reverse("residents:routed"),
                    routed,
                    order=31,
                )
            )
    return cards

"""Home-page cards of the duty file."""

from django.template.defaultfilters import floatformat
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from xieshang.core import access
from xieshang.core.dashboard import Card, counts

from . import policies, selectors
from .models import DisciplineCase, DutyRecord


def duty_cards(user) -> list[Card]:
    cards: list[Card] = []
    member = policies.member_of(user)
    if member is not None:
        year = timezone.localdate().year
        score = selectors.scores(member.organisation, year, [member.pk])[member.pk]
        if access.acting_member(user) is None:
            # A former member: the year's grade as the duty file gives it (不参加考核, with
            # the day they left), never 进行中 for a year they will not be graded on. A
            # seated member costs no query more (acting_member is kept on the user).
            selectors.leave_out(score, selectors.left_seat(member, year), year)
        text = _("本年度得分 %(s)s（%(g)s）") % {
            # As the duty file writes it (|floatformat:"-2"): 172, 172.50; never 172.00.
            "s": floatformat(score.total, "-2"),
            "g": score.grade,
        }
        if score.left_note:
            text = f"{text} {score.left_note}"
        cards.append(
            Card(
                _("我的履职档案"),
                text,
                reverse("duty:my_file"),
                order=30,
            )
        )
    org = policies.office_organisation(user)
    if org is not None:
        pending, open_cases = counts(
            DutyRecord.objects.filter(organisation=org, status=DutyRecord.Status.PENDING),
            DisciplineCase.objects.filter(organisation=org, status=DisciplineCase.Status.OPEN),
        )
        cards.append(
            Card(
                _("履职考核"),
                _("待审核的委员自报履职记录；待处理纪律事项 %(n)d 件") % {"n": open_cases},
                reverse("duty:entries"),
                pending,
                order=31,
            )
        )
    return cards

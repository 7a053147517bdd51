"""Home-page cards of the duty file."""

from django.template.defaultfilters import floatformat
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from xieshang.core.dashboard import Card, counts

from . import policies, selectors
from .models import DisciplineCase, DutyRecord


def duty_cards(user) -> list[Card]:
    cards: list[Card] = []
    member = policies.member_of(user)
    if member is not None:
        year = timezone.localdate().year
        score = selectors.scores(member.organisation, year, [member.pk])[member.pk]
        cards.append(
            Card(
                _("我的履职档案"),
                # As the duty file writes it (|floatformat:"-2"): 172, 172.50; never 172.00.
                _("本年度得分 %(s)s（%(g)s）")
                % {"s": floatformat(score.total, "-2"), "g": score.grade},
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

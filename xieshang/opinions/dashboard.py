"""Home-page cards of social-conditions work: what waits for this user now."""

from django.urls import reverse
from django.utils.translation import gettext as _

from xieshang.core import access
from xieshang.core.dashboard import Card

from . import policies
from .models import Opinion


def opinion_cards(user) -> list[Card]:
    cards: list[Card] = []
    if policies.member_of(user) is not None:
        cards.append(
            Card(
                _("社情民意信息"),
                _("撰写、报送和查看自己反映的社情民意"),
                reverse("opinions:mine"),
                order=13,
            )
        )
    if policies.receives(user):
        cards.append(
            Card(
                _("报送本机关的社情民意"),
                _("政协报送党委、政府的社情民意信息"),
                reverse("opinions:received"),
                Opinion.objects.filter(policies.received_q(user)).count(),
                order=25,
            )
        )
    if access.can(user, "opinions.manage"):
        waiting = Opinion.objects.filter(
            policies.own_office_q(user), status=Opinion.Status.SUBMITTED
        ).count()
        cards.append(
            Card(
                _("社情民意审核"),
                _("待审核的社情民意信息"),
                reverse("opinions:queue"),
                waiting,
                order=24,
            )
        )
    return cards

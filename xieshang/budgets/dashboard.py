"""Home-page card of the budgets: for whoever may read them, the yearly sheet, with the
number of this year's lines over budget as an urgent badge."""

from django.urls import reverse
from django.utils.translation import gettext as _

from xieshang.core.dashboard import Card

from . import policies, selectors


def budget_cards(user) -> list[Card]:
    if not getattr(user, "is_authenticated", False) or not policies.can_use(user):
        return []
    over = selectors.over_budget_count(user)
    return [
        Card(
            _("活动经费"),
            _("年度经费预算与支出，超预算的项目"),
            reverse("budgets:sheet"),
            over or None,
            urgent=bool(over),
            order=60,
        )
    ]

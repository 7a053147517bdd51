"""Home-page card of the platforms: for liaison officers, conveners and the office, what
waits (outcomes to approve, sessions coming up); for assigned members, their platforms."""

from django.urls import reverse
from django.utils.translation import gettext as _

from xieshang.core.access import member_of
from xieshang.core.dashboard import Card, counts

from . import policies, selectors
from .models import PlatformMember


def platform_cards(user) -> list[Card]:
    if not getattr(user, "is_authenticated", False):
        return []
    cards: list[Card] = []
    manages = bool(policies.coverage_roots(user)) or user.convened_platforms.exists()
    if manages:
        waiting, upcoming = counts(selectors.awaiting_approval(user), selectors.upcoming_for(user))
        cards.append(
            Card(
                _("协商议事平台"),
                _("平台台账、议事会安排和议事成果审定"),
                reverse("platforms:list"),
                waiting or None,
                order=30,
            )
        )
        if upcoming:
            cards.append(
                Card(
                    _("近期议事会"),
                    _("30天内计划召开的议事会"),
                    reverse("platforms:sessions") + "?status=planned",
                    upcoming,
                    order=31,
                )
            )
        return cards
    member = member_of(user)
    if (
        member is not None
        and PlatformMember.objects.filter(member=member, until__isnull=True).exists()
    ):
        cards.append(
            Card(
                _("下沉平台"),
                _("我下沉的协商议事平台和议事会"),
                reverse("platforms:list"),
                order=30,
            )
        )
    return cards

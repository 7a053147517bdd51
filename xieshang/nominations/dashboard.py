"""Home-page card of nominations: for the office, the open round with its unfinished
nominations; for the two departments, their own candidates still to complete."""

from django.urls import reverse
from django.utils.translation import gettext as _

from xieshang.core.dashboard import Card, counts

from . import policies
from .models import Candidate, NominationRound


def nomination_cards(user) -> list[Card]:
    if not policies.can_use(user):
        return []
    rounds = NominationRound.objects.filter(
        policies.visible_q(user), status=NominationRound.Status.DRAFT
    )
    pending = Candidate.objects.filter(round__in=rounds, status=Candidate.Status.NOMINATED)
    if not user.is_superuser and not any(
        ra.role in policies.OPINION_ROLES for ra in policies.access.assignments(user)
    ):
        roles = {str(ra.role) for ra in policies.access.assignments(user)}
        pending = pending.filter(department__in=roles)
    open_rounds, count = counts(rounds, pending)
    if not open_rounds:
        return []
    return [
        Card(
            _("委员提名"),
            _("换届、增补提名人选和名单结构"),
            reverse("nominations:list"),
            count or None,
            order=35,
        )
    ]

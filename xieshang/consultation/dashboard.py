"""Home-page cards of consultation work: the plan waiting at this user's step, topics to
moderate."""

from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext as _

from xieshang.core import access
from xieshang.core.dashboard import Card, counts

from .models import ConsultationPlan, Topic
from .policies import EDIT_PERMISSION, FORWARD_PERMISSION


def consultation_cards(user) -> list[Card]:
    cards: list[Card] = []
    waiting = Q(pk__in=[])
    # The step's bodies: whoever moves the plan on, and whoever revises it there (the
    # government office revises beside the Party office, which completes the revision).
    steps = [*FORWARD_PERMISSION.items(), *EDIT_PERMISSION.items()]
    for status, perm in steps:
        if access.can(user, perm):
            waiting |= Q(access.org_filter(user, perm), status=status)
    plans = ConsultationPlan.objects.filter(waiting)
    manages = access.can(user, "consultation.manage")
    # The plans waiting and, for whoever moderates, the topics pending: one round trip.
    asked = [plans]
    if manages:
        asked.append(
            Topic.objects.filter(
                access.org_filter(user, "consultation.manage"), status=Topic.Status.PENDING
            )
        )
    waiting_plans, *rest = counts(*asked)
    if waiting_plans:
        cards.append(
            Card(
                _("年度协商计划"),
                _("等待您这一环节办理的协商计划"),
                reverse("consultation:plans"),
                waiting_plans,
                order=24,
            )
        )
    if access.can(user, "consultation.topic_submit") and not manages:
        cards.append(
            Card(
                _("提出协商议题"),
                _("反映基层和群众关心的问题，作为协商议题的来源"),
                reverse("consultation:topic_new"),
                order=27,
            )
        )
    if manages:
        pending = rest[0]
        cards.append(
            Card(
                _("协商议题"),
                _("群众和各方提出的议题，待审核%(n)s条") % {"n": pending},
                reverse("consultation:moderation"),
                pending,
                order=26,
            )
        )
    return cards

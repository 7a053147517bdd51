"""Server-searched pickers of the consultation pages (core.pickers, issue 14).

`consultation-members`: the seated members of organisation `organisation=<id>`, for a user
who runs consultation activities there (the participants form's "按姓名邀请委员"). The
form's department heads use core's `departments` source with `perm=consultation.activities`.

`consultation-plan-topics`: the open topics plan `plan=<id>`'s items may come from
(`selectors.plan_topics`), for whoever may edit that plan now; its participating departments
use core's `departments` source with the plan's edit permission and organisation.

`consultation-merge`: the open topics topic `topic=<id>` may be merged into
(`selectors.merge_targets`), for whoever manages its organisation's topics; the similar
topics (`similarity.similar_topics`) come first while nothing is typed.
"""

from django.core.exceptions import PermissionDenied
from django.http import Http404

from xieshang.core import pickers
from xieshang.core.picker_sources import int_param
from xieshang.members.models import Member
from xieshang.orgs.models import Organisation

from . import policies, selectors
from .models import ConsultationPlan, Topic


def seated_members(organisation):
    return (
        Member.objects.filter(organisation=organisation, memberships__status="active")
        .distinct()
        .order_by("stroke_key", "id")
    )


def _members(user, params):
    organisation = Organisation.objects.filter(pk=int_param(params, "organisation")).first()
    if organisation is None:
        raise Http404
    if not policies.can_run_activities(user, organisation):
        raise PermissionDenied
    return seated_members(organisation)


pickers.register(
    "consultation-members",
    queryset_for_user=_members,
    label=lambda m: m.name,
    search_fields=("name",),
)


def _plan_topics(user, params):
    plan = (
        ConsultationPlan.objects.select_related("organisation")
        .filter(pk=int_param(params, "plan"))
        .first()
    )
    if plan is None:
        raise Http404
    if not policies.can_edit_plan(user, plan):
        raise PermissionDenied
    return selectors.plan_topics(plan.organisation)


pickers.register(
    "consultation-plan-topics",
    queryset_for_user=_plan_topics,
    label=str,
    search_fields=("title",),
)


MERGE_SUGGESTED = 8


def _topic_to_merge(user, params) -> Topic:
    topic = Topic.objects.select_related("organisation").filter(pk=int_param(params, "topic"))
    topic = topic.first()
    if topic is None:
        raise Http404
    if not policies.can_manage(user, topic.organisation):
        raise PermissionDenied
    return topic


def _merge_targets(user, params):
    return selectors.merge_targets(_topic_to_merge(user, params))


def _similar_merge_targets(user, params, queryset, q: str):
    if q:
        return []
    from .similarity import similar_topics

    found = similar_topics(_topic_to_merge(user, params), limit=MERGE_SUGGESTED)
    open_ids = set(queryset.filter(pk__in=[t.pk for t, _s in found]).values_list("pk", flat=True))
    return [t for t, _score in found if t.pk in open_ids]


pickers.register(
    "consultation-merge",
    queryset_for_user=_merge_targets,
    label=str,
    search_fields=("title",),
    suggest=_similar_merge_targets,
)

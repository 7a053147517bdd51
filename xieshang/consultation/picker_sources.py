"""Server-searched pickers of the consultation pages (core.pickers, issue 14).

`consultation-members`: the seated members of organisation `organisation=<id>`, for a user
who runs consultation activities there (the participants form's "按姓名邀请委员"). The
form's department heads use core's `departments` source with `perm=consultation.activities`.

`consultation-leader-accounts`: the staff accounts of organisation `organisation=<id>` and
below that an invited Party/government leader may be linked to (`selectors.leader_accounts`),
for the same users (the participants form's "受邀领导的平台账号").

`consultation-plan-topics`: the open topics plan `plan=<id>`'s items may come from
(`selectors.plan_topics`), for whoever may edit that plan now; its participating departments
use core's `departments` source with the plan's edit permission and organisation.

`consultation-merge`: the open topics topic `topic=<id>` may be merged into
(`selectors.merge_targets`), for whoever manages its organisation's topics; the similar
topics (`similarity.similar_topics`) come first while nothing is typed.

`consultation-topic-organisations` and `consultation-topic-areas`: the committees a user may
propose a topic to (`topic_organisations`: a province office's hundred and more) and their
focus areas, for the topic form of a user with more than one.
"""

from django.core.exceptions import PermissionDenied
from django.http import Http404

from xieshang.core import access, pickers
from xieshang.core.picker_sources import int_param
from xieshang.members.labels import member_label, with_label_data
from xieshang.members.models import Member
from xieshang.orgs.models import Level, Organisation

from . import policies, selectors
from .models import ConsultationPlan, FocusArea, Topic

CPPCC_LEVELS = [Level.PROVINCE, Level.CITY, Level.DISTRICT]


def topic_organisations(user):
    """The CPPCC committees a user may propose topics to (those in scope, and the committee
    above a street where a liaison officer works), and that street, if any."""
    from .services import cppcc_of

    perm = "consultation.topic_submit"
    ids = set(
        access.organisations(user, perm).filter(level__in=CPPCC_LEVELS).values_list("pk", flat=True)
    )
    street = None
    for ra in access.assignments(user):
        if perm in access.PERMISSIONS.get(ra.role, ()):
            if not ra.organisation.is_cppcc:
                street = street or ra.organisation
                ids.add(cppcc_of(ra.organisation).pk)
    return Organisation.objects.filter(pk__in=ids).order_by("path"), street


def topic_areas(organisations):
    return (
        FocusArea.objects.filter(organisation__in=organisations, is_active=True)
        .select_related("organisation")
        .order_by("organisation__path", "sort_order", "id")
    )


def area_label(area) -> str:
    return f"{area.organisation.name} · {area.name}"


pickers.register(
    "consultation-topic-organisations",
    queryset_for_user=lambda user, params: topic_organisations(user)[0],
    label=lambda o: o.name,
    search_fields=("name",),
)
pickers.register(
    "consultation-topic-areas",
    queryset_for_user=lambda user, params: topic_areas(topic_organisations(user)[0]),
    label=area_label,
    search_fields=("name", "organisation__name"),
)


def seated_members(organisation):
    return with_label_data(
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
    label=member_label,
    search_fields=("name",),
)


def _leader_accounts(user, params):
    organisation = Organisation.objects.filter(pk=int_param(params, "organisation")).first()
    if organisation is None:
        raise Http404
    if not policies.can_run_activities(user, organisation):
        raise PermissionDenied
    return selectors.leader_accounts(organisation)


pickers.register(
    "consultation-leader-accounts",
    queryset_for_user=_leader_accounts,
    label=selectors.leader_account_label,
    search_fields=("full_name", "username"),
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

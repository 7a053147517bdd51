"""What consultation publishes as open data (portal.opendata, found by autodiscovery).

The portal has no list of consultation outcomes: what it shows of them is on the progress
page of a resident's suggestion (views_public.lookup, `_public_progress`) — for a public
suggestion accepted into the topic pool (or merged into an accepted topic), the published
plan that lists it, the activities held on it and their decided outcomes, titles and dates
only. This dataset is exactly those outcomes, with those fields: never the outcome's body,
the decision text, the participants, nor anything of the resident who suggested it. A
suggestion the screening marked as spam brings nothing here.
"""

from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from xieshang.portal import opendata
from xieshang.portal.opendata import Field
from xieshang.portal.scrub import strip_contacts

from .models import Activity, ConsultationPlan, Outcome, Topic

# The outcome states the progress page lists.
PUBLIC_OUTCOME_STATES = (
    Outcome.Status.DECIDED,
    Outcome.Status.AWAITING_FEEDBACK,
    Outcome.Status.CLOSED,
)


def public_outcomes():
    """Outcomes a public suggestion's progress page shows: decided, of a held activity of a
    published plan's item whose topic is an accepted public suggestion, or an accepted
    topic that a public suggestion was merged into."""
    topic_id = OuterRef("activity__plan_item__topic_id")
    public_suggestion = Topic.objects.filter(source=Topic.Source.PUBLIC, screen_spam=False).filter(
        Q(pk=topic_id, status=Topic.Status.OPEN)
        | Q(merged_into_id=topic_id, status=Topic.Status.MERGED)
    )
    return (
        Outcome.objects.filter(
            status__in=PUBLIC_OUTCOME_STATES,
            activity__status=Activity.Status.HELD,
            activity__plan_item__plan__status=ConsultationPlan.Status.PUBLISHED,
            activity__plan_item__topic__status=Topic.Status.OPEN,
        )
        .filter(Exists(public_suggestion))
        .select_related(
            "activity__organisation", "activity__plan_item__plan", "activity__plan_item__topic"
        )
        .order_by("-activity__date", "-id")
    )


def _rows(outcomes: list) -> list[dict]:
    out = []
    for o in outcomes:
        activity = o.activity
        item = activity.plan_item
        out.append(
            {
                "kind": o.get_kind_display(),
                "title": strip_contacts(o.title),
                "decided_on": o.decided_on,
                "activity": strip_contacts(activity.title),
                "activity_on": activity.date,
                "plan": strip_contacts(item.plan.title),
                "topic": strip_contacts(item.title or item.topic.title),
                "organisation": activity.organisation.name,
            }
        )
    return out


opendata.register(
    opendata.Dataset(
        key="consultation-outcomes",
        label=_("协商成果"),
        description=_(
            "由群众提出、列入已印发的年度协商计划并已召开协商活动的议题所形成的协商成果："
            "成果类型、标题、决策日期、协商活动及日期、计划和议题名称（与“办理进展查询”所示相同）。"
        ),
        fields=[
            Field("kind", _("成果类型")),
            Field("title", _("成果标题")),
            Field("decided_on", _("决策日期")),
            Field("activity", _("协商活动")),
            Field("activity_on", _("活动日期")),
            Field("plan", _("年度协商计划")),
            Field("topic", _("协商议题")),
            Field("organisation", _("政协组织")),
        ],
        queryset=public_outcomes,
        rows=_rows,
        org_path="activity__organisation__path",
        year_lookup="activity__date__year",
        updated="decided_on",
        order=20,
    )
)

"""Server-searched pickers of the budget line form (core.pickers, issue 14).

All four are scoped like the form, by the organisations where the user manages budgets
(`policies.manageable_organisations`) and what lies under them: `budget-organisations`,
`budget-activities` (consultation activities, a few hundred more every year),
`budget-trainings` (training meetings) and `budget-liaison-rooms` (one per street). They
are the querysets the form validates with (`line_choices`), so a choice outside is refused.
"""

from django.db.models import Q
from django.utils import timezone

from xieshang.consultation.models import Activity
from xieshang.core import pickers
from xieshang.core.text import reader_date
from xieshang.meetings.models import Meeting, MeetingKind
from xieshang.orgs.models import LiaisonRoom

from . import policies


def line_choices(organisations) -> dict:
    """The activities, trainings and liaison rooms under `organisations`."""
    paths = list(organisations.values_list("path", flat=True))

    def under(field: str) -> Q:
        q = Q(pk__in=[])
        for path in paths:
            q |= Q(**{f"{field}__path__startswith": path})
        return q

    return {
        "activity": Activity.objects.filter(under("organisation")).order_by("-date", "-id"),
        "training": Meeting.objects.filter(
            under("organisation"), kind=MeetingKind.TRAINING
        ).order_by("-start", "-id"),
        "liaison_room": LiaisonRoom.objects.filter(under("street")).order_by("street__path"),
    }


# Dates as the pages write them (2026年5月12日, "May 12, 2026" in English), not ISO.
def activity_label(a) -> str:
    return f"{reader_date(a.date)} {a.title}"


def training_label(m) -> str:
    return f"{reader_date(timezone.localtime(m.start).date())} {m.title}"


def _choices(key):
    def queryset_for_user(user, params):
        return line_choices(policies.manageable_organisations(user))[key]

    return queryset_for_user


pickers.register(
    "budget-organisations",
    queryset_for_user=lambda user, params: policies.manageable_organisations(user),
    label=lambda o: o.name,
    search_fields=("name",),
)
# Titles grow every year: matched by their words, not spelt out in pinyin.
pickers.register(
    "budget-activities",
    queryset_for_user=_choices("activity"),
    label=activity_label,
    search_fields=("title",),
    pinyin=False,
)
pickers.register(
    "budget-trainings",
    queryset_for_user=_choices("training"),
    label=training_label,
    search_fields=("title",),
    pinyin=False,
)
pickers.register(
    "budget-liaison-rooms",
    queryset_for_user=_choices("liaison_room"),
    label=lambda r: r.name,
    search_fields=("name", "street__name"),
)

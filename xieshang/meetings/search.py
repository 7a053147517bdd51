"""Meetings in the header search (core/search.py), as the meetings list sees them."""

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy

from xieshang.core import access, search
from xieshang.textsim import search as text_search

from .models import Meeting


@search.register("meetings", gettext_lazy("会议活动"), order=40)
def search_meetings(user, query: str, limit: int) -> search.Found:
    from . import selectors

    visible = selectors.meetings_for(user).values("pk")
    # In a narrow scope the index reads only its organisations' entries (a city office's
    # "就业": 75 ms over the province's 36,000 meetings' matches).
    orgs = None
    if access.scope_share(user, "meetings.view", "meetings.manage") <= access.NARROW_SCOPE:
        orgs = selectors.visible_organisations(user)
    rows = (
        text_search(
            Meeting.objects.filter(pk__in=visible),
            ["title"],
            query,
            ranked=True,
            organisations=orgs,
        )
        .select_related("organisation")
        .order_by("-search_rank", "-start", "-id")[: limit + 1]
    )
    hits = [
        search.Hit(
            title=m.title,
            url=reverse("meetings:detail", args=[m.pk]),
            status=m.get_status_display(),
            detail=f"{m.organisation.name} · {timezone.localtime(m.start):%Y-%m-%d}",
        )
        for m in rows
    ]
    # The list sends members without a staff role to their own meetings.
    return search.Found(hits, reverse("meetings:list"))

"""Consultation topics in the header search (core/search.py), as the topics list sees them."""

from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy

from xieshang.core import search
from xieshang.core.pii import mask_numbers
from xieshang.textsim import search as text_search

from . import selectors


@search.register("topics", gettext_lazy("协商议题"), order=20)
def search_topics(user, query: str, limit: int) -> search.Found:
    rows = (
        text_search(selectors.visible_topics(user), ["title", "ticket"], query, ranked=True)
        .select_related("organisation")
        .order_by("-search_rank", "-created_at", "-id")[: limit + 1]
    )
    hits = [
        search.Hit(
            title=mask_numbers(t.title),  # as the topics list shows it
            url=reverse("consultation:topic", args=[t.pk]),
            number=t.ticket,
            status=t.get_status_display(),
            detail=f"{t.organisation.name} · {t.get_source_display()}",
        )
        for t in rows
    ]
    return search.Found(hits, reverse("consultation:topics") + "?" + urlencode({"q": query}))

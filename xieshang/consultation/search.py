"""Consultation topics in the header search (core/search.py), as the topics list sees them."""

from django.db.models import Q
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy

from xieshang.core import search

from . import selectors


@search.register("topics", gettext_lazy("协商议题"), order=20)
def search_topics(user, query: str, limit: int) -> search.Found:
    rows = (
        selectors.visible_topics(user)
        .filter(Q(title__icontains=query) | Q(ticket__icontains=query))
        .select_related("organisation")
        .order_by("-created_at", "-id")[: limit + 1]
    )
    hits = [
        search.Hit(
            title=t.title,
            url=reverse("consultation:topic", args=[t.pk]),
            number=t.ticket,
            status=t.get_status_display(),
            detail=f"{t.organisation.name} · {t.get_source_display()}",
        )
        for t in rows
    ]
    return search.Found(hits, reverse("consultation:topics") + "?" + urlencode({"q": query}))

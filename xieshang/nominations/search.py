"""Nomination candidates in the header search (core/search.py), in the rounds' scope."""

from django.urls import reverse
from django.utils.translation import gettext_lazy

from xieshang.core import search

from . import policies
from .models import Candidate


@search.register("nominations", gettext_lazy("提名人选"), order=55)
def search_candidates(user, query: str, limit: int) -> search.Found | None:
    if not policies.can_use(user):
        return None
    rows = (
        Candidate.objects.filter(policies.visible_q(user, "round__organisation"))
        .filter(name__icontains=query)
        .select_related("round", "party")
        .order_by("-round__created_at", "stroke_key", "id")[: limit + 1]
    )
    hits = [
        search.Hit(
            title=c.name,
            url=reverse("nominations:candidate", args=[c.pk]),
            status=c.get_status_display(),
            detail=f"{c.round.title} · {c.party.short_name or c.party.name}",
        )
        for c in rows
    ]
    return search.Found(hits, reverse("nominations:list"))

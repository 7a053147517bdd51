"""Proposals in the header search (core/search.py): the proposals list's own visibility."""

from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy

from xieshang.core import access, search

from . import policies, selectors


@search.register("proposals", gettext_lazy("提案"), order=10)
def search_proposals(user, query: str, limit: int) -> search.Found:
    # The text index: title, number, proposers' names and the text, best match first.
    rows = (
        selectors.proposal_search(user, query, ranked=True)
        .select_related("organisation")
        .order_by("-search_rank", "-year", "-submitted_at", "-id")[: limit + 1]
    )
    hits = [
        search.Hit(
            title=p.title,
            url=reverse("proposals:detail", args=[p.pk]),
            number=p.number,
            status=p.get_status_display(),
            detail=f"{p.organisation.name} · {p.year}",
        )
        for p in rows
    ]
    # The full list (with its own search) is for staff and departments; a member's is "mine".
    if access.can(user, "proposals.view") or policies.department_ids(user):
        # Every year, as the hits above (the list alone is this year's by default).
        more = reverse("proposals:index") + "?" + urlencode({"q": query, "year": ""})
    else:
        more = reverse("proposals:mine")
    return search.Found(hits, more)

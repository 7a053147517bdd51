"""Residents' issues (群众诉求) in the header search (core/search.py): the issues of the
queue's scope and those routed to the user's departments, as their own lists show them."""

from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy

from xieshang.core import access, search
from xieshang.core.pii import mask_numbers
from xieshang.textsim import search as text_search

from . import policies
from .models import ResidentIssue


@search.register("residents", gettext_lazy("群众诉求"), order=60)
def search_residents(user, query: str, limit: int) -> search.Found | None:
    lists = policies.can_see_lists(user)
    departments = sorted(access.department_ids(user))
    if not lists and not departments:
        return None
    scope = policies.visible_q(user) if lists else Q(pk__in=[])
    if departments:
        scope |= Q(department_id__in=departments)
    rows = (
        text_search(ResidentIssue.objects.filter(scope), ["title", "ticket"], query, ranked=True)
        .select_related("organisation")
        .order_by("-search_rank", "-created_at", "-id")[: limit + 1]
    )
    hits = [
        search.Hit(
            title=mask_numbers(i.title),  # as the issue's staff pages show it
            url=reverse("residents:detail", args=[i.pk]),
            number=i.ticket,
            status=i.get_status_display(),
            detail=i.organisation.name,
        )
        for i in rows
    ]
    return search.Found(hits, reverse("residents:queue" if lists else "residents:routed"))

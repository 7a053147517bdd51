"""社情民意 in the header search (core/search.py): drafts only the author's own."""

from django.urls import reverse
from django.utils.translation import gettext_lazy

from xieshang.core import access, search
from xieshang.textsim import search as text_search

from . import policies
from .models import Opinion


@search.register("opinions", gettext_lazy("社情民意"), order=30)
def search_opinions(user, query: str, limit: int) -> search.Found:
    # visible_q joins the authors: a sub-select keeps one row per item.
    visible = Opinion.objects.filter(policies.visible_q(user)).values("pk")
    rows = (
        text_search(Opinion.objects.filter(pk__in=visible), ["title"], query, ranked=True)
        .select_related("organisation")
        .order_by("-search_rank", "-created_at", "-id")[: limit + 1]
    )
    hits = [
        search.Hit(
            title=o.title,
            url=reverse("opinions:detail", args=[o.pk]),
            status=o.get_status_display(),
            detail=o.organisation.name,
        )
        for o in rows
    ]
    manages = access.can(user, "opinions.manage")
    more = reverse("opinions:queue" if manages else "opinions:mine")
    return search.Found(hits, more)

"""Budget lines in the header search (core/search.py), for whoever may read the budgets."""

from django.urls import reverse
from django.utils.translation import gettext_lazy

from xieshang.core import access, search

from . import policies
from .models import BudgetLine


@search.register("budgets", gettext_lazy("活动经费"), order=70)
def search_budgets(user, query: str, limit: int) -> search.Found | None:
    if not policies.can_use(user):
        return None
    rows = (
        access.scope(BudgetLine.objects.all(), user, policies.VIEW)
        .filter(item__icontains=query)
        .select_related("organisation")
        .order_by("-year", "-id")[: limit + 1]
    )
    hits = [
        search.Hit(
            title=line.item,
            url=reverse("budgets:line", args=[line.pk]),
            status=line.get_category_display(),
            detail=f"{line.organisation.name} · {line.year}",
        )
        for line in rows
    ]
    return search.Found(hits, reverse("budgets:sheet"))

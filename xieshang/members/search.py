"""Members in the header search (core/search.py): the members list's scope and masking."""

from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from xieshang.core import access, pii, search

from . import selectors


@search.register("members", gettext_lazy("委员"), order=50)
def search_members(user, query: str, limit: int) -> search.Found | None:
    if not access.can(user, "members.view"):
        return None
    rows = list(
        selectors.membership_rows(user, selectors.MemberFilter(q=query)).prefetch_related(None)[
            : limit + 1
        ]
    )
    hits = []
    unmasked = 0
    for i, seat in enumerate(rows):
        phone = seat.member.phone
        # As on the members list: the number in full only with members.view_pii there.
        if access.can(user, "members.view_pii", seat.member.organisation):
            unmasked += 1 if phone and i < limit else 0
        else:
            phone = pii.mask_phone(phone)
        detail = " · ".join(
            str(x) for x in (seat.member.organisation.name, seat.sector or "", phone) if x
        )
        hits.append(
            search.Hit(
                title=seat.member.name,
                url=reverse("members:detail", args=[seat.member.pk]),
                status=seat.get_status_display(),
                detail=detail,
            )
        )
    if unmasked:
        pii.log_access(
            actor=user,
            action="view",
            fields=["phone"],
            count=unmasked,
            organisation=access.home_organisation(user),
            note=_("全站搜索"),
        )
    return search.Found(hits, reverse("members:list") + "?" + urlencode({"q": query}))

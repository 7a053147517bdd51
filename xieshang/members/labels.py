"""How a member is named in a choice (a picker's option, a select): the name, then the
sector of the latest seat and the committee, 王芳（教育界·示范区政协）, so that two 王芳 can be
told apart; a member whose latest seat has ended is marked (（已离任）, （已撤销委员资格）),
so that a former member is never taken for a sitting one.

`with_label_data` loads what the label reads in a fixed number of queries (the committee
joined, the seats in one prefetch), whatever the number of members: a queryset a picker
labels goes through it."""

from django.db.models import Prefetch, QuerySet
from django.utils.translation import gettext as _

from xieshang.core.text import aside

from .models import Membership


def with_label_data(qs: QuerySet) -> QuerySet:
    seats = Membership.objects.select_related("sector").order_by("-term__start_date", "-id")
    return qs.select_related("organisation").prefetch_related(
        Prefetch("memberships", queryset=seats, to_attr="label_seats")
    )


def member_label(member) -> str:
    seats = getattr(member, "label_seats", None)
    if seats is None:  # not prefetched: one query, for a single member
        seats = list(
            member.memberships.select_related("sector").order_by("-term__start_date", "-id")
        )
    seat = seats[0] if seats else None
    where = [seat.sector.name] if seat is not None and seat.sector_id else []
    where.append(member.organisation.name)
    label = aside(member.name, "·".join(where))
    if seat is not None and seat.status == Membership.Status.REVOKED:
        label = aside(label, _("已撤销委员资格"))
    elif seat is not None and seat.status != Membership.Status.ACTIVE:
        label = aside(label, _("已离任"))
    return label

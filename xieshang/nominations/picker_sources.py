"""Server-searched pickers of the nominations pages (core.pickers, issue 14).

- `nomination-organisations`: the committees where the user may open a round
  (`policies.manageable_organisations`, every county of a province for its office).
- `nomination-members`: the members of round `round=<id>`'s committee, for a user who
  nominates in that round (the candidate form's "现任（原任）委员").

Each is the queryset its form validates with, so a choice outside it is refused there.
"""

from django.core.exceptions import PermissionDenied
from django.http import Http404

from xieshang.core import pickers
from xieshang.core.picker_sources import int_param
from xieshang.members.labels import member_label, with_label_data
from xieshang.members.models import Member

from . import policies
from .models import NominationRound


def round_members(round: NominationRound):
    # Current and former members (continued nomination): each labelled with its seat, a
    # former or revoked one marked, so namesakes and former members are told apart.
    return with_label_data(
        Member.objects.filter(organisation=round.organisation).order_by("stroke_key", "id")
    )


def _members(user, params):
    pk = int_param(params, "round")
    round = NominationRound.objects.select_related("organisation").filter(pk=pk).first()
    if round is None or not policies.can_view(user, round):
        raise Http404
    if not round.is_draft or not policies.nominating_departments(user, round):
        raise PermissionDenied
    return round_members(round)


pickers.register(
    "nomination-organisations",
    queryset_for_user=lambda user, params: policies.manageable_organisations(user).order_by("path"),
    label=lambda o: o.name,
    search_fields=("name",),
)
pickers.register(
    "nomination-members",
    queryset_for_user=_members,
    label=member_label,
    search_fields=("name",),
)

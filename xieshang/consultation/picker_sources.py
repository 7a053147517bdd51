"""Server-searched pickers of the consultation pages (core.pickers, issue 14).

`consultation-members`: the seated members of organisation `organisation=<id>`, for a user
who runs consultation activities there (the participants form's "按姓名邀请委员"). The
form's department heads use core's `departments` source with `perm=consultation.activities`.
"""

from django.core.exceptions import PermissionDenied
from django.http import Http404

from xieshang.core import pickers
from xieshang.core.picker_sources import int_param
from xieshang.members.models import Member
from xieshang.orgs.models import Organisation

from . import policies


def seated_members(organisation):
    return (
        Member.objects.filter(organisation=organisation, memberships__status="active")
        .distinct()
        .order_by("stroke_key", "id")
    )


def _members(user, params):
    organisation = Organisation.objects.filter(pk=int_param(params, "organisation")).first()
    if organisation is None:
        raise Http404
    if not policies.can_run_activities(user, organisation):
        raise PermissionDenied
    return seated_members(organisation)


pickers.register(
    "consultation-members",
    queryset_for_user=_members,
    label=lambda m: m.name,
    search_fields=("name",),
)

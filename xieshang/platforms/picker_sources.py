"""Server-searched pickers of the platform pages (core.pickers, issue 14).

- `platform-organisations`: the streets and communities where the user may register a
  platform (`policies.manageable_organisations`: hundreds in a district, thousands in a
  province), searched by the community's or its street's name.
- `platform-members`: the members serving on the committees above platform `platform=<id>`
  and not on it now (`assignable_members`), for a user who manages that platform.
- `platform-streets`: the streets of the register's filter (`policies.visible_streets_q`:
  under the user's manager roles, or holding a platform the user sees), for a user of the
  register.

Each is the queryset its form validates with, so a choice outside it is refused there.
"""

from django.core.exceptions import PermissionDenied
from django.http import Http404

from xieshang.core import pickers
from xieshang.core.picker_sources import int_param
from xieshang.members.models import Member, Membership
from xieshang.orgs.models import Level, Organisation

from . import policies
from .models import Platform, PlatformMember


def org_label(org) -> str:
    return (
        f"{org.parent.name} · {org.name}" if org.level == "community" and org.parent else org.name
    )


def assignable_members(platform: Platform):
    """Members of the committees above the platform, serving now, not on it now."""
    return (
        Member.objects.filter(
            organisation_id__in=platform.organisation.ancestor_ids(),
            memberships__status=Membership.Status.ACTIVE,
        )
        .exclude(
            pk__in=PlatformMember.objects.filter(platform=platform, until__isnull=True).values(
                "member_id"
            )
        )
        .distinct()
        .order_by("stroke_key", "id")
    )


def register_streets(user):
    """The streets the register's filter offers `user`."""
    return Organisation.objects.filter(
        policies.visible_streets_q(user), level=Level.STREET
    ).order_by("path")


def _streets(user, params):
    if not policies.can_use_register(user):
        raise PermissionDenied
    return register_streets(user)


def _members(user, params):
    pk = int_param(params, "platform")
    platform = Platform.objects.select_related("organisation").filter(pk=pk).first()
    if platform is None or not policies.can_manage(user, platform):
        raise Http404
    return assignable_members(platform)


pickers.register(
    "platform-organisations",
    queryset_for_user=lambda user, params: (
        policies.manageable_organisations(user).select_related("parent").order_by("path")
    ),
    label=org_label,
    search_fields=("name", "parent__name"),
)
pickers.register(
    "platform-members",
    queryset_for_user=_members,
    label=lambda m: m.name,
    search_fields=("name",),
)
pickers.register(
    "platform-streets",
    queryset_for_user=_streets,
    label=lambda o: o.name,
    search_fields=("name",),
)

"""Server-searched pickers of the platform pages (core.pickers, issue 14).

- `platform-organisations`: the streets and communities where the user may register a
  platform (`policies.manageable_organisations`: hundreds in a district, thousands in a
  province), searched by the community's or its street's name.
- `platform-members`: the members serving on the committees above platform `platform=<id>`
  and not on it now (`assignable_members`), for a user who manages that platform.
- `platform-conveners`, `platform-rooms`: the conveners with an account (liaison officers
  and office staff) and the liaison rooms of the area of the platform form
  (`area_streets`): of the streets and communities the user may register platforms in, or,
  with `platform=<id>`, of that platform's place, for a user who manages it.
- `platform-streets`: the streets of the register's filter (`policies.visible_streets_q`:
  under the user's manager roles, or holding a platform the user sees), for a user of the
  register.

Each is the queryset its form validates with, so a choice outside it is refused there.
"""

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404

from xieshang.core import pickers
from xieshang.core.models import User
from xieshang.core.picker_sources import int_param
from xieshang.members.labels import member_label, with_label_data
from xieshang.members.models import Member, Membership
from xieshang.orgs.models import Level, LiaisonRoom, Organisation, Role

from . import policies
from .models import Platform, PlatformMember


def org_label(org) -> str:
    return (
        f"{org.parent.name} · {org.name}" if org.level == "community" and org.parent else org.name
    )


def assignable_members(platform: Platform):
    """Members of the committees above the platform, serving now, not on it now."""
    return with_label_data(
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


def area_streets(orgs):
    """The places `orgs` and the streets above their communities: where the platform
    form's liaison rooms and conveners come from."""
    return Organisation.objects.filter(
        Q(pk__in=orgs.values("pk")) | Q(pk__in=orgs.values("parent_id"))
    )


def area_conveners(area):
    """Conveners with an account: the liaison officers and office staff of the area."""
    return (
        User.objects.filter(
            is_active=True,
            role_assignments__role__in=[Role.LIAISON, Role.OFFICE],
            role_assignments__organisation__in=area,
        )
        .distinct()
        .order_by("full_name", "username")
    )


def area_rooms(area):
    return LiaisonRoom.objects.filter(street__in=area).order_by("street__path")


def _area(user, params):
    pk = int_param(params, "platform")
    if pk is None:  # registering a platform
        orgs = policies.manageable_organisations(user)
        if not orgs.exists():
            raise PermissionDenied
        return area_streets(orgs)
    platform = Platform.objects.select_related("organisation").filter(pk=pk).first()
    if platform is None or not policies.can_manage(user, platform):
        raise Http404
    return area_streets(Organisation.objects.filter(path__startswith=platform.organisation.path))


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
    label=member_label,
    search_fields=("name",),
)
pickers.register(
    "platform-streets",
    queryset_for_user=_streets,
    label=lambda o: o.name,
    search_fields=("name",),
)
pickers.register(
    "platform-conveners",
    queryset_for_user=lambda user, params: area_conveners(_area(user, params)),
    label=lambda u: u.display_name,
    search_fields=("full_name", "username"),
)
pickers.register(
    "platform-rooms",
    queryset_for_user=lambda user, params: area_rooms(_area(user, params)),
    label=lambda r: r.name,
    search_fields=("name", "street__name"),
)

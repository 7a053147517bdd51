"""Reads of platforms and sessions used by the staff pages, the portal, the home card and
(later) the residents' app. Counts are done in the database: a list page asks a fixed number
of queries whatever its length."""

import datetime as dt

from django.db.models import Count, Exists, OuterRef, Prefetch, Q
from django.utils import timezone

from xieshang.orgs.models import Level, Organisation

from . import policies
from .models import Platform, PlatformMember, PlatformSession

P = Platform.Status
S = PlatformSession.Status
HELD_STATES = (S.HELD, S.PUBLISHED)


def register(user, *, year: int, status: str = "", level: str = "", street=None):
    """The platforms the user may see, with the number of sessions held in `year`."""
    qs = Platform.objects.filter(policies.visible_q(user)).select_related(
        "organisation", "organisation__parent", "convener"
    )
    if status:
        qs = qs.filter(status=status)
    if level:
        qs = qs.filter(level=level)
    if street is not None:
        qs = qs.filter(organisation__path__startswith=street.path)
    return qs.annotate(
        sessions_in_year=Count(
            "sessions",
            filter=Q(sessions__starts_at__year=year, sessions__status__in=HELD_STATES),
            # Joined with the assignments below: without distinct each session counted once
            # per member sent down to the platform.
            distinct=True,
        ),
        member_count=Count("assignments", filter=Q(assignments__until__isnull=True), distinct=True),
    ).order_by("organisation__path", "id")


def current_members(platform: Platform):
    return (
        PlatformMember.objects.filter(platform=platform, until__isnull=True)
        .select_related("member")
        .order_by("since", "id")
    )


def past_members(platform: Platform):
    return (
        PlatformMember.objects.filter(platform=platform, until__isnull=False)
        .select_related("member")
        .order_by("-until", "id")
    )


def sessions_of(platform: Platform):
    return platform.sessions.order_by("-starts_at", "-id")


def session_list(user, *, status: str = ""):
    qs = PlatformSession.objects.filter(
        policies.visible_q(user, "platform__organisation")
    ).select_related("platform", "platform__organisation")
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("-starts_at", "-id")


def coverage(roots: list[Organisation]):
    """Streets and communities under `roots` without a running platform, with what they do
    have (a planned, built or suspended one), ordered along the tree."""
    running = Platform.objects.filter(organisation=OuterRef("pk"), status=P.RUNNING)
    q = Q(pk__in=[])
    for root in roots:
        q |= Q(path__startswith=root.path)
    nodes = (
        Organisation.objects.filter(q, level__in=[Level.STREET, Level.COMMUNITY])
        .annotate(has_running=Exists(running))
        .select_related("parent")
        .prefetch_related(
            Prefetch(
                "platforms",
                queryset=Platform.objects.exclude(status=P.RUNNING).order_by("id"),
                to_attr="other_platforms",
            )
        )
        .order_by("path")
    )
    return nodes


def coverage_summary(nodes) -> dict:
    nodes = list(nodes)
    streets = [n for n in nodes if n.level == Level.STREET]
    communities = [n for n in nodes if n.level == Level.COMMUNITY]
    return {
        "nodes": nodes,
        "gaps": [n for n in nodes if not n.has_running],
        "streets": len(streets),
        "streets_covered": sum(1 for n in streets if n.has_running),
        "communities": len(communities),
        "communities_covered": sum(1 for n in communities if n.has_running),
    }


def upcoming_for(user, *, days: int = 30, limit: int = 5):
    now = timezone.now()
    return (
        PlatformSession.objects.filter(
            policies.manage_q(user, "platform__organisation"),
            status=S.PLANNED,
            starts_at__gte=now - dt.timedelta(hours=12),
            starts_at__lte=now + dt.timedelta(days=days),
        )
        .select_related("platform")
        .order_by("starts_at")[:limit]
    )


def awaiting_approval(user):
    """Held sessions whose outcomes the user may approve."""
    qs = PlatformSession.objects.filter(status=S.HELD).select_related(
        "platform", "platform__organisation"
    )
    return qs.filter(policies.approve_q(user))


# --- the public side ----------------------------------------------------------------------------
def public_platforms():
    """Platforms shown on the portal: those that exist on the ground."""
    return Platform.objects.filter(status__in=[P.BUILT, P.RUNNING, P.SUSPENDED])


def public_upcoming(*, street=None):
    qs = PlatformSession.objects.filter(
        status=S.PLANNED,
        starts_at__gte=timezone.now(),
        platform__status__in=[P.BUILT, P.RUNNING],
    ).select_related("platform", "platform__organisation")
    if street is not None:
        qs = qs.filter(platform__organisation__path__startswith=street.path)
    return qs.order_by("starts_at", "id")


def public_outcomes(*, street=None):
    qs = PlatformSession.objects.filter(status=S.PUBLISHED, is_published=True).select_related(
        "platform", "platform__organisation"
    )
    if street is not None:
        qs = qs.filter(platform__organisation__path__startswith=street.path)
    return qs.order_by("-starts_at", "-id")

"""Server-searched pickers of the residents' issue pages (core.pickers, issue 14).

`resident-places`: the streets and communities where the user triages residents' issues
(`staff_places`: hundreds in a district, thousands for a province office), for the staff
form's "所在街道或社区", searched by the community's or its street's name. It is the
queryset that form validates with, so a place outside it is refused there.

`resident-staff-sessions`: the planned sessions of the platforms where the user triages
(`staff_sessions`), for the staff form's "列入议事会".

With `issue=<pk>`, for a user who triages that issue (anyone else: "not found", as its page
answers): `resident-route-departments`, the units it may be routed to
(`services.departments_for`), and `resident-issue-sessions`, the sessions of its street's
platforms it may be put on or settled at (`selectors.sessions_for`). Each is the queryset
its form on the issue page validates with.
"""

import datetime as dt

from django.db.models import Q
from django.http import Http404
from django.utils import timezone

from xieshang.core import pickers
from xieshang.core.picker_sources import int_param
from xieshang.core.text import aside, reader_date
from xieshang.orgs.models import Level, Organisation

from . import policies
from .models import ResidentIssue


def staff_places(user):
    return (
        Organisation.objects.filter(
            policies.triage_q(user, ""), level__in=[Level.STREET, Level.COMMUNITY]
        )
        .select_related("parent")
        .order_by("path")
    )


def place_label(org) -> str:
    if org.level == Level.COMMUNITY and org.parent_id:
        return f"{org.parent.name} · {org.name}"
    return org.name


pickers.register(
    "resident-places",
    queryset_for_user=lambda user, params: staff_places(user),
    label=place_label,
    search_fields=("name", "parent__name"),
)


def staff_sessions(user):
    from xieshang.platforms.models import PlatformSession

    return (
        PlatformSession.objects.filter(
            policies.triage_q(user, "platform__organisation"),
            status=PlatformSession.Status.PLANNED,
        )
        .select_related("platform")
        .order_by("starts_at")
    )


def issue_sessions(issue, *, planned_only: bool = False):
    """The sessions an issue may be settled at (协商解决: only a session held on or after the
    day the issue was received, or the one it was raised at, as services.issue_settle
    requires; any other offered would only be refused), or with
    `planned_only` put on (列入议事会: only a session not yet held)."""
    from xieshang.platforms.models import PlatformSession

    from .selectors import sessions_for

    PS = PlatformSession.Status
    if planned_only:  # the one coming up first: 列入议事会 is for the next meeting
        return sessions_for(issue, statuses=[PS.PLANNED]).order_by("starts_at", "id")
    # Nor one held before the issue was received (services.issue_settle refuses it), but the
    # session the issue was raised at: offered, each of them would only be refused.
    received = timezone.localtime(issue.created_at).date()
    since = timezone.make_aware(dt.datetime.combine(received, dt.time.min))
    return sessions_for(issue, statuses=[PS.HELD, PS.PUBLISHED]).filter(
        Q(starts_at__gte=since) | Q(pk=issue.session_id)
    )


def session_label(session) -> str:
    # The day in the site's way (2026年12月9日) and in local time, as the lists show it.
    return f"{session.platform.name} · {reader_date(session.starts_at)} · {session.title}"


def issue_session_label(session) -> str:
    return aside(session_label(session), session.get_status_display())


def _triaged_issue(user, params) -> ResidentIssue:
    pk = int_param(params, "issue")
    issue = (
        ResidentIssue.objects.select_related("organisation").filter(pk=pk).first()
        if pk is not None
        else None
    )
    # Same answer for "no such issue" and "not yours" (existence does not leak).
    if issue is None or not policies.can_triage(user, issue):
        raise Http404
    return issue


def _route_departments(user, params):
    from .services import departments_for

    return departments_for(_triaged_issue(user, params)).select_related("organisation")


pickers.register(
    "resident-staff-sessions",
    queryset_for_user=lambda user, params: staff_sessions(user),
    label=session_label,
    search_fields=("title", "platform__name"),
)
pickers.register(
    "resident-route-departments",
    queryset_for_user=_route_departments,
    label=lambda d: d.name,
    search_fields=("name", "organisation__name"),
)
pickers.register(
    "resident-issue-sessions",
    queryset_for_user=lambda user, params: issue_sessions(
        _triaged_issue(user, params), planned_only=params.get("planned") == "1"
    ),
    label=issue_session_label,
    search_fields=("title", "platform__name"),
)

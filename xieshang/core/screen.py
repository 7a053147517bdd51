"""数据大屏: the big-screen page for the chairman's office, a wall display that refreshes
itself. Core knows no domain: each app registers a panel provider in its AppConfig.ready()

    screen.register(proposal_panel)   # (user, organisation, year) -> Panel | None

built on the selectors its own dashboard already uses (the same numbers, one computation).
A provider returns None when the user may not see its domain in that organisation, so the
party office sees consultation but not proposals. Figures roll up over the organisation's
subtree, as on every dashboard.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.utils import timezone

from xieshang.orgs.models import Role

from . import access, dashboard

# Who the page is for: the CPPCC office, the chairman's meeting, the Party committee office.
SCREEN_ROLES = (Role.OFFICE, Role.CHAIR, Role.PARTY_OFFICE)
REFRESH_SECONDS = 300


@dataclass
class Panel:
    title: str
    figures: list[tuple[str, object]] = field(default_factory=list)  # (label, value) big numbers
    charts: list[dict] = field(default_factory=list)  # core.charts specs
    order: int = 50


_providers: list[Callable] = []


def register(provider: Callable) -> Callable:
    if provider not in _providers:
        _providers.append(provider)
    return provider


def panels(user, organisation, year: int) -> list[Panel]:
    found = [p(user, organisation, year) for p in _providers]
    return sorted((p for p in found if p is not None), key=lambda p: p.order)


def can_view(user) -> bool:
    return user.is_authenticated and access.has_role(user, *SCREEN_ROLES)


@login_required
def screen_page(request):
    if not can_view(request.user):
        raise PermissionDenied
    organisation = access.home_organisation(request.user)
    if organisation is None:
        raise PermissionDenied
    today = timezone.localdate()
    context = {
        "organisation": organisation,
        "year": today.year,
        "now": timezone.localtime(),
        "panels": panels(request.user, organisation, today.year),
        "refresh": REFRESH_SECONDS,
    }
    # The page polls itself with htmx and swaps in its own #screen-body (hx-select).
    return render(request, "core/screen.html", context)


def screen_cards(user) -> list:
    """The home page's way in for the office, the chairman's meeting and the Party office."""
    from django.urls import reverse
    from django.utils.translation import gettext as _

    from .dashboard import Card

    if not can_view(user):
        return []
    return [
        Card(_("数据大屏"), _("主要工作数据一屏展示，可投放到大屏幕"), reverse("screen"), order=85)
    ]


dashboard.register(screen_cards)

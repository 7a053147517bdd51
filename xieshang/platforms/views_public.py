"""The portal's pages of the consultation platforms (no login, phone first): the platforms
by street, upcoming sessions and the outcomes the convener approved.

Only what is public reaches these pages: platforms that exist on the ground, sessions still
to come, and published outcomes, with participants as counts (never names) and every text
passed through `portal.scrub.strip_contacts` with the session's own names as known values.
"""

from django.http import Http404
from django.shortcuts import render

from xieshang.core.params import paginate
from xieshang.orgs.models import Level, Organisation
from xieshang.portal.scrub import strip_contacts

from . import selectors

PAGE_SIZE = 20


def _names(text: str) -> list[str]:
    """Names typed in a participants box ("张三、李四，王五"), as known values to strip."""
    for sep in "，,、；;\n\t　":
        text = text.replace(sep, " ")
    return [part for part in text.split(" ") if part]


def public_session(session) -> dict:
    """A published session as the public sees it: scrubbed texts, no personal details."""
    # Residents also when called by surname in the minutes (王阿姨, 老李: strip_called), as a
    # resident's issue is; staff and members only as named.
    residents = _names(session.resident_names)
    known = _names(session.department_names) + _names(session.cadre_names)
    known += [m.name for m in getattr(session, "public_members", [])]
    platform = session.platform
    if platform.convener_name:
        known.append(platform.convener_name)
    if platform.convener_id:
        known.append(platform.convener.full_name)

    def scrub(text: str) -> str:
        return strip_contacts(text, known, names=residents)

    return {
        "pk": session.pk,
        "title": scrub(session.title),
        "starts_at": session.starts_at,
        "place": scrub(session.place),
        "platform": platform,
        "published_on": session.published_on,
        "minutes": scrub(session.minutes),
        "outcomes": [(scrub(o.text), scrub(o.responsible)) for o in session.outcomes.all()],
        "resident_count": session.resident_count,
        "department_count": session.department_count,
        "cadre_count": session.cadre_count,
        "member_count": getattr(session, "present_count", None),
    }


def _streets():
    return Organisation.objects.filter(level=Level.STREET).select_related("parent")


def index(request):
    platforms = selectors.public_platforms().select_related("organisation", "organisation__parent")
    by_street: dict = {}
    for p in platforms.order_by("organisation__path", "id"):
        street = p.organisation if p.level == Level.STREET else p.organisation.parent
        by_street.setdefault(street, []).append(p)
    upcoming = selectors.public_upcoming()[:10]
    latest = selectors.public_outcomes()[:5]
    return render(
        request,
        "platforms/public/index.html",
        {"by_street": list(by_street.items()), "upcoming": upcoming, "latest": latest},
    )


def street(request, pk: int):
    found = _streets().filter(pk=pk).first()
    if found is None:
        raise Http404
    platforms = (
        selectors.public_platforms()
        .filter(organisation__path__startswith=found.path)
        .select_related("organisation")
        .order_by("organisation__path", "id")
    )
    return render(
        request,
        "platforms/public/street.html",
        {
            "street": found,
            "platforms": platforms,
            "upcoming": selectors.public_upcoming(street=found)[:20],
            "outcomes": selectors.public_outcomes(street=found)[:20],
        },
    )


def outcomes(request):
    page = paginate(request, selectors.public_outcomes(), PAGE_SIZE)
    return render(request, "platforms/public/outcomes.html", {"page": page})


def outcome(request, pk: int):
    session = (
        selectors.public_outcomes()
        .select_related("platform__convener")
        .prefetch_related("outcomes")
        .filter(pk=pk)
        .first()
    )
    if session is None:
        raise Http404
    attendance = list(session.attendance.select_related("member"))
    session.public_members = [a.member for a in attendance]
    session.present_count = sum(1 for a in attendance if a.state == "present")
    return render(request, "platforms/public/outcome.html", {"s": public_session(session)})

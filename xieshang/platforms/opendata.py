"""What platforms publish as open data (portal.opendata, found by autodiscovery): the
sessions whose outcomes the convener approved and published, built by the portal page's
own `public_session` — participants as counts, never names, texts stripped of contacts."""

from django.db.models import Prefetch
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from xieshang.portal import opendata
from xieshang.portal.opendata import Field

from . import selectors
from .models import SessionAttendance
from .views_public import public_session


def _queryset():
    return selectors.public_outcomes().select_related("platform__convener")


def _rows(sessions: list) -> list[dict]:
    from django.db.models import prefetch_related_objects

    # What platforms_public:outcome reads per session, for all of them at once.
    prefetch_related_objects(
        sessions,
        "outcomes",
        Prefetch("attendance", queryset=SessionAttendance.objects.select_related("member")),
    )
    out = []
    for session in sessions:
        attendance = list(session.attendance.all())
        session.public_members = [a.member for a in attendance]
        session.present_count = sum(1 for a in attendance if a.state == "present")
        shown = public_session(session)
        items = []
        for text, responsible in shown["outcomes"]:
            items.append(f"{text}（{responsible}）" if responsible else text)
        out.append(
            {
                "title": shown["title"],
                "platform": session.platform.name,
                "place_org": session.platform.organisation.name,
                "held_on": timezone.localdate(session.starts_at),
                "place": shown["place"],
                "member_count": shown["member_count"] or 0,
                "resident_count": shown["resident_count"],
                "department_count": shown["department_count"],
                "cadre_count": shown["cadre_count"],
                "outcomes": opendata.joined(items),
                "minutes": shown["minutes"],
                "published_on": shown["published_on"],
                "url": reverse("platforms_public:outcome", args=[session.pk]),
            }
        )
    return out


opendata.register(
    opendata.Dataset(
        key="platform-sessions",
        label=_("协商议事成果"),
        description=_(
            "协商议事平台已公开成果的议事活动：议题、平台、召开日期、地点、参加人数、"
            "议定事项和会议纪要（参加人员只列人数，不列姓名）。"
        ),
        fields=[
            Field("title", _("议题")),
            Field("platform", _("议事平台")),
            Field("place_org", _("街道/社区")),
            Field("held_on", _("召开日期")),
            Field("place", _("地点")),
            Field("member_count", _("政协委员人数")),
            Field("resident_count", _("居民代表人数")),
            Field("department_count", _("部门人员人数")),
            Field("cadre_count", _("街道社区干部人数")),
            Field("outcomes", _("议定事项")),
            Field("minutes", _("会议纪要")),
            Field("published_on", _("公开日期")),
            Field("url", _("网页地址"), link=True),
        ],
        queryset=_queryset,
        rows=_rows,
        org_path="platform__organisation__path",
        year_lookup="starts_at__year",
        updated="published_on",
        order=30,
    )
)

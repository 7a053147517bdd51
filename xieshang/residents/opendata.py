"""What residents publish as open data (portal.opendata, found by autodiscovery): the
answers the portal's 民情事项答复 pages show, built by the page's own `public_answer` —
never who asked, nor an address with a house number."""

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from xieshang.portal import opendata
from xieshang.portal.opendata import Field

from . import selectors
from .views_public import public_answer


def _day(value):
    return timezone.localdate(value) if value else None


def _queryset():
    return selectors.public_answers()


def _rows(issues: list) -> list[dict]:
    out = []
    for issue in issues:
        shown = public_answer(issue)
        out.append(
            {
                "title": shown["title"],
                "place": shown["place"],
                "location": shown["location"],
                "created_on": _day(issue.created_at),
                "answered_on": _day(issue.answered_at),
                "status": shown["status"],
                "department": shown["department"],
                "description": shown["description"],
                "answer": shown["answer"],
                "url": reverse("residents_public:answer", args=[issue.pk]),
            }
        )
    return out


opendata.register(
    opendata.Dataset(
        key="resident-answers",
        label=_("民情事项答复"),
        description=_(
            "群众反映的身边事及其公开答复：事项、街道/社区、提出和答复日期、办理结果、"
            "答复单位和答复内容（已隐去群众的称呼、联系方式和具体门牌）。"
        ),
        fields=[
            Field("title", _("事项")),
            Field("place", _("街道/社区")),
            Field("location", _("发生地点")),
            Field("created_on", _("提出日期")),
            Field("answered_on", _("答复日期")),
            Field("status", _("办理结果")),
            Field("department", _("答复单位")),
            Field("description", _("具体情况")),
            Field("answer", _("答复内容")),
            Field("url", _("网页地址"), link=True),
        ],
        queryset=_queryset,
        rows=_rows,
        org_path="organisation__path",
        year_lookup="answered_at__year",
        updated="answered_at",
        order=40,
    )
)

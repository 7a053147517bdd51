"""Discipline cases as Excel (core.exports): the office's list of /duty/cases/ for the same
filter."""

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from xieshang.core import exports

from . import policies
from .models import DisciplineCase


def case_rows(request):
    """The office's cases of its organisation (PermissionDenied for anyone else), filtered
    by the list's status."""
    org = policies.office_organisation(request.user)
    if org is None:
        raise PermissionDenied
    qs = DisciplineCase.objects.filter(organisation=org)
    status = request.GET.get("status", "")
    if status in DisciplineCase.Status.values:
        qs = qs.filter(status=status)
    return qs.select_related("member", "decided_by").order_by("-created_at", "-id")


def _cells(c: DisciplineCase) -> list:
    return [
        c.member.name,
        c.year,
        c.get_rule_display(),
        c.facts,
        c.get_status_display(),
        c.decision_note,
        c.decided_at,
        c.created_at,
    ]


exports.register(
    "duty.cases",
    title=_("履职纪律事项"),
    fallback="discipline-cases",
    headers=[
        pgettext_lazy("one member", "委员"),
        _("年度"),
        _("事由"),
        _("情况"),
        _("状态"),
        _("处理意见"),
        _("处理时间"),
        _("发现时间"),
    ],
    rows=case_rows,
    cells=_cells,
)

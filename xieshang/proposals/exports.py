"""The proposals list as Excel (core.exports): the rows of /proposals/ for the same filters."""

from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from xieshang.core import access, exports

from . import policies, selectors
from .list_filters import ListFilterForm
from .models import Assignment, Proposal


def rows(request):
    user, query = request.user, request.GET
    if not access.can(user, "proposals.view") and not policies.department_ids(user):
        raise PermissionDenied
    status = query.get("status", "")
    if status not in Proposal.Status.values and status not in selectors.STATUS_GROUPS:
        status = ""
    q = query.get("q", "").strip()[:50]
    where = ListFilterForm(query, user=user).where()  # the list's year, session, organisation
    qs = selectors.proposal_list(user, status=status, q=q, where=where)
    if status != Proposal.Status.DRAFT:
        # A file goes into reports of proposals received: the user's own unsent drafts (a
        # paper proposal the office entered and has not sent) are in it only when 草稿 is
        # the filter asked for, though the unfiltered page lists (and counts) them.
        qs = qs.exclude(status=Proposal.Status.DRAFT)
    return qs.prefetch_related(
        Prefetch("assignments", queryset=Assignment.objects.handling().select_related("department"))
    )


def cells(p: Proposal) -> list:
    return [
        p.number or "",
        p.year,
        p.get_kind_display(),
        p.title,
        str(p.first_proposer) if p.first_proposer_id else p.proposer_body,
        p.organisation.name,
        p.category,
        p.get_status_display(),
        _("、").join(
            f"{a.department.name}{_('（')}{a.get_role_display()}{_('）')}"
            for a in p.assignments.all()
        ),
        p.submitted_at,
    ]


exports.register(
    "proposals",
    title=_("提案列表"),
    fallback="proposals",
    headers=[
        _("提案号"),
        _("年度"),
        pgettext_lazy("proposal kind", "类别"),
        _("案由"),
        _("提案人"),
        _("所属政协"),
        _("提案分类"),
        _("状态"),
        _("承办单位"),
        _("提交时间"),
    ],
    rows=rows,
    cells=cells,
)

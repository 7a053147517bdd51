"""The proposal committee's pages (C4.5, C4.6): the review queue, the assignment board of
the annual assignment meeting, the overdue list and the key proposals (the chairman's
meeting approves them). A proposal's own page and its actions are in `views`."""

from dataclasses import dataclass
from operator import attrgetter

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _

from xieshang.core import access
from xieshang.core.audit import TransitionError
from xieshang.core.params import paginate, year_param
from xieshang.core.text import aside
from xieshang.followups import selectors as followups_selectors
from xieshang.orgs.forms import chosen_committee

from . import forms, routing, selectors, services
from .forms_board import BoardRowForm
from .models import Assignment, Proposal

S = Proposal.Status
PAGE_SIZE = 50
# Rows of the assignment board per page: each row carries its suggestions and pickers.
BOARD_PAGE_SIZE = 30


@login_required
def review_queue(request):
    access.require(request.user, "proposals.review")
    page = paginate(request, selectors.review_queue(request.user), PAGE_SIZE)
    review_due = attrgetter("review_due")
    followups_selectors.mark_time_left(page.object_list, running=review_due, due=review_due)
    return render(
        request, "proposals/review_queue.html", {"page": page, "today": timezone.localdate()}
    )


@dataclass
class BoardRow:
    proposal: Proposal
    form: BoardRowForm
    error: str = ""
    taken_by: str = ""
    suggestions: list = ()


def _board_assign(user, proposal: Proposal, form: BoardRowForm) -> tuple[bool, str]:
    """(assigned, error) for one posted row; (False, "") when nothing was chosen on it."""
    if not form.is_valid():
        return False, form.error_text()
    mode, lead, others = form.choice()
    if lead is None and not others:
        return False, ""  # nothing chosen on this row: left for later
    try:
        services.proposal_assign(
            proposal=proposal,
            actor=user,
            note=_("交办会集中交办"),
            **forms.assignment_kwargs(mode, lead, others),
        )
    except TransitionError as exc:
        proposal.refresh_from_db()
        if proposal.status == S.ACCEPTED:
            return False, str(exc)
        return False, _("该提案已由他人交办，您在本行的选择未保存；其他行不受影响。")
    except ValidationError as exc:
        return False, "；".join(exc.messages)
    except PermissionDenied:
        return False, _("您无权交办该提案。")
    return True, ""


@login_required
def board(request):
    """交办会 (C4.5): the accepted proposals, a page at a time, each with the units the
    department suggestion proposes (one click to take one) and server-searched pickers; one
    submit assigns all the rows of the page that have a department chosen, each through
    `proposal_assign` on its own. Whatever the number of proposals and units in scope, a
    page costs the same: no row carries an option list."""
    user = request.user
    access.require(user, "proposals.assign")
    departments = selectors.assignable_departments(user)
    rows: dict[int, BoardRow] = {}
    done = failed = 0
    if request.method == "POST":
        posted = [int(v) for v in request.POST.getlist("proposal") if v.isdigit()]
        proposals = {
            p.pk: p
            for p in access.scope(
                Proposal.objects.filter(pk__in=posted), user, "proposals.assign"
            ).select_related("first_proposer", "organisation")
        }
        for pk in posted:
            proposal = proposals.get(pk)
            if proposal is None:
                continue
            form = BoardRowForm(request.POST, proposal=proposal, departments=departments)
            assigned, error = _board_assign(user, proposal, form)
            if assigned:
                done += 1
            elif error:
                failed += 1
                rows[pk] = BoardRow(proposal, form, error)
        if done:
            messages.success(request, _("已交办%(n)d件提案。") % {"n": done})
        if not failed:
            return redirect(request.get_full_path())
        messages.error(request, _("%(n)d件提案未能交办，请查看标红的行。") % {"n": failed})
        _mark_taken(rows)
    page = paginate(request, selectors.assignment_board(user), BOARD_PAGE_SIZE)
    board_rows = list(rows.values())
    for proposal in page.object_list:
        if proposal.pk not in rows:
            form = BoardRowForm(proposal=proposal, departments=departments)
            board_rows.append(BoardRow(proposal, form))
    suggestions = routing.suggest_many(
        row.proposal for row in board_rows if row.proposal.status == S.ACCEPTED
    )
    for row in board_rows:
        row.suggestions = suggestions.get(row.proposal.pk, [])
    return render(
        request,
        "proposals/board.html",
        {"rows": board_rows, "page": page, "failed": failed},
        status=400 if failed else 200,
    )


def _mark_taken(rows: dict[int, BoardRow]) -> None:
    """For rows someone else assigned meanwhile: who has the proposal now."""
    taken = [pk for pk, row in rows.items() if row.proposal.status != S.ACCEPTED]
    if not taken:
        return
    names: dict[int, list[str]] = {}
    for a in (
        Assignment.objects.filter(proposal_id__in=taken, status=Assignment.Status.HANDLING)
        .select_related("department")
        .order_by("role", "id")
    ):
        names.setdefault(a.proposal_id, []).append(aside(a.department.name, a.get_role_display()))
    for pk in taken:
        rows[pk].taken_by = "、".join(names.get(pk, []))


@login_required
def overdue(request):
    access.require(request.user, "proposals.view")
    today = timezone.localdate()
    page = paginate(request, selectors.overdue_assignments(request.user, today), PAGE_SIZE)
    # Every row is still in handling (the selector's rule): each counts its days overdue.
    followups_selectors.mark_time_left(
        page.object_list, running=lambda _a: True, due=lambda a: a.task.due_date
    )
    return render(request, "proposals/overdue.html", {"page": page})


@login_required
def key_list(request):
    """重点提案: the shortlist and approved key proposals; candidates for the committee."""
    user = request.user
    access.require(user, "proposals.view")
    this_year = timezone.localdate().year
    year = year_param(request, default=this_year)
    # One committee's year at a time: a province's ten years hold 5,000 key proposals.
    org, switch = chosen_committee(request, "proposals.view")
    keys = selectors.key_proposals(user).filter(year=year)
    candidates = selectors.key_candidates(user).filter(year=year)
    if org is not None:
        keys, candidates = keys.filter(organisation=org), candidates.filter(organisation=org)
    can_shortlist = access.can(user, "proposals.review")
    return render(
        request,
        "proposals/key_list.html",
        {
            "keys": list(keys[:500]),
            "page": paginate(request, candidates, PAGE_SIZE) if can_shortlist else None,
            "can_shortlist": can_shortlist,
            "year": year,
            "years": range(this_year, this_year - 10, -1),
            "switch": switch,
            "org": org,
        },
    )


@login_required
def key_queue(request):
    """The chairman's meeting: shortlisted key proposals to approve with a leading leader."""
    access.require(request.user, "proposals.key_approve")
    rows = list(selectors.key_approval_queue(request.user)[:500])
    reasons = selectors.shortlist_reasons(rows)
    for p in rows:
        p.shortlist_reason = reasons.get(p.pk, "")
    return render(request, "proposals/key_queue.html", {"rows": rows})


urlpatterns: list = [
    path("review/", review_queue, name="review_queue"),
    path("board/", board, name="board"),
    path("overdue/", overdue, name="overdue"),
    path("key/", key_list, name="key_list"),
    path("key/approve/", key_queue, name="key_queue"),
]

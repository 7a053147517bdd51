"""The proposal committee's pages (C4.5, C4.6): the review queue, the assignment board of
the annual assignment meeting, the overdue list and the key proposals (the chairman's
meeting approves them). A proposal's own page and its actions are in `views`."""

from dataclasses import dataclass
from operator import attrgetter

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop as N_

from xieshang.core import access
from xieshang.core.audit import TransitionError, history
from xieshang.core.forms import add_service_errors
from xieshang.core.panels import Panel
from xieshang.core.params import paginate, year_param
from xieshang.core.phrases import Phrase
from xieshang.core.text import aside
from xieshang.followups import policies as followups_policies
from xieshang.followups import selectors as followups_selectors
from xieshang.followups.models import Extension
from xieshang.orgs.forms import chosen_committee

from . import forms, routing, selectors, services
from .forms_board import BoardRowForm, ReassignForm, ReturnedPartCloseForm
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
            note=Phrase(N_("交办会集中交办")),  # the history reads it in each reader's language
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
        {
            "rows": board_rows,
            "page": page,
            "failed": failed,
            "returned": list(selectors.returned_parts_waiting(user)),
        },
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
        rows[pk].taken_by = _("、").join(names.get(pk, []))


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


# --- A proposal in handling, for the proposal committee ------------------------------------


def handling_panel(request, proposal: Proposal) -> Panel | None:
    """The proposal page's 办理中待处理 panel for the proposal committee (core.panels): the
    departments' pending extension requests (申请延期, the date asked for and why, with a
    link to decide them on the follow-up task's page) and the parts that split departments
    sent back (申请退回) while the others go on, each with the way to hand it to another
    department (改交). Two queries, and one per returned part; nothing for whoever does
    not assign proposals."""
    user = request.user
    # Both wait on the committee while the proposal is in handling (办理中) only: no query
    # on the page of a proposal in any other state.
    if proposal.status != S.ASSIGNED:
        return None
    if not access.can(user, "proposals.assign", proposal.organisation):
        return None
    assignments = list(
        proposal.assignments.filter(
            status__in=[Assignment.Status.HANDLING, Assignment.Status.RETURNED]
        ).select_related("department", "task__organisation")
    )
    returned = [
        a
        for a in assignments
        if a.status == Assignment.Status.RETURNED and services.reassign_refusal(a, proposal) is None
    ]
    tasks = {a.task_id: a for a in assignments if a.task_id}
    extensions = list(
        Extension.objects.filter(task_id__in=list(tasks), status=Extension.Status.PENDING)
        .select_related("requested_by")
        .order_by("created_at", "id")
    )
    for ext in extensions:
        ext.assignment = tasks[ext.task_id]
        ext.may_decide = followups_policies.can_manage(user, ext.assignment.task)
    if not returned and not extensions:
        return None
    return Panel(
        "proposals/_handling_panel.html",
        {"proposal": proposal, "returned": returned, "extensions": extensions},
        order=10,
    )


def _returned_part(request, pk: int, assignment_pk: int) -> Assignment:
    assignment = (
        Assignment.objects.select_related("proposal__organisation", "department")
        .filter(pk=assignment_pk, proposal_id=pk)
        .first()
    )
    # The same answer for "no such part" and "not yours to assign".
    if assignment is None or not access.can(
        request.user, "proposals.assign", assignment.proposal.organisation
    ):
        raise Http404
    return assignment


def _part_decision(proposal: Proposal, assignment: Assignment):
    """The history line of the committee's decision on a split part sent back (改交 to whom,
    or 不再改交 and why), once decided: a page opened before shows it instead of forms that
    can no longer work. Its `shown` is what the page says of it: for 不再改交 the reason as
    the event's data keeps it (the note, for an event recorded before the data kept it), for
    改交 the note (from which department to which, and why)."""
    verb = {
        Assignment.Status.WITHDRAWN: "proposal.reassign",
        Assignment.Status.CLOSED: "proposal.reassign_close",
    }.get(assignment.status)
    if verb is None or assignment.role != Assignment.Role.SPLIT:
        return None
    event = (
        history(proposal)
        .filter(verb=verb, data__returned=assignment.pk)
        .order_by("-created_at", "-id")
        .first()
    )
    if event is not None:
        event.shown = (event.data or {}).get("reason") or event.note
    return event


@login_required
def reassign(request, pk: int, assignment_pk: int):
    """改交 (C4.6): the part a split department sent back goes to another department, while
    the other split departments go on with theirs (`services.assignment_reassign`); or the
    committee decides it goes to none (不再改交, `services.returned_part_close`), on the
    same page, its own form (fields prefixed "close-")."""
    assignment = _returned_part(request, pk, assignment_pk)
    proposal = assignment.proposal
    departments = selectors.assignable_departments(request.user).filter(
        organisation=proposal.organisation
    )
    post = request.POST if request.method == "POST" else None
    closing = post is not None and "close-reason" in post
    data = None if closing else post
    form = ReassignForm(data, proposal=proposal, departments=departments)
    close_form = ReturnedPartCloseForm(post if closing else None, prefix="close")
    status = 200
    if closing:
        if close_form.is_valid():
            try:
                services.returned_part_close(
                    assignment=assignment,
                    actor=request.user,
                    reason=close_form.cleaned_data["reason"],
                )
            except (ValidationError, TransitionError) as exc:
                add_service_errors(close_form, exc)
            except PermissionDenied:
                raise Http404 from None
            else:
                messages.success(request, _("已决定该部分不再改交，并已通知提案人。"))
                return redirect(proposal.get_absolute_url())
        status = 400
    elif data is not None:
        if form.is_valid():
            try:
                new = services.assignment_reassign(
                    assignment=assignment,
                    actor=request.user,
                    department=form.cleaned_data["department"],
                    note=form.cleaned_data["note"],
                )
            except (ValidationError, TransitionError) as exc:
                add_service_errors(form, exc)
            except PermissionDenied:
                raise Http404 from None
            else:
                messages.success(
                    request,
                    _("已改交%(dept)s办理，并已通知该单位和提案人。")
                    % {"dept": new.department.name},
                )
                return redirect(proposal.get_absolute_url())
        status = 400
    others = list(
        proposal.assignments.filter(round=assignment.round)
        .exclude(pk=assignment.pk)
        .select_related("department")
    )
    return render(
        request,
        "proposals/reassign.html",
        {
            "proposal": proposal,
            "assignment": assignment,
            "others": others,
            "decision": _part_decision(proposal, assignment),
            "refusal": services.reassign_refusal(assignment, proposal),
            "form": form,
            "close_form": close_form,
        },
        status=status,
    )


urlpatterns: list = [
    path("<int:pk>/reassign/<int:assignment_pk>/", reassign, name="reassign"),
    path("review/", review_queue, name="review_queue"),
    path("board/", board, name="board"),
    path("overdue/", overdue, name="overdue"),
    path("key/", key_list, name="key_list"),
    path("key/approve/", key_queue, name="key_queue"),
]

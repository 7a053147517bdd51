"""Members' pages and the proposal page (the committee's lists are in views_committee).

Members draft, submit, co-sign and rate; on the proposal page the proposal committee
reviews and assigns one by one. Every action is a POST to `act`, which checks the role,
validates the form and calls the one service function of that transition; a refused action
re-renders the page (status 400) with the user's input and the service's message.
"""

import logging
from collections.abc import Callable
from dataclasses import dataclass
from operator import attrgetter

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from xieshang.core import access, exports, files, page_keys, regions, search
from xieshang.core.audit import StaleEdit, TransitionError, deleted_by, history
from xieshang.core.forms import add_service_errors, refuse_stale
from xieshang.core.params import paginate
from xieshang.followups import selectors as followups_selectors
from xieshang.orgs import config

from . import forms, policies, routing, rules, selectors, services, similarity
from .list_filters import ListFilterForm
from .models import Answer, Assignment, Proposal, Signer
from .services.drafting import over_limit

S = Proposal.Status
PAGE_SIZE = 50
logger = logging.getLogger(__name__)


# --- Helpers ----------------------------------------------------------------------------------


def _get_proposal(
    request, pk: int, *, read=selectors.proposal_for_detail, with_signers: bool = True
) -> Proposal:
    """`read`: how to read it; `with_signers`: whether it reads the signers (False for the
    page's `selectors.proposal_to_view`: `policies.can_view` then asks whether the viewer
    co-signs it, one query, only for a member's login that gets that far)."""
    proposal = read(pk)
    # The same answer for "no such proposal" and "not yours": existence does not leak.
    if proposal is None or not policies.can_view(
        request.user,
        proposal,
        signed=_is_signer(request.user, proposal) if with_signers else None,
    ):
        raise Http404
    return proposal


def _next_or(request, default: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default


def _paginate(request, qs):
    return paginate(request, qs, PAGE_SIZE)


def _similar_rows(results) -> list[tuple[Proposal, int]]:
    """(proposal, similarity in per cent) for the similar-proposals panel."""
    return [(p, round(float(score) * 100)) for p, score in results]


def _member(request):
    return policies.member_of(request.user)


# --- Actions ------------------------------------------------------------------------------------


def _can_assign(user, proposal) -> bool:
    return access.can(user, "proposals.assign", proposal.organisation)


def _is_signer(user, proposal) -> bool:
    member = policies.member_of(user)
    return member is not None and any(s.member_id == member.pk for s in proposal.signers.all())


def _submit(request, proposal, data):
    result = services.proposal_submit(proposal=proposal, actor=request.user)
    return _submitted_message(result)


def _assign(request, proposal, data):
    kwargs = forms.assignment_kwargs(data["mode"], data.get("lead"), list(data.get("others") or []))
    services.proposal_assign(proposal=proposal, actor=request.user, note=data["note"], **kwargs)
    return _("已交办。")


def _cosign_for(request, proposal, data):
    proposal = services.signer_confirm_for(
        proposal=proposal, signer_pk=data["signer"], actor=request.user, note=data["note"]
    )
    if proposal.status == S.SUBMITTED:
        return _("已代为确认联名。联名人均已答复，提案已进入审查。")
    return _("已代为确认联名。")


def _msg(_result, message: str) -> str:
    """The success message of an action whose service returned `_result`."""
    return message


@dataclass(frozen=True)
class Action:
    form: type
    allowed: Callable  # (user, proposal) -> bool: the role check; the state is the service's
    run: Callable  # (request, proposal, cleaned_data) -> success message


ACTIONS: dict[str, Action] = {
    "submit": Action(forms.EmptyForm, policies.is_first_proposer, _submit),
    "delete_draft": Action(
        forms.EmptyForm,
        policies.is_first_proposer,
        lambda r, p, d: _msg(
            services.proposal_delete_draft(proposal=p, actor=r.user), _("草稿已删除。")
        ),
    ),
    "cosign_confirm": Action(
        forms.EmptyForm,
        _is_signer,
        lambda r, p, d: _msg(
            services.signer_respond(proposal=p, actor=r.user, confirm=True), _("已确认联名。")
        ),
    ),
    "cosign_decline": Action(
        forms.EmptyForm,
        _is_signer,
        lambda r, p, d: _msg(
            services.signer_respond(proposal=p, actor=r.user, confirm=False), _("已谢绝联名。")
        ),
    ),
    "cosign_withdraw": Action(
        forms.EmptyForm,
        policies.is_first_proposer,
        lambda r, p, d: _msg(
            services.cosign_withdraw_pending(proposal=p, actor=r.user),
            _("已撤回未确认的联名邀请，提案已进入审查。"),
        ),
    ),
    "cosign_for": Action(
        forms.CosignForForm,
        policies.can_review,
        lambda r, p, d: _cosign_for(r, p, d),
    ),
    "accept": Action(
        forms.AcceptForm,
        policies.can_review,
        lambda r, p, d: _msg(
            services.proposal_accept(proposal=p, actor=r.user, note=d["note"]), _("已立案。")
        ),
    ),
    "merge": Action(
        forms.MergeForm,
        policies.can_review,
        lambda r, p, d: _msg(
            services.proposal_merge(proposal=p, into=d["into"], actor=r.user, note=d["note"]),
            _("已并案。"),
        ),
    ),
    "convert": Action(
        forms.ConvertForm,
        policies.can_review,
        lambda r, p, d: _msg(
            services.proposal_convert(proposal=p, to=d["to"], actor=r.user, note=d["note"]),
            _("已转办，并已告知提案人。"),
        ),
    ),
    "return": Action(
        forms.ReturnForm,
        policies.can_review,
        lambda r, p, d: _msg(
            services.proposal_return(proposal=p, actor=r.user, note=d["note"]),
            _("已退回提案人修改。"),
        ),
    ),
    "reject": Action(
        forms.RejectForm,
        policies.can_review,
        lambda r, p, d: _msg(
            services.proposal_reject(proposal=p, actor=r.user, reason=d["reason"], note=d["note"]),
            _("已作不予立案处理，并已告知提案人理由。"),
        ),
    ),
    "assign": Action(forms.AssignForm, _can_assign, _assign),
    "rehandle": Action(
        forms.RehandleForm,
        _can_assign,
        lambda r, p, d: _msg(
            services.proposal_rehandle(proposal=p, actor=r.user, note=d["note"]),
            _("已交承办单位重新办理。"),
        ),
    ),
    "close": Action(
        forms.CloseForm,
        _can_assign,
        lambda r, p, d: _msg(
            services.proposal_close(proposal=p, actor=r.user, note=d["note"]), _("提案已办结。")
        ),
    ),
    "shortlist": Action(
        forms.ShortlistForm,
        policies.can_review,
        lambda r, p, d: _msg(
            services.key_shortlist(proposal=p, actor=r.user, note=d["note"]),
            _("已拟定为重点提案，待主席会议审定。"),
        ),
    ),
    "approve_key": Action(
        forms.KeyApproveForm,
        policies.can_approve_key,
        lambda r, p, d: _msg(
            services.key_approve(proposal=p, actor=r.user, leading_leader=d["leading_leader"]),
            _("已确定为重点提案。"),
        ),
    ),
    "decline_key": Action(
        forms.KeyDeclineForm,
        policies.can_approve_key,
        lambda r, p, d: _msg(
            services.key_decline(proposal=p, actor=r.user, note=d["note"]),
            _("已不列为重点提案，退回提案委员会。"),
        ),
    ),
    "supervise": Action(
        forms.SupervisionForm,
        policies.can_review,
        lambda r, p, d: _msg(
            services.supervision_record(
                proposal=p, actor=r.user, date=d["date"], way=d["way"], note=d["note"]
            ),
            _("已记录督办情况。"),
        ),
    ),
    "withhold": Action(
        forms.WithholdForm,
        policies.can_review,
        lambda r, p, d: _msg(
            services.publication_withhold(proposal=p, actor=r.user, note=d["note"]),
            _("已设为不予公开。"),
        ),
    ),
}


def _make_form(user, action: str, proposal, data=None):
    spec = ACTIONS[action]
    kwargs = {"proposal": proposal, "prefix": action}
    if spec.form is forms.AssignForm:
        # Only the proposal's own level's units are offered; the service refuses the rest.
        kwargs["departments"] = selectors.assignable_departments(user).filter(
            organisation=proposal.organisation
        )
        if data is not None and data.get("assign-take"):
            # 采纳: the suggested unit the user clicked leads (the rest of the form stands).
            data = data.copy()
            data["assign-lead"] = data["assign-take"]
    return spec.form(data, **kwargs)


def _flags(user, proposal: Proposal, member, source: Proposal) -> dict[str, bool]:
    """Which actions the page offers this user now (the services decide in the end)."""
    status = proposal.status
    is_owner = policies.is_first_proposer(user, proposal)
    my_signer = next(
        (s for s in proposal.signers.all() if member is not None and s.member_id == member.pk),
        None,
    )
    review = policies.can_review(user, proposal)
    assign = _can_assign(user, proposal)
    is_proposer = member is not None and (
        proposal.first_proposer_id == member.pk
        or (my_signer is not None and my_signer.status == Signer.Status.CONFIRMED)
    )
    # Others merged into it (并案): it can only be accepted or returned, so the page offers
    # neither 并案, 转办 nor 不予立案 (services.review refuses them; the tester met the refusal
    # only after confirming 此决定不能撤回). The merged proposals are prefetched.
    merge_target = status == S.SUBMITTED and bool(proposal.merged_proposals.all())
    return {
        "merge_target": review and merge_target,
        "edit": is_owner and status in services.EDITABLE,
        "submit": is_owner and status in services.EDITABLE,
        "delete_draft": is_owner and status == S.DRAFT and proposal.submitted_at is None,
        "cosign_confirm": my_signer is not None
        and my_signer.status == Signer.Status.INVITED
        and status == S.COSIGNING,
        # A former member may only decline (the service refuses a confirmation).
        "cosign_former": my_signer is not None and access.is_former_member(user),
        "cosign_withdraw": is_owner and status == S.COSIGNING,
        "cosign_for": review and status == S.COSIGNING,
        "accept": review and status == S.SUBMITTED,
        "merge": review and status == S.SUBMITTED and not merge_target,
        "convert": review and status == S.SUBMITTED and not merge_target,
        "return": review and status == S.SUBMITTED and proposal.returned_count < 1,
        "reject": review and status == S.SUBMITTED and not merge_target,
        "assign": assign and status == S.ACCEPTED,
        "rehandle": assign and status == S.ANSWERED and services.rehandle_refusal(proposal) is None,
        "close": assign and status == S.ANSWERED,
        "shortlist": review and status in (S.ACCEPTED, S.ASSIGNED) and not proposal.key_status,
        "approve_key": policies.can_approve_key(user, proposal)
        and proposal.key_status == Proposal.KeyStatus.SHORTLISTED,
        "decline_key": policies.can_approve_key(user, proposal)
        and proposal.key_status == Proposal.KeyStatus.SHORTLISTED,
        "supervise": review and proposal.is_key,
        "withhold": review
        and not proposal.office_withheld
        and status in (S.ACCEPTED, S.ASSIGNED, S.ANSWERED, S.CLOSED),
        "rate": is_proposer and source.status == S.ANSWERED,
        # 代为评价: for proposers whose evaluation comes on paper or by phone.
        "rate_for": source.status == S.ANSWERED and policies.can_rate_for(user, source),
        "my_signer": my_signer,
    }


FORM_ACTIONS = [
    "cosign_for",
    "accept",
    "merge",
    "convert",
    "return",
    "reject",
    "assign",
    "rehandle",
    "close",
    "shortlist",
    "approve_key",
    "decline_key",
    "supervise",
    "withhold",
]


# The actions that are a button without a form, and where a refusal of one is said: in the
# card of its button (the flag that puts the card on the page, and its heading's id). When
# the card is gone (the proposal moved on meanwhile) the reason stands at the top instead.
BUTTON_CARDS = {
    "submit": ("submit", "own-actions"),
    "delete_draft": ("submit", "own-actions"),
    "cosign_withdraw": ("cosign_withdraw", "cosign-wait"),
    "cosign_confirm": ("cosign_confirm", "cosign-actions"),
    "cosign_decline": ("cosign_confirm", "cosign-actions"),
}


def _refused_at(action: str, flags: dict) -> str:
    """The id of the place on the page where a refused `action` says why ("" for the top):
    said once, beside what the user pressed or typed, the top alert only pointing there."""
    if action in FORM_ACTIONS:
        return f"form-{action}"
    flag, place = BUTTON_CARDS.get(action, ("", ""))
    return place if flag and flags[flag] else ""


# A waiting answer and the leader's remarks on it are the answering department's own
# business: the proposers see the answer when it is sent.
DEPARTMENT_ONLY_VERBS = [
    "proposal.answer_draft",
    "proposal.answer_revise",
    "proposal.answer_send_back",
]


def _history(user, proposal: Proposal):
    events = history(proposal)
    if access.can(user, "proposals.view", proposal.organisation) or policies.department_ids(user):
        return events
    return events.exclude(verb__in=DEPARTMENT_ONLY_VERBS)


def _page_proposers(proposal: Proposal, source: Proposal) -> list:
    """`services.proposers(source)`, from the signers the page read already when nothing was
    merged into it (the usual case; no query), else asked."""
    if source is proposal and not proposal.merged_proposals.all():
        first = [proposal.first_proposer] if proposal.first_proposer_id else []
        confirmed = [
            s.member for s in proposal.signers.all() if s.status == Signer.Status.CONFIRMED
        ]
        return first + confirmed
    return services.proposers(source)


def _render_detail(
    request,
    proposal: Proposal,
    *,
    bound=None,
    rate_bound=None,
    rate_for_bound=None,
    attachment_form=None,
    status=200,
):
    """The proposal page shown again, not kept: `bound` is (action, form) of a refused
    action, `rate_bound` (answer pk, form) of a refused rating, `rate_for_bound` the same of
    a refused 代为评价, `attachment_form` a refused upload, shown with what the user typed."""
    context = _detail_context(
        request,
        proposal,
        bound=bound,
        rate_bound=rate_bound,
        rate_for_bound=rate_for_bound,
        attachment_form=attachment_form,
    )
    region = regions.render(request, lambda: (DETAIL_TEMPLATE, context, {}))
    return _detail_page(request, proposal, region, status=status)


def _detail_page(request, proposal: Proposal, region, *, status=200):
    """The layout around the page's region (its title is the proposal's)."""
    return render(
        request, "proposals/detail.html", {"proposal": proposal, "region": region}, status=status
    )


DETAIL_TEMPLATE = "proposals/_detail.html"
# The templates of the page's region (core.regions' key names them: a new one is a new key).
DETAIL_TEMPLATES = (
    DETAIL_TEMPLATE,
    "proposals/_action.html",
    "proposals/_rate_by.html",
    "proposals/_reask_note.html",
    "core/_field.html",
    "includes/history.html",
)


def _detail_context(
    request, proposal: Proposal, *, bound, rate_bound, attachment_form, rate_for_bound=None
) -> dict:
    """The context of the page's region (everything inside the layout's content block)."""
    user = request.user
    member = _member(request)
    source = selectors.answer_source(proposal)
    flags = _flags(user, proposal, member, source)
    assignments = selectors.assignments_with_answers(source)
    # How long the review or each department's handling has left ({% time_left %}). One
    # calendar read: a proposal under review has no assignment in handling.
    followups_selectors.mark_time_left(
        [proposal],
        running=lambda p: p.status == Proposal.Status.SUBMITTED,
        due=attrgetter("review_due"),
    )
    followups_selectors.mark_time_left(
        assignments,
        running=lambda a: a.status == Assignment.Status.HANDLING and a.task is not None,
        due=lambda a: a.task.due_date,
    )
    categories = (
        services.outcome_category_labels(proposal.organisation)
        if any(a.answers.all() for a in assignments)
        else {}
    )
    rated = {
        e.answer_id
        for a in assignments
        for answer in a.answers.all()
        for e in answer.evaluations.all()
        if member is not None and e.member_id == member.pk
    }
    for a in assignments:
        # A split part sent back waits on the committee (改交 or 不再改交): the page says so,
        # since the proposers are told only at the decision.
        a.waits_on_committee = (
            a.status == Assignment.Status.RETURNED and services.reassign_refusal(a, source) is None
        )
    answers = [ans for a in assignments for ans in a.answers.all()]
    letters = bool(answers) and policies.can_view_letters(user, source)
    # 代为评价: the proposers (of the answered proposal, merged ones included) each answer
    # still waits on; the ratings are prefetched with the answers.
    stand_for = _page_proposers(proposal, source) if flags["rate_for"] and answers else []
    for a in assignments:
        for answer in a.answers.all():
            answer.category_label = categories.get(answer.category, "")
            answer.letters = letters
            answer.scan_url = files.file_url(answer, "record_scan") if letters else ""
            answer.rate_form = None
            if rate_bound and rate_bound[0] == answer.pk:
                # A refused rating is shown again with its reason and what was typed, even
                # when the proposal has moved on (closed, or rated in another window).
                answer.rate_form = rate_bound[1]
            elif flags["rate"] and answer.pk not in rated:
                answer.rate_form = forms.EvaluationForm(
                    proposal=proposal, prefix=f"rate{answer.pk}"
                )
            answer.rate_for_form = None
            if rate_for_bound and rate_for_bound[0] == answer.pk:
                answer.rate_for_form = rate_for_bound[1]
            elif stand_for:
                waiting = services.rate_for_candidates(stand_for, answer)
                if waiting:
                    answer.rate_for_form = forms.EvaluationForForm(
                        proposal=proposal, prefix=f"ratefor{answer.pk}", members=waiting
                    )
    to_rate = [ans for ans in answers if ans.rate_form is not None or ans.rate_for_form is not None]
    if to_rate:  # the page holds every sent answer: the last one starts the time to rate
        last_sent = max(ans.sent_at for ans in answers)
        _mark_rate_by(to_rate, {source.pk: services.rating_due_after(source, last_sent)})
    action_forms = {}
    for name in FORM_ACTIONS:
        if bound and bound[0] == name:
            action_forms[name] = bound[1]
        elif flags[name]:
            action_forms[name] = _make_form(user, name, proposal)
    suggestions = routing.suggest(proposal) if "assign" in action_forms else []
    if flags["edit"] and attachment_form is None:
        attachment_form = forms.AttachmentForm(prefix="attachment")
    context = {
        "proposal": proposal,
        "source": source,
        "flags": flags,
        # A refused upload is shown again with its reason, even when the proposal was
        # submitted meanwhile; the remove buttons go with flags.edit.
        "attachment_form": attachment_form,
        "outcome": selectors.review_outcome(proposal),
        "stage": selectors.stage_label(proposal),
        "forms": action_forms,
        "bound_form": bound[1] if bound else (rate_bound or rate_for_bound or (None, None))[1],
        "bound_action": bound[0] if bound else "",
        "refused_at": _refused_at(bound[0], flags) if bound else "",
        # A refused rating says why beside its form (with what was typed); the alert at the
        # top only points there, not saying it twice.
        "rate_refused": rate_bound[0] if rate_bound else None,
        "rate_for_refused": rate_for_bound[0] if rate_for_bound else None,
        "assignments": assignments,
        "events": _history(user, proposal)[:200],
        "assign_suggestions": suggestions,
        "reask": _reask_note(proposal) if flags["edit"] else None,
    }
    return context


# --- The proposal page and its actions --------------------------------------------------------


@login_required
def detail(request, pk: int):
    # The permission check reads what it asks of the proposal (and the title), on every
    # request; the region, when built, reads the proposal whole (one read more then).
    proposal = _get_proposal(request, pk, read=selectors.proposal_to_view, with_signers=False)

    def build():
        whole = selectors.proposal_for_page(pk)
        if whole is None:  # deleted since the check
            raise Http404
        context = _detail_context(request, whole, bound=None, rate_bound=None, attachment_form=None)
        return DETAIL_TEMPLATE, context, {}

    # Kept by core.regions while nothing is written (per user, path, language, day), with a
    # placeholder for the CSRF token of its forms, replaced on every read. The similar-
    # proposals panel is loaded by htmx from its own view; messages are the layout's.
    region = regions.cached(request, "proposals.detail", build, templates=DETAIL_TEMPLATES)
    return _detail_page(request, proposal, region)


@login_required
def detail_similar(request, pk: int):
    """The reviewer's similar-proposals panel, which the proposal page loads by htmx after it
    is shown (the page itself no longer waits on the text comparison): for whoever reviews
    the proposal while it waits for review, as the page shows it."""
    proposal = _get_proposal(request, pk, read=selectors.proposal_to_check)
    if not (proposal.status == S.SUBMITTED and policies.can_review(request.user, proposal)):
        raise PermissionDenied
    similar = _similar_rows(
        similarity.similar_proposals(
            proposal.organisation, proposal.full_text, exclude_pk=proposal.pk
        )
    )
    return render(request, "proposals/_similar.html", {"similar": similar, "linked": True})


@login_required
@require_POST
def act(request, pk: int, action: str):
    spec = ACTIONS.get(action)
    if spec is None:
        raise Http404
    proposal = _get_proposal(request, pk)
    if not spec.allowed(request.user, proposal):
        raise PermissionDenied
    form = _make_form(request.user, action, proposal, request.POST)
    if form.is_valid():
        try:
            message = spec.run(request, proposal, form.cleaned_data)
        except (ValidationError, TransitionError) as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, message)
            if action == "delete_draft":
                return redirect("proposals:mine")  # the page is gone with the draft
            return redirect(_next_or(request, proposal.get_absolute_url()))
    # The page shows the refused action's form again; the proposal as it is now.
    proposal = selectors.proposal_for_detail(pk)
    return _render_detail(request, proposal, bound=(action, form), status=400)


def _sent_answer(source, answer_pk: int) -> Answer:
    """A sent answer to `source` (the proposal answered, a merged one's), or 404."""
    answer = (
        Answer.objects.sent()
        .select_related("assignment__department")
        .filter(pk=answer_pk, assignment__proposal=source)
        .first()
    )
    if answer is None:
        raise Http404
    return answer


@login_required
@require_POST
def rate(request, pk: int, answer_pk: int):
    proposal = _get_proposal(request, pk)
    answer = _sent_answer(selectors.answer_source(proposal), answer_pk)
    form = forms.EvaluationForm(request.POST, proposal=proposal, prefix=f"rate{answer.pk}")
    if form.is_valid():
        try:
            services.evaluation_submit(
                answer=answer,
                actor=request.user,
                process=form.cleaned_data["process"],
                result=form.cleaned_data["result"],
                comment=form.cleaned_data["comment"],
            )
        except (ValidationError, TransitionError) as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("评价已提交，谢谢。"))
            return redirect(_next_or(request, proposal.get_absolute_url()))
    return _render_detail(request, proposal, rate_bound=(answer.pk, form), status=400)


@login_required
@require_POST
def rate_for(request, pk: int, answer_pk: int):
    """代为评价: a proposer's evaluation given outside the system, recorded for them."""
    proposal = _get_proposal(request, pk)
    source = selectors.answer_source(proposal)
    if not policies.can_rate_for(request.user, source):
        raise PermissionDenied
    answer = _sent_answer(source, answer_pk)
    form = forms.EvaluationForForm(
        request.POST,
        proposal=proposal,
        prefix=f"ratefor{answer.pk}",
        members=services.rate_for_candidates(services.proposers(source), answer),
    )
    if form.is_valid():
        data = form.cleaned_data
        try:
            evaluation = services.evaluation_submit_for(
                answer=answer,
                actor=request.user,
                member_pk=data["member"],
                process=data["process"],
                result=data["result"],
                comment=data["comment"],
                note=data["note"],
            )
        except (ValidationError, TransitionError) as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request, _("已代%(name)s登记评价。") % {"name": evaluation.member.name}
            )
            return redirect(_next_or(request, f"{proposal.get_absolute_url()}#answer-{answer.pk}"))
    return _render_detail(request, proposal, rate_for_bound=(answer.pk, form), status=400)


# --- Drafting -----------------------------------------------------------------------------------


def _save_and_maybe_submit(request, save: Callable[[], Proposal]) -> tuple[Proposal, str | None]:
    """Save the draft and, for "保存并提交", then submit it: (proposal, None) when done,
    (draft, reason) when the draft was saved but the submission failed.

    Two transactions, not one: the member's text is committed before the submission starts,
    so nothing typed is lost however the submission fails — a refusal, a clash with another
    submission, or a database error. A refusal of the draft itself (no suggestions, too long,
    a stale edit) raises before anything is saved, and the form shows the input again."""
    with transaction.atomic():
        proposal = save()
    if request.POST.get("do") != "submit":
        return proposal, None
    try:
        services.proposal_submit(proposal=proposal, actor=request.user)
    except ValidationError as exc:
        return proposal, "；".join(exc.messages)
    except (TransitionError, PermissionDenied) as exc:
        return proposal, str(exc) or _("您无权提交该提案。")
    except Exception:  # the draft is safe; the error is logged for the office, not hidden
        logger.exception("proposal %s: submission failed after the draft was saved", proposal.pk)
        return proposal, _("系统繁忙，请稍后再次提交。")
    return proposal, None


def _after_save(request, proposal: Proposal, failure: str | None):
    """Where the member goes after saving: the proposal page, or, when the submission
    failed, the saved draft's edit page with the reason (a fresh GET: reloading the page
    can never create the draft twice)."""
    if failure is not None:
        messages.error(
            request,
            _("草稿已保存，但提案未能提交：%(reason)s") % {"reason": failure},
        )
        return redirect("proposals:edit", pk=proposal.pk)
    messages.success(request, _draft_saved_message(request, proposal))
    return redirect(proposal.get_absolute_url())


def _draft_saved_message(request, proposal: Proposal) -> str:
    if request.POST.get("do") != "submit":
        said = [str(_("草稿已保存。"))]
        if proposal.status == S.RETURNED and (asked := _reasked(proposal)):
            said.append(_("标题或正文已修改，提交后将重新请联名人确认：%(names)s。") % asked)
        if over_limit(proposal):  # saved all the same: the limit is the submission's
            said.append(
                _("正文共%(n)s字，超过%(limit)s字的上限，提交前请删减。")
                % {
                    "n": proposal.body_length,
                    "limit": config.get(proposal.organisation, rules.BODY_MAX_CHARS),
                }
            )
        return "".join(said)
    proposal.refresh_from_db(fields=["status", "number"])
    return _submitted_message(proposal)


def _reasked(proposal: Proposal) -> dict | None:
    """A returned proposal's co-signers to be asked again (their confirmation reset because
    the title or text changed), as {"names": "甲、乙"}, or None."""
    names = [
        s.member.name
        for s in proposal.signers.select_related("member").filter(status=Signer.Status.INVITED)
    ]
    return {"names": _("、").join(names)} if names else None


def _reask_note(proposal: Proposal | None) -> dict | None:
    """For a returned proposal with co-signers: who will be asked again at the submission
    ("pending": the title or text has changed) or would be if the title or text changed
    ("confirmed"), as names joined for the page (`proposals/_reask_note.html`)."""
    if proposal is None or proposal.status != S.RETURNED:
        return None
    names: dict[str, list[str]] = {"pending": [], "confirmed": []}
    for signer in proposal.signers.all():
        if signer.status == Signer.Status.INVITED:
            names["pending"].append(signer.member.name)
        elif signer.status == Signer.Status.CONFIRMED:
            names["confirmed"].append(signer.member.name)
    return {key: _("、").join(value) for key, value in names.items()}


def _submitted_message(proposal: Proposal) -> str:
    if proposal.status == S.COSIGNING:
        if proposal.returned_count and (asked := _reasked(proposal)):
            # Resubmitted after a revision that changed the co-signed text (services.drafting
            # `_reset_confirmations`): the co-signers are asked again, not invited anew.
            return (
                _("标题或正文已修改，已重新请联名人确认：%(names)s。全部联名人确认后提案进入审查。")
                % asked
            )
        return _("已发送联名邀请，全部联名人确认后提案进入审查。")
    if not proposal.number:  # numbered at acceptance (rules.NUMBER_AT)
        return _("提案已提交，等待提案委员会审查，立案后编号。")
    return _("提案已提交，提案号%(number)s，等待提案委员会审查。") % {"number": proposal.number}


# A new-proposal page carries a key of its own (core.page_keys); the session remembers which
# draft each key saved. The same page posted again — the phone's back button returns to it
# with the text still typed in — saves into that draft (as its edit page would, version
# checked) instead of creating a second one.
PAGE_KEY = "proposals.create"


@login_required
def create(request):
    member = _member(request)
    if member is None or access.is_former_member(request.user):
        raise PermissionDenied
    if (
        request.method == "POST"
        and (response := page_keys.post_into_saved(request, PAGE_KEY, Proposal, edit)) is not None
    ):
        return response
    form = forms.ProposalForm(request.POST or None, organisation=member.organisation, member=member)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            proposal, failure = _save_and_maybe_submit(
                request,
                lambda: services.proposal_create(
                    actor=request.user,
                    organisation=member.organisation,
                    cosigners=list(data["cosigners"]),
                    **form.service_fields(),
                ),
            )
        except (ValidationError, TransitionError) as exc:
            add_service_errors(form, exc)
        else:
            page_keys.remember(request, PAGE_KEY, proposal.pk, proposal.version)
            return _after_save(request, proposal, failure)
    # Empty on a fresh page: proposals.js fills it in, which makes it a field the browser
    # restores with the typing when the back button returns to the page (a value the server
    # wrote would be written anew on that reload).
    draft_key = page_keys.posted(request)
    return _new_draft_page(request, form, draft_key, 400 if request.method == "POST" else 200)


def _new_draft_page(request, form, draft_key: str, status: int):
    """The new-proposal page (it posts to 新建 whichever address showed it)."""
    return render(
        request,
        "proposals/draft_form.html",
        {"form": form, "proposal": None, "draft_key": draft_key, **_similar_context(request, form)},
        status=status,
    )


@login_required
def edit(request, pk: int):
    try:
        proposal = _get_proposal(request, pk)
    except Http404:
        # Only when the proposal is not there: an ordinary save does not ask the audit trail.
        if request.method == "POST" and deleted_by(
            request.user, Proposal, pk, "proposal.draft_delete"
        ):
            return _deleted_draft_form(request)
        raise
    if not policies.is_first_proposer(request.user, proposal):
        raise PermissionDenied
    # A POST still goes to the service, which refuses it: the member's text is shown again
    # with the reason (the proposal was submitted from another window meanwhile, say).
    if proposal.status not in services.EDITABLE and request.method != "POST":
        messages.error(request, _("提案已提交，不能再修改。"))
        return redirect(proposal.get_absolute_url())
    member = _member(request)
    form = forms.ProposalForm(
        request.POST or None,
        organisation=proposal.organisation,
        member=member,
        proposal=proposal,
    )
    stale = False
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        cosigners = None if form.fields["cosigners"].disabled else list(data["cosigners"])
        try:
            proposal, failure = _save_and_maybe_submit(
                request,
                lambda: services.proposal_update(
                    proposal=proposal,
                    actor=request.user,
                    expected_version=data["version"],
                    cosigners=cosigners,
                    **form.service_fields(),
                ),
            )
        except StaleEdit as exc:
            # Saved since this page was opened: as often by the member in another tab or on
            # another device as by anybody else (the office entering a body's proposal),
            # which the shared wording allows for; the page adds a reload button.
            refuse_stale(form, exc)
            stale = True
        except (ValidationError, TransitionError) as exc:
            add_service_errors(form, exc)
        else:
            return _after_save(request, proposal, failure)
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "proposals/draft_form.html",
        {
            "form": form,
            "proposal": proposal,
            "stale": stale,
            "reask": _reask_note(proposal),
            **_similar_context(request, form),
        },
        status=status,
    )


def _deleted_draft_form(request):
    """The member saved a draft that they had deleted in another window (or on another
    device) meanwhile: the typed text comes back as a new draft's page, saved only when the
    member says so, instead of a 404 that would lose it."""
    member = _member(request)
    if member is None:
        raise Http404
    data = request.POST.copy()
    data.pop("version", None)
    form = forms.ProposalForm(data, organisation=member.organisation, member=member)
    form.is_valid()
    form.add_error(
        None,
        _("这份草稿已在其他窗口删除。您填写的内容仍在下面，保存即成为一份新草稿。"),
    )
    return _new_draft_page(request, form, "", 409)


@login_required
@require_POST
def similar(request):
    """The htmx panel beside the draft: the most similar existing proposals. A member, who
    drafts, sees the titles of the organisation's proposals (not links: titles only); anyone
    else (office staff editing a body's proposal they entered) only the proposals they may
    open, so the panel is no side door for a department's clerk into others' proposals."""
    text = "\n".join(request.POST.get(name, "") for name in forms.ProposalForm.TEXT_FIELDS)
    exclude = request.POST.get("similar_exclude", "")
    results = _similar_to(request, text, int(exclude) if exclude.isdigit() else None)
    return render(request, "proposals/_similar.html", {"similar": _similar_rows(results or [])})


def _similar_to(request, text: str, exclude_pk: int | None):
    """The similar-proposals panel's results for `text` (None: too little text to look)."""
    member = _member(request)
    if member is not None:
        organisation, visible_to = member.organisation, None
    else:
        organisation, visible_to = access.home_organisation(request.user), request.user
    text = text.strip()
    if organisation is None or len(text) < 4:
        return None
    return similarity.similar_proposals(
        organisation, text, exclude_pk=exclude_pk, visible_to=visible_to
    )


def _similar_context(request, form) -> dict:
    """The draft page's similar-proposals panel filled for the text on the page (a saved
    draft reopened, or a form shown again): not empty until the member types."""
    if form.is_bound:
        text = "\n".join(form.data.get(name, "") for name in form.TEXT_FIELDS)
    elif form.proposal is not None:
        text = form.proposal.full_text
    else:
        return {"similar_shown": False}
    exclude = form.proposal.pk if form.proposal is not None else None
    results = _similar_to(request, text, exclude)
    return {"similar_shown": results is not None, "similar": _similar_rows(results or [])}


# --- Member lists -------------------------------------------------------------------------------


LIST_COLUMNS = ("number", "title", "key_status", "proposer_body", "status", "submitted_at")


@login_required
def index(request):
    """All proposals the user may see; members without a staff role go to their own list."""
    user = request.user
    if not access.can(user, "proposals.view") and not policies.department_ids(user):
        return redirect("proposals:mine")
    status = request.GET.get("status", "")
    if status not in S.values and status not in selectors.STATUS_GROUPS:
        status = ""

    def build():
        q = request.GET.get("q", "").strip()[:50]
        # Year, session, organisation: the figures page's keys (list_filters).
        filters = ListFilterForm(request.GET, user=user)
        where = filters.where()
        # The columns the list shows: not the bodies, nor the proposer's particulars.
        rows = selectors.proposal_list(user, status=status, q=q, paged=True, where=where).only(
            *LIST_COLUMNS, "first_proposer__name", "organisation__name"
        )
        page = paginate(
            request,
            rows,
            PAGE_SIZE,
            count=lambda: selectors.proposal_count(user, status=status, q=q, where=where),
        )
        # 不满意: a proposer rated an answer's process or result unsatisfied. A query of its own
        # over the page's ids: as an EXISTS in the rows' SELECT, PostgreSQL computed it for every
        # row of the year before sorting them (260 ms for a province's 30,000, not 50 rows).
        unsatisfied = services.unsatisfied_ids([p.pk for p in page])
        for p in page:
            p.unsatisfied = p.pk in unsatisfied
        # The unfiltered list holds the drafts the user sees (their own, unsent): the count
        # says how many of it they are, since no received total (figures) counts them.
        drafts = policies.has_drafts(user)
        draft_count = 0
        if drafts and not status and page.paginator.count:
            draft_count = selectors.proposal_count(user, status=S.DRAFT, q=q, where=where)
        narrower = []
        if q and not page.paginator.count:
            # exists(), not the count: a province office's common word counts in 150 ms.
            narrower = search.narrower(
                q,
                lambda word: selectors.proposal_list(
                    user, status=status, q=word, where=where
                ).exists(),
            )
        context = {
            "page": page,
            "status": status,
            "q": q,
            "narrower": narrower,
            "filters": filters,
            "status_groups": list(selectors.STATUS_GROUP_LABELS.items()),
            # Drafts are their authors' own: 草稿 is offered only to a user who has them (a
            # member, or the office with a paper proposal entered and not yet sent).
            "statuses": [
                (value, label) for value, label in S.choices if value != S.DRAFT or drafts
            ],
            "draft_count": draft_count,
            "all_years": _all_years_query(request, filters),
        }
        return "proposals/_index.html", context, {}

    # Kept by core.regions while nothing is written (per user, query string, language, day).
    region = regions.cached(request, "proposals.index", build, templates=INDEX_TEMPLATES)
    return render(request, "proposals/index.html", {"region": region})


INDEX_TEMPLATES = (
    "proposals/_index.html",
    "proposals/_tabs.html",
    "includes/narrower.html",
    "includes/pagination.html",
)


def _all_years_query(request, filters) -> str:
    """The querystring of the same list over every year ("" when no year filters it): the
    list is this year's unless asked, so the way to the others is beside the year box."""
    if not filters.cleaned_data.get("year"):
        return ""
    query = request.GET.copy()
    query["year"] = ""
    query.pop("page", None)
    return query.urlencode()


@login_required
@require_safe
def export(request):
    """The list as Excel, with the list's filters (core.exports)."""
    return exports.respond(request, "proposals")


@login_required
def mine(request):
    member = _member(request)
    page = _paginate(request, selectors.my_proposals(request.user, member))
    return render(
        request,
        "proposals/mine.html",
        {
            "page": page,
            "member": member,
            "can_draft": member and not access.is_former_member(request.user),
        },
    )


@login_required
def cosign(request):
    member = _member(request)
    invitations = list(selectors.cosign_invitations(member)[:200])
    former = access.is_former_member(request.user)
    return render(request, "proposals/cosign.html", {"invitations": invitations, "former": former})


def _mark_rate_by(answers, dues: dict) -> None:
    """`rate_by` (提案人评价时限, `dues`: answered proposal pk → date, from
    `services.rating_dues`), `days_left` ({% time_left %}) and `rate_late` on each answer to
    rate. After the date a rating is still taken, marked late (docs/decisions.md)."""
    answers = list(answers)
    today = timezone.localdate()
    for answer in answers:
        answer.rate_by = dues.get(answer.assignment.proposal_id)
        answer.rate_late = answer.rate_by is not None and today > answer.rate_by
    followups_selectors.mark_time_left(
        answers, running=lambda a: a.rate_by is not None, due=attrgetter("rate_by")
    )


@login_required
def to_rate(request):
    """The answers the user rates (a proposer), and those they record evaluations for
    (代为评价: the proposal committee, the clerk who entered a paper proposal), each part in
    a fixed number of queries whatever its rows."""
    member = _member(request)
    rows = [
        (proposal, answer, forms.EvaluationForm(proposal=proposal, prefix=f"rate{answer.pk}"))
        for proposal, answer in selectors.answers_to_rate(member)
    ]
    stand_in = selectors.answers_to_rate_for(request.user)
    more = len(stand_in) > selectors.RATE_FOR_ROWS
    stand_in = [
        (proposal, answer, _("、").join(m.name for m in waiting))
        for proposal, answer, waiting in stand_in[: selectors.RATE_FOR_ROWS]
    ]
    answers = [answer for _proposal, answer, _form in rows]
    answers += [answer for _proposal, answer, _names in stand_in]
    _mark_rate_by(answers, services.rating_dues({a.assignment.proposal for a in answers}))
    return render(
        request,
        "proposals/to_rate.html",
        {"rows": rows, "stand_in": stand_in, "stand_in_more": more},
    )


urlpatterns: list = [
    path("", index, name="index"),
    path("export.xlsx", export, name="export"),
    path("mine/", mine, name="mine"),
    path("cosign/", cosign, name="cosign"),
    path("to-rate/", to_rate, name="to_rate"),
    path("new/", create, name="create"),
    path("similar/", similar, name="similar"),
    path("<int:pk>/", detail, name="detail"),
    path("<int:pk>/similar/", detail_similar, name="detail_similar"),
    path("<int:pk>/edit/", edit, name="edit"),
    path("<int:pk>/act/<slug:action>/", act, name="act"),
    path("<int:pk>/answers/<int:answer_pk>/rate/", rate, name="rate"),
    path("<int:pk>/answers/<int:answer_pk>/rate-for/", rate_for, name="rate_for"),
]

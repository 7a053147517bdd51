"""Staff pages of residents' issues: triage queue, entry, detail with the actions, street
dashboard, the department's list and the statistics."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.utils.translation import gettext_noop as N_
from django.views.decorators.http import require_POST, require_safe

from xieshang.core import access, exports, pii
from xieshang.core.audit import TransitionError, history
from xieshang.core.forms import add_service_errors
from xieshang.core.params import id_param, paginate, year_param
from xieshang.core.phrases import Phrase
from xieshang.core.pii import mask_numbers
from xieshang.followups import selectors as followups_selectors
from xieshang.followups.models import Task
from xieshang.orgs import config
from xieshang.orgs.models import Organisation

from . import exports as residents_exports
from . import policies, rules, selectors, services
from .forms import (
    BulkRejectForm,
    HandOverForm,
    NoteForm,
    ReasonForm,
    RehandleForm,
    ReopenForm,
    ReplyForm,
    RereplyForm,
    ReviewForm,
    RouteForm,
    SessionForm,
    StaffIssueForm,
    WithholdForm,
)
from .models import ResidentIssue
from .picker_sources import issue_sessions, place_label, staff_places, staff_sessions
from .similarity import similar_issues
from .views_public import public_answer

S = ResidentIssue.Status
# Issues whose "answer" is never published (a refusal, or a notice that it went elsewhere):
# no point offering to withhold or restore it.
NO_PUBLIC_ANSWER = (S.REJECTED, S.TOPIC, S.OPINION)


def _get(request, pk: int) -> ResidentIssue:
    issue = (
        ResidentIssue.objects.select_related(
            "organisation__parent",
            "platform",
            "session",
            "department",
            "task",
            "topic",
            "opinion",
        )
        .filter(pk=pk)
        .first()
    )
    # Same answer for "no such issue" and "not yours": existence does not leak.
    if issue is None or not policies.can_view(request.user, issue):
        raise Http404
    return issue


def _require_lists(request) -> None:
    if not policies.can_see_lists(request.user):
        raise PermissionDenied


def _mark_time_left(issues) -> None:
    """How long the department has left on each routed issue ({% time_left %})."""
    followups_selectors.mark_time_left(
        issues,
        running=lambda i: (
            i.status == ResidentIssue.Status.ROUTED
            and i.task is not None
            and i.task.status == Task.Status.OPEN
        ),
        due=lambda i: i.task.due_date,
    )


@login_required
def queue(request):
    _require_lists(request)
    state = residents_exports.queue_state(request)
    qs = selectors.queue(request.user, state=state)
    page = paginate(request, qs, 50)
    _mark_time_left(page.object_list)
    bulk = None
    if state == "waiting" and policies.triages_somewhere(request.user):
        bulk = BulkRejectForm(issues=ResidentIssue.objects.none())
    return render(
        request,
        "residents/queue.html",
        {
            "page": page,
            "state": state,
            "states": selectors.QUEUE_STATES,
            "bulk_form": bulk,
        },
    )


@login_required
@require_POST
def reject_bulk(request):
    if not policies.triages_somewhere(request.user):
        raise PermissionDenied
    # Any item the triager handles, whatever its state: one a colleague handled while the
    # list was open is skipped and counted, instead of refusing (and unticking) all of them.
    mine = ResidentIssue.objects.filter(policies.triage_q(request.user))
    form = BulkRejectForm(request.POST, issues=mine)
    if form.is_valid():
        chosen = form.cleaned_data["issues"]
        done = services.issues_reject_bulk(
            issues=chosen,
            actor=request.user,
            reason=form.cleaned_data["reason"],
        )
        if done:
            messages.success(request, _("已不予受理%(n)s件。") % {"n": done})
        if len(chosen) > done:
            messages.warning(
                request,
                _("所选事项中有%(n)s件已由他人处理，未作变动。") % {"n": len(chosen) - done},
            )
    else:
        errors = [e for errs in form.errors.values() for e in errs]
        messages.error(request, errors[0] if errors else _("请勾选要不予受理的事项。"))
    return redirect(reverse("residents:queue") + "?state=waiting")


def _staff_form(request, data=None):
    return StaffIssueForm(
        data, organisations=staff_places(request.user), sessions=staff_sessions(request.user)
    )


@login_required
def create(request):
    if not policies.triages_somewhere(request.user):
        raise PermissionDenied
    form = _staff_form(request, request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            issue, code = services.issue_record(actor=request.user, **data)
        except (ValidationError, PermissionDenied) as exc:
            if isinstance(exc, PermissionDenied):
                raise
            add_service_errors(form, exc)
        else:
            messages.success(
                request,
                _("已登记，受理编号%(ticket)s，查询码%(code)s。请告知群众妥善保存。")
                % {"ticket": issue.ticket, "code": code},
            )
            return redirect("residents:detail", issue.pk)
    status = 400 if form.is_bound else 200
    return render(request, "residents/form.html", {"form": form}, status=status)


ACTIONS = ("accept", "reject", "schedule", "settle", "route", "topic", "opinion", "close")
# Publication of the answer on the portal: not a change of state, the same triagers.
ACTIONS += ("withhold", "publish")
# After the resident rated the department's answer 不满意.
ACTIONS += ("rehandle", "review")


def _action_form(action: str, issue, data=None):
    """The form of one triage action on `issue` (bound to `data` when posted). Its HTML ids
    carry the action's name; the field names do not (the posts stay as they were)."""
    options = {"id_prefix": action}
    if action == "accept":
        return NoteForm(data, **options)
    if action in ("topic", "opinion"):
        return HandOverForm(data, **options)
    if action == "reject":
        return ReasonForm(data, **options)
    if action == "close":
        return ReplyForm(data, **options)
    if action == "review":
        return ReviewForm(data, prefix="review", **options)
    if action == "rehandle":
        # What 重新办理 takes depends on what answered the resident (services.rehandle_kind).
        kind = services.rehandle_kind(issue)
        if kind == "reply":
            return RereplyForm(data, prefix="rehandle", **options)
        if kind == "settlement":
            return ReopenForm(data, prefix="rehandle", **options)
        return RehandleForm(
            data,
            prefix="rehandle",
            default_days=config.get(issue.organisation, rules.ANSWER_DAYS),
            **options,
        )
    if action == "withhold":
        return WithholdForm(data, prefix="withhold", **options)
    if action == "publish":
        return NoteForm(data, prefix="publish", **options)
    if action in ("schedule", "settle"):
        return SessionForm(data, issue=issue, settle=action == "settle", **options)
    return RouteForm(
        data,
        issue=issue,
        default_days=config.get(issue.organisation, rules.ANSWER_DAYS),
        **options,
    )


# How the page names what was done after the first answer's 不满意, by the event's verb.
REHANDLED_AS = {
    services.REHANDLE_VERBS["department"]: N_("（已交承办单位重新办理）"),
    services.REHANDLE_VERBS["reply"]: N_("（已重新答复）"),
    services.REHANDLE_VERBS["settlement"]: N_("（已重新受理，再次协商办理）"),
}


def _previous_rating(issue) -> dict | None:
    """The resident's rating of the first answer of an issue handled again (one query, only
    then): its label read in the reader's language, the comment masked, and what was done."""
    if not issue.rehandled:
        return None
    event = history(issue).filter(verb__in=list(REHANDLED_AS)).first()
    data = ((event.data or {}) if event else {}).get("previous_rating") or {}
    if not data.get("rating"):
        return None
    label = ResidentIssue.Rating(data["rating"]).label
    return {
        "label": label,
        "comment": data.get("comment", ""),
        "done": _(REHANDLED_AS[event.verb]),
    }


def _render_detail(request, issue, *, status=200, forms=None, stale=False):
    forms = forms or {}
    if issue.task is not None:
        followups_selectors.mark_time_left([issue.task])
    can_triage = policies.can_triage(request.user, issue)
    # Numbers the resident typed into the text are masked as the phone field is, and
    # shown by the same logged look.
    title, description = mask_numbers(issue.title), mask_numbers(issue.description)
    location = mask_numbers(issue.location)
    # The resident's comment with their rating is their own words too.
    comment = mask_numbers(issue.rating_comment)
    # The answer and the reply to a rating are staff's words, but they often quote the
    # resident's number ("如有问题可再联系…（电话 137…）"): masked the same way (C2.11).
    answer, review_reply = mask_numbers(issue.answer), mask_numbers(issue.review_reply)
    typed_numbers = (title, description, location, comment, answer, review_reply) != (
        issue.title,
        issue.description,
        issue.location,
        issue.rating_comment,
        issue.answer,
        issue.review_reply,
    )
    show_phone = (
        request.GET.get("phone") == "1"
        and (issue.phone or typed_numbers)
        and policies.can_see_phone(request.user, issue)
    )
    if show_phone:
        fields = (
            (["phone"] if issue.phone else [])
            + (["title"] if title != issue.title else [])
            + (["description"] if description != issue.description else [])
            + (["location"] if location != issue.location else [])
            + (["rating_comment"] if comment != issue.rating_comment else [])
            + (["answer"] if answer != issue.answer else [])
            + (["review_reply"] if review_reply != issue.review_reply else [])
        )
        pii.log_access(actor=request.user, action="view", subject=issue, fields=fields)
    spam_unaccepted = issue.screen_spam and issue.accepted_at is None
    context = {
        "issue": issue,
        "place": place_label(issue.organisation),
        "stale": STALE_PAGE if stale else "",
        "events": history(issue).select_related("actor"),
        "can_triage": can_triage,
        # The breadcrumb leads back to the list this user has: the office's queue, or the
        # department's 交办给本单位 (none for an office that only answers a task about it).
        "back_url": (
            reverse("residents:queue")
            if policies.can_see_lists(request.user)
            else reverse("residents:routed")
            if access.department_ids(request.user)
            else ""
        ),
        "can_see_phone": policies.can_see_phone(request.user, issue),
        "phone": issue.phone if show_phone else pii.mask_phone(issue.phone),
        "phone_shown": bool(show_phone),
        "title": issue.title if show_phone else title,
        "description": issue.description if show_phone else description,
        "location": issue.location if show_phone else location,
        "rating_comment": issue.rating_comment if show_phone else comment,
        "answer": issue.answer if show_phone else answer,
        "answer_masked": answer != issue.answer,
        "review_reply": issue.review_reply if show_phone else review_reply,
        "typed_numbers": typed_numbers,
        "is_department": policies.is_department_of(request.user, issue),
        # Asked of the portal's own query, so the page never disagrees with the portal.
        "answer_listed": selectors.public_answers().filter(pk=issue.pk).exists(),
        # Marked as spam and never accepted: its answer stays off the portal whatever is
        # chosen here (selectors.public_answers), so the page says so and offers nothing.
        "answer_spam": spam_unaccepted,
        "answer_publishable": issue.status not in NO_PUBLIC_ANSWER and not spam_unaccepted,
        # The rating that sent it back (cleared on the issue, kept in the event's data).
        "previous_rating": _previous_rating(issue),
        # An answer rated 不满意: 重新办理 (once) or a written reply.
        "awaiting_review": services.awaiting_review(issue),
        "rehandle_refusal": services.rehandle_refusal(issue),
        "rehandle_kind": services.rehandle_kind(issue),
    }
    if can_triage:
        if context["answer_publishable"] and issue.answer_public:
            # Exactly what the portal will show (or shows): the triager checks the scrubbing
            # before it is published, and withholds the answer if it is not enough.
            context["public_preview"] = public_answer(issue)
        context["similar"] = similar_issues(issue, request.user)
        # 列入议事会 needs a session not yet held on the issue's platforms: without one the
        # page says so instead of offering an empty list.
        # 议事会协商解决 needs a session already held: without one the page says so
        # instead of an empty list.
        open_for_settling = (ResidentIssue.Status.ACCEPTED, ResidentIssue.Status.AGENDA)
        context["sessions_held"] = (
            issue.status in open_for_settling and issue_sessions(issue).exists()
        )
        context["sessions_planned"] = (
            issue.status == ResidentIssue.Status.ACCEPTED
            and issue_sessions(issue, planned_only=True).exists()
        )
        # One form per action, even where two actions take the same fields: a refused
        # submission shows its errors in its own form only, and no two forms share an id.
        context["refused"] = next(iter(forms.values()), None)
        context["action_forms"] = {
            action: forms.get(action) or _action_form(action, issue) for action in ACTIONS
        }
    return render(request, "residents/detail.html", context, status=status)


@login_required
def detail(request, pk: int):
    return _render_detail(request, _get(request, pk))


def _rehandle(issue, actor, data):
    """重新办理 of whatever answered the resident (the form was chosen the same way)."""
    if "reply" in data:
        return services.issue_rereply(issue=issue, actor=actor, reply=data["reply"])
    if "working_days" not in data:
        return services.issue_reopen(issue=issue, actor=actor, note=data["note"])
    return services.issue_rehandle(
        issue=issue, actor=actor, note=data["note"], working_days=data["working_days"]
    )


STALE_PAGE = gettext_lazy(
    "该事项在您打开此页后已有变动（如他人已办理），本次操作未执行。"
    "您填写的内容已保留，请核对下面的最新情况后再决定。"
)


def _stale(request, issue) -> bool:
    """Whether the page the action was posted from showed an older version of the issue
    (every transition bumps it). A post without the page's version is not judged here: the
    services refuse what the state no longer allows."""
    posted = request.POST.get("version", "")
    return posted.isdigit() and int(posted) != issue.version


@login_required
@require_POST
def act(request, pk: int, action: str):
    issue = _get(request, pk)
    if action not in ACTIONS:
        raise Http404
    if not policies.can_triage(request.user, issue):
        raise PermissionDenied
    form = _action_form(action, issue, request.POST)
    if _stale(request, issue):
        # The issue changed since this page was opened (another tab or colleague acted):
        # nothing is applied, the page says so on top, and what was typed is kept.
        form.is_valid()
        form.add_error(None, STALE_PAGE)
        return _render_detail(request, issue, status=409, forms={action: form}, stale=True)
    if not form.is_valid():
        return _render_detail(request, issue, status=400, forms={action: form})
    data = form.cleaned_data
    calls = {
        "accept": lambda: services.issue_accept(issue=issue, actor=request.user, note=data["note"]),
        "reject": lambda: services.issue_reject(
            issue=issue, actor=request.user, reason=data["reason"]
        ),
        "schedule": lambda: services.issue_schedule(
            issue=issue, actor=request.user, session=data["session"]
        ),
        "settle": lambda: services.issue_settle(
            issue=issue, actor=request.user, session=data["session"], result=data["result"]
        ),
        "route": lambda: services.issue_route(
            issue=issue,
            actor=request.user,
            department=data["department"],
            working_days=data["working_days"],
            note=data["note"],
        ),
        "topic": lambda: services.issue_to_topic(
            issue=issue, actor=request.user, note=data["note"]
        ),
        "opinion": lambda: services.issue_to_opinion(
            issue=issue, actor=request.user, note=data["note"]
        ),
        "close": lambda: services.issue_close(issue=issue, actor=request.user, reply=data["reply"]),
        "withhold": lambda: services.issue_answer_withhold(
            issue=issue, actor=request.user, reason=data["reason"]
        ),
        "publish": lambda: services.issue_answer_publish(
            issue=issue, actor=request.user, note=data["note"]
        ),
        "rehandle": lambda: _rehandle(issue, request.user, data),
        "review": lambda: services.issue_review_close(
            issue=issue, actor=request.user, reply=data["reply"]
        ),
    }
    try:
        calls[action]()
    except (ValidationError, TransitionError) as exc:
        add_service_errors(form, exc)
        return _render_detail(request, issue, status=400, forms={action: form})
    messages.success(request, _("已办理。"))
    return redirect("residents:detail", issue.pk)


@login_required
def dashboard(request):
    if not policies.triages_somewhere(request.user):
        raise PermissionDenied
    data = selectors.street_dashboard(request.user)
    return render(request, "residents/dashboard.html", {**data, "today": timezone.localdate()})


@login_required
def routed(request):
    if not access.department_ids(request.user):
        raise PermissionDenied
    page = paginate(request, selectors.routed_to(request.user), 50)
    _mark_time_left(page.object_list)
    return render(request, "residents/routed.html", {"page": page})


# The queue's tabs (selectors.QUEUE_STATES) as message ids, for the export's audit note.
EXPORT_TABS = {
    "waiting": N_("待受理"),
    "open": N_("办理中"),
    "overdue": N_("转办逾期"),
    "done": N_("已办结"),
    "rejected": N_("不予受理"),
    "unsatisfied": N_("群众不满意"),
}


def _export(request, key: str, note):
    """The list as Excel (core.exports), the export in the audit log: how many rows, and that
    no personal field left the system whole (the phone is masked in the file)."""
    response = exports.respond(request, key)
    pii.log_access(
        actor=request.user,
        action="export",
        fields=[],
        count=exports.get(key).rows(request).count(),
        organisation=access.home_organisation(request.user),
        note=note,
    )
    return response


@login_required
@require_safe
def queue_export(request):
    state = residents_exports.queue_state(request)
    # The note in the reader's language (an auditor reading in English).
    tab = Phrase(EXPORT_TABS[state])
    return _export(request, "residents", Phrase(N_("民情事项导出（%(state)s）"), state=tab))


@login_required
@require_safe
def routed_export(request):
    return _export(request, "residents_routed", Phrase(N_("转交本单位的民情事项导出")))


@login_required
def stats(request):
    _require_lists(request)
    roots = policies.stats_roots(request.user)
    if not roots:
        raise PermissionDenied
    year = year_param(request, default=None)
    org_id = id_param(request, "org")
    root = roots[0]
    if org_id:
        node = Organisation.objects.filter(pk=org_id).first()
        if node is None or not any(node.path.startswith(r.path) for r in roots):
            raise Http404
        root = node
    total, rows = selectors.statistics(root, year=year)
    from .charts import issues_chart

    ancestors = [
        o
        for o in Organisation.objects.filter(pk__in=root.ancestor_ids()).order_by("path")
        if any(o.path.startswith(r.path) for r in roots) and o.pk != root.pk
    ]
    return render(
        request,
        "residents/stats.html",
        {
            "root": root,
            "total": total,
            "rows": rows,
            "year": year,
            "ancestors": ancestors,
            "chart": issues_chart(rows) if rows else None,
        },
    )

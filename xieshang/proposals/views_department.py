"""The department side of proposal handling (承办单位): the queue of assigned proposals, the
handling page of one assignment (contacts, co-handling view, answer, extension, return)
and the answer letter as PDF.

A department sees only its own assignments: anything else is a 404, the same answer as for
an assignment that does not exist. Every change goes through `proposals.services`.
"""

import datetime as dt
import re
from types import SimpleNamespace

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Case, Exists, IntegerField, OuterRef, Prefetch, Value, When
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop as N_
from django.views.decorators.http import require_POST, require_safe

from xieshang.core import files, pii, regions
from xieshang.core.audit import StaleEdit, TransitionError, history
from xieshang.core.forms import add_service_errors
from xieshang.core.params import paginate
from xieshang.core.pdf import pdf_response
from xieshang.core.phrases import Phrase
from xieshang.core.text import reader_date
from xieshang.followups import selectors as followups_selectors
from xieshang.followups.models import Extension, Feedback
from xieshang.orgs import config

from . import pdf, policies, rules, services
from .forms_department import (
    QUEUE_STATES,
    AnswerForm,
    ContactForm,
    CoViewForm,
    ExtensionForm,
    RecordScanForm,
    ReturnForm,
    SendBackForm,
    SignOffForm,
)
from .models import Answer, Assignment, Contact, Evaluation, Proposal
from .services import (
    contact_due,
    lead_answered_on,
    rehandle_instruction,
    return_refusal,
    return_until,
)

PAGE_SIZE = 50
A = Assignment.Status


# --- Queue ------------------------------------------------------------------------------------


def department_queue(user, *, state: str = "handling", today: dt.date | None = None):
    """The assignments of the user's departments: overdue first, then by due date."""
    today = today or timezone.localdate()
    depts = policies.department_ids(user)
    qs = Assignment.objects.filter(department_id__in=depts).select_related(
        "proposal", "department", "task"
    )
    # 待签发 is what waits for the leader: an answer sent back waits for the clerk (退回修改).
    waiting = Answer.objects.awaiting_sign_off().filter(assignment=OuterRef("pk"))
    sent_back = Answer.objects.filter(
        assignment=OuterRef("pk"), sent_at__isnull=True, sent_back_at__isnull=False
    )
    contacted = Contact.objects.filter(assignment=OuterRef("pk"))
    qs = qs.annotate(
        waiting=Exists(waiting), sent_back=Exists(sent_back), contacted=Exists(contacted)
    )
    if state == "handling":
        qs = qs.filter(status=A.HANDLING)
    elif state == "sign_off":
        qs = qs.filter(status=A.HANDLING, waiting=True)
    elif state == "answered":
        qs = qs.filter(status=A.ANSWERED)
    return qs.annotate(
        overdue_rank=Case(
            When(status=A.HANDLING, task__due_date__lt=today, then=Value(0)),
            default=Value(1),
            output_field=IntegerField(),
        )
    ).order_by("overdue_rank", "task__due_date", "-assigned_at", "id")


def _contact_deadlines(pairs) -> list:
    """`contact` on each assignment of (`assignment`, contacted) `pairs`: the contact-by date
    (联系提案人时限, `due_date`) while the answering department handles it and has no contact
    on record, None otherwise (a co-handler gives its view to the lead department, which
    contacts the proposers). Returns them, for `mark_time_left` (`days_left`, with the
    page's other deadlines in one calendar read) and `{% time_left %}`."""
    deadlines = []
    for assignment, contacted in pairs:
        assignment.contact = None
        if assignment.status == A.HANDLING and assignment.role != Assignment.Role.CO:
            if not contacted:
                assignment.contact = SimpleNamespace(
                    due_date=contact_due(assignment), status=A.HANDLING
                )
                deadlines.append(assignment.contact)
    return deadlines


def _annotate_time_left(rows, today: dt.date) -> None:
    """`due_date`, `overdue` and `days_left` (in handling) on each row of the queue, and the
    contact-by date while no contact is on record (`_contact_deadlines`)."""
    for a in rows:
        a.due_date = a.task.due_date if a.task_id else None
        a.overdue = a.status == A.HANDLING and a.due_date is not None and a.due_date < today
    contacts = _contact_deadlines([(a, a.contacted) for a in rows])
    followups_selectors.mark_time_left(
        [*rows, *contacts],
        running=lambda a: a.status == A.HANDLING,
        due=lambda a: a.due_date,
    )


@login_required
def queue(request):
    depts = policies.department_ids(request.user)
    if not depts:
        # Not a department user at all: the page does not exist for them.
        raise Http404
    state = request.GET.get("state", "handling")
    if state not in dict(QUEUE_STATES):
        state = "handling"

    def build():
        today = timezone.localdate()
        page = paginate(
            request, department_queue(request.user, state=state, today=today), PAGE_SIZE
        )
        _annotate_time_left(page.object_list, today)
        context = {
            "page": page,
            "state": state,
            "states": QUEUE_STATES,
            "several_departments": len(depts) > 1,
        }
        return "proposals/department/_queue.html", context, {}

    # Kept by core.regions while nothing is written (per user, query string, language, day:
    # the time left is counted from today).
    region = regions.cached(request, "proposals.dept_queue", build, templates=QUEUE_TEMPLATES)
    return render(request, "proposals/department/queue.html", {"region": region})


QUEUE_TEMPLATES = ("proposals/department/_queue.html", "includes/pagination.html")


# --- Handling page ----------------------------------------------------------------------------


def _get_assignment(request, pk: int) -> Assignment:
    assignment = (
        Assignment.objects.select_related(
            "proposal__organisation",
            "proposal__first_proposer",
            "proposal__session__term",
            "department",
            "task",
        )
        .filter(pk=pk)
        .first()
    )
    # Same answer for "no such assignment" and "another department's": nothing leaks.
    if assignment is None or not policies.can_handle(request.user, assignment):
        raise Http404
    return assignment


_DOC_NUMBER = re.compile(r"^(?P<head>.*〔)(?P<year>\d{4})(?P<mid>〕\D*?)(?P<n>\d+)(?P<tail>号)$")


def suggest_doc_number(department, year: int) -> str:
    """The next number after the department's last answer letter (区住建函〔2026〕12号 →
    …13号; a new year starts at 1), or '' when there is nothing to go by."""
    last = (
        Answer.objects.filter(assignment__department=department)
        .exclude(doc_number="")
        .order_by("-answered_at", "-id")
        .values_list("doc_number", flat=True)
        .first()
    )
    match = _DOC_NUMBER.match(last or "")
    if not match:
        return ""
    n = int(match["n"]) + 1 if int(match["year"]) == year else 1
    return f"{match['head']}{year}{match['mid']}{n}{match['tail']}"


def _answer_initial(request, assignment: Assignment, waiting: Answer | None) -> dict:
    if waiting is not None:
        # The answer waiting for sign-off is revised in place: the form starts from it.
        fields = ["category", "text", "signed_by", "contact_person", "contact_phone", "doc_number"]
        return {name: getattr(waiting, name) for name in fields} | {"version": waiting.version}
    department = assignment.department
    return {
        "version": 0,
        "signed_by": department.leader_name,
        "contact_person": request.user.display_name,
        "contact_phone": department.phone or request.user.phone,
        "doc_number": suggest_doc_number(department, timezone.localdate().year),
    }


def shows_proposer_contacts(assignment: Assignment) -> bool:
    """The proposers' phone numbers are for the department that handles the proposal: not
    once it sent the proposal back, its part was withdrawn, or the proposal is closed."""
    return assignment.status not in (A.RETURNED, A.WITHDRAWN, A.CLOSED) and (
        assignment.proposal.status != Proposal.Status.CLOSED
    )


def _proposer_rows(request, assignment: Assignment) -> list:
    """The proposers with their phone numbers: the department must call them. Each page
    view that shows the numbers is logged (个人信息保护法). A department no longer handling
    it (`shows_proposer_contacts`) gets the names only, and nothing is logged."""
    proposal = assignment.proposal
    members = []
    for member in services.proposers(proposal):
        if member.pk not in {m.pk for m in members}:
            members.append(member)
    if not shows_proposer_contacts(assignment):
        return [SimpleNamespace(name=m.name, employer=m.employer, phone="") for m in members]
    for member in members:
        if member.phone:
            pii.log_access(
                actor=request.user,
                action="view",
                subject=member,
                fields=["phone"],
                organisation=proposal.organisation,
                note=Phrase(N_("承办提案：%(number)s"), number=proposal.number),
            )
    return members


def _answer_rows(
    request, assignment: Assignment, record_form=None, send_back_form=None
) -> list[Answer]:
    """The assignment's answers (the one waiting for sign-off too), each with what the user
    may do on it: sign it off (the department's leader, once; a waiting answer is sent with
    it) or send a waiting one back with remarks, and, once signed off, upload the stamped
    scan (a refused form is shown again on its own answer, with what the user typed)."""
    may_sign_off = policies.can_sign_off(request.user, assignment)
    # The proposers' ratings of each sent answer (满意／基本满意／不满意 and their comments):
    # the department reads them here, where the notice of an unsatisfied one links.
    answers = list(
        assignment.answers.select_related("signed_off_by", "sent_back_by").prefetch_related(
            Prefetch(
                "evaluations",
                queryset=Evaluation.objects.select_related("member").order_by("created_at", "id"),
            )
        )
    )
    for ans in answers:
        ans.waiting = ans.sent_at is None
        # 退回修改: it waits for the clerk's revision, not for the leader's signature.
        ans.sent_back = ans.waiting and ans.sent_back_at is not None
        ans.may_sign_off = may_sign_off and ans.signed_off_at is None and not ans.sent_back
        ans.send_back_form = None
        if ans.waiting and not ans.sent_back and may_sign_off:
            bound = send_back_form is not None and send_back_form.answer_pk == ans.pk
            ans.send_back_form = (
                send_back_form
                if bound
                else SendBackForm(prefix=f"back{ans.pk}", initial={"version": ans.version})
            )
        ans.scan_url = files.file_url(ans, "record_scan")
        ans.record_form = None
        if record_form is not None and getattr(record_form, "answer_pk", None) == ans.pk:
            ans.record_form = record_form
        elif ans.signed_off_at is not None:
            ans.record_form = RecordScanForm(id_prefix=f"record{ans.pk}")
    return answers


def _previous_round(assignment: Assignment) -> dict | None:
    """What a re-handling round works from (read-only): the proposal committee's 重新办理
    order, this department's answers of the round before with the proposers' ratings and
    comments, and the co-handlers' views of that round. None in the first round."""
    if assignment.round <= 1:
        return None
    before = list(
        assignment.proposal.assignments.filter(round=assignment.round - 1).select_related(
            "department"
        )
    )
    own = [
        a.pk
        for a in before
        if a.department_id == assignment.department_id and a.role != Assignment.Role.CO
    ]
    answers = list(
        Answer.objects.sent()
        .filter(assignment_id__in=own)
        .select_related("assignment__department")
        .prefetch_related(
            Prefetch(
                "evaluations",
                queryset=Evaluation.objects.select_related("member").order_by("created_at", "id"),
            )
        )
        .order_by("sent_at", "id")
    )
    co_tasks = [a.task_id for a in before if a.role == Assignment.Role.CO and a.task_id]
    co_views = list(
        Feedback.objects.filter(task_id__in=co_tasks)
        .select_related("task__department")
        .order_by("created_at", "id")
    )
    return {
        "round": assignment.round - 1,
        "order": rehandle_instruction(assignment.proposal),
        "answers": answers,
        "co_views": co_views,
    }


def _next_round(assignment: Assignment) -> Assignment | None:
    """This department's part in a later round (重新办理) of the proposal, when the committee
    ordered one: the answered page of the round before is where the clerk lands from the
    "已答复" list or an old notice, and it pointed nowhere."""
    return (
        assignment.proposal.assignments.filter(
            department_id=assignment.department_id, round__gt=assignment.round
        )
        .exclude(role=Assignment.Role.CO)
        .order_by("-round", "-id")
        .first()
    )


def _render_handle(request, assignment: Assignment, **forms):
    proposal = assignment.proposal
    org = proposal.organisation
    task = assignment.task
    assigned_on = timezone.localtime(assignment.assigned_at).date()
    extension_cap = services.months_later(assigned_on, config.get(org, rules.MAX_EXTENSION_MONTHS))
    handling = assignment.status == A.HANDLING
    round_parts = list(
        proposal.assignments.filter(round=assignment.round)
        .exclude(pk=assignment.pk)
        .select_related("department", "task")
    )
    # Named at the top: the units handling the proposal beside this one now. A unit sent back
    # (申请退回), replaced (已改交) or closed is no longer one; the lead department sees its
    # co-handlers (协办单位) only, not the units of another split part or a replaced lead.
    # A lead no longer handling (sent back) still sees the co-handlers that ended with it.
    live = (A.HANDLING, A.ANSWERED)
    if assignment.role == Assignment.Role.LEAD:
        others = [
            a
            for a in round_parts
            if a.role == Assignment.Role.CO and (a.status in live or assignment.status not in live)
        ]
    else:
        others = [a for a in round_parts if a.status in live]
    co_views = []
    if assignment.role == Assignment.Role.LEAD:
        co_tasks = [a.task_id for a in round_parts if a.role == Assignment.Role.CO and a.task_id]
        co_views = list(
            Feedback.objects.filter(task_id__in=co_tasks).select_related("task__department")
        )
        # A view that came after this department's answer went is filed, not in the letter.
        sent = (
            assignment.answers.filter(sent_at__isnull=False)
            .order_by("sent_at")
            .values_list("sent_at", flat=True)
            .first()
        )
        for view in co_views:
            view.after_answer = sent is not None and view.created_at > sent
    own_feedback = list(task.feedback.all()) if task is not None else []
    if task is not None:
        followups_selectors.mark_time_left([task], running=lambda _task: handling)
    extensions = list(task.extensions.all()) if task is not None else []
    categories = services.outcome_category_labels(org)
    answers = _answer_rows(
        request, assignment, forms.get("record_form"), forms.get("send_back_form")
    )
    waiting = next((a for a in answers if a.waiting), None)
    may_sign_off = policies.can_sign_off(request.user, assignment)
    has_signer = services.sign_off_users(assignment.department).exists()
    contacts = list(assignment.contacts.select_related("recorded_by"))
    followups_selectors.mark_time_left(
        _contact_deadlines([(assignment, bool(contacts))]), running=lambda _d: True
    )
    # 申请退回 is offered in the first round only (`return_refusal`); once its days are
    # over the page says until when it was open.
    can_return = return_refusal(assignment) is None
    first_round_handling = handling and assignment.round == 1
    context = {
        "assignment": assignment,
        "proposal": proposal,
        "task": task,
        "handling": handling,
        "proposers": _proposer_rows(request, assignment),
        "proposer_contacts": shows_proposer_contacts(assignment),
        "contacts": contacts,
        "contact": assignment.contact,
        "previous": _previous_round(assignment),
        "next_round": None if handling else _next_round(assignment),
        "others": others,
        "co_views": co_views,
        # Sent back (退回) with its co-handlers' part withdrawn: nothing is awaited from them.
        "co_withdrawn": assignment.status == A.RETURNED
        and any(a.role == Assignment.Role.CO for a in round_parts)
        and all(a.status == A.WITHDRAWN for a in round_parts if a.role == Assignment.Role.CO),
        "own_feedback": own_feedback,
        "answers": answers,
        "waiting": waiting,
        "may_sign_off": may_sign_off,
        "answer_waits": not may_sign_off and has_signer,
        # Without a leader's account nobody can sign off: the answer panel says so instead
        # of naming a signer beside 尚未签发.
        "has_signer": has_signer,
        "co_outstanding": [a.department.name for a in services.co_handlers_outstanding(assignment)]
        if handling
        else [],
        "categories": categories,
        "extensions": extensions,
        # One request at a time (followups.extension_request): while one waits for the
        # committee the page says so instead of offering a form that would be refused.
        "extension_pending": any(e.status == Extension.Status.PENDING for e in extensions),
        "return_until": return_until(assignment) if assignment.round == 1 else None,
        "can_return": can_return,
        "return_closed": first_round_handling and not can_return,
        "extension_cap": extension_cap,
        "is_co": assignment.role == Assignment.Role.CO,
        # A co-handler still to send its view after the lead answered is told before it does.
        "lead_answered_on": lead_answered_on(assignment) if handling else None,
        "events": history(proposal).select_related("actor")[:100],
        "contact_form": forms.get("contact_form") or ContactForm(),
        "co_view_form": forms.get("co_view_form") or CoViewForm(),
        "answer_form": forms.get("answer_form")
        or AnswerForm(
            categories=categories,
            no_contact=not contacts,
            initial=_answer_initial(request, assignment, waiting),
        ),
        "extension_form": forms.get("extension_form") or ExtensionForm(),
        "return_form": forms.get("return_form") or ReturnForm(),
        "sign_off_form": forms.get("sign_off_form"),
    }
    context.update(_sections(context, next(iter(forms), "")))
    return render(
        request, "proposals/department/handle.html", context, status=400 if forms else 200
    )


def _sections(context: dict, open_form: str) -> dict:
    """Which forms the page shows. A refused form is shown again (with what the user typed)
    even when the assignment has moved on meanwhile; a form the user's role never has (an
    answer from a co-handler) has its message shown at the top of the page instead."""
    handling, is_co = context["handling"], context["is_co"]
    show = {
        "contact_form": handling,
        "co_view_form": is_co and handling,
        "answer_form": not is_co and handling,
        "extension_form": handling
        and context["task"] is not None
        and not context["extension_pending"],
        "return_form": context["can_return"],
    }
    page_errors = []
    if open_form:
        # A refused sign-off has no input to show again: its message goes on top.
        shown = {"co_view_form": is_co, "answer_form": not is_co, "sign_off_form": False}
        if shown.get(open_form, True):
            show[open_form] = True
        else:
            form = context[open_form]
            page_errors = [e for errors in form.errors.values() for e in errors]
    return {"show": show, "open_form": open_form, "page_errors": page_errors}


@login_required
def handle(request, pk: int):
    return _render_handle(request, _get_assignment(request, pk))


def _act(request, assignment, form, form_name, action, *, success, to_queue=False, again=None):
    """Run a service; on refusal re-render the page (400) with the user's input and the
    service's message on the form (`again`: what to do next after a stale refusal, as
    `core.forms.refuse_stale` says). A callable `success` is given the service's result and
    says what happened."""
    try:
        result = action()
    except (ValidationError, TransitionError, StaleEdit) as exc:
        add_service_errors(form, exc, again=again)
    except PermissionDenied:
        raise Http404 from None
    else:
        messages.success(request, success(result) if callable(success) else success)
        if to_queue:
            return redirect("proposals:dept_queue")
        return redirect("proposals:dept_handle", assignment.pk)
    return _render_handle(request, assignment, **{form_name: form})


@login_required
@require_POST
def contact(request, pk: int):
    assignment = _get_assignment(request, pk)
    form = ContactForm(request.POST)
    if not form.is_valid():
        return _render_handle(request, assignment, contact_form=form)
    data = form.cleaned_data
    return _act(
        request,
        assignment,
        form,
        "contact_form",
        lambda: services.contact_record(
            assignment=assignment,
            actor=request.user,
            date=data["date"],
            way=data["way"],
            note=data["note"],
        ),
        success=_("联系记录已保存。"),
    )


@login_required
@require_POST
def co_view(request, pk: int):
    assignment = _get_assignment(request, pk)
    form = CoViewForm(request.POST)
    if not form.is_valid():
        return _render_handle(request, assignment, co_view_form=form)

    def sent(_feedback) -> str:
        answered_on = lead_answered_on(assignment)
        if answered_on is None:
            return _("协办意见已送主办单位。")
        return _("协办意见已提交并存档。主办单位已于%(date)s答复提案人，本意见不写入答复函。") % {
            "date": reader_date(answered_on)
        }

    return _act(
        request,
        assignment,
        form,
        "co_view_form",
        lambda: services.co_view_submit(
            assignment=assignment, actor=request.user, text=form.cleaned_data["text"]
        ),
        success=sent,
    )


@login_required
@require_POST
def answer(request, pk: int):
    assignment = _get_assignment(request, pk)
    categories = services.outcome_category_labels(assignment.proposal.organisation)
    form = AnswerForm(
        request.POST, categories=categories, no_contact=not assignment.contacts.exists()
    )
    if not form.is_valid():
        return _render_handle(request, assignment, answer_form=form)
    data = form.cleaned_data

    def submitted(answer) -> str:
        if answer.sent_at is None:
            return _("答复已提交，待单位负责人签发后送达提案人。")
        # A split part answered while another part is still open: the proposers are asked
        # to rate only once the whole proposal is answered (`services.answering._answered`).
        if Proposal.objects.filter(
            pk=assignment.proposal_id, status=Proposal.Status.ASSIGNED
        ).exists():
            return _("答复已送达。提案其他部分办理完毕后，提案人将收到评价通知。")
        return _("答复已送达，提案人将收到评价通知。")

    return _act(
        request,
        assignment,
        form,
        "answer_form",
        lambda: services.answer_submit(
            assignment=assignment,
            actor=request.user,
            category=data["category"],
            text=data["text"],
            signed_by=data["signed_by"],
            contact_person=data["contact_person"],
            contact_phone=data["contact_phone"],
            doc_number=data["doc_number"],
            expected_version=data["version"] or 0,
            confirm_no_contact=bool(data.get("confirm_no_contact")),
        ),
        success=submitted,
    )


@login_required
@require_POST
def extension(request, pk: int):
    assignment = _get_assignment(request, pk)
    form = ExtensionForm(request.POST)
    if not form.is_valid():
        return _render_handle(request, assignment, extension_form=form)
    return _act(
        request,
        assignment,
        form,
        "extension_form",
        lambda: services.assignment_extension_request(
            assignment=assignment,
            actor=request.user,
            requested_due=form.cleaned_data["requested_due"],
            reason=form.cleaned_data["reason"],
        ),
        success=_("延期申请已提交，待提案委员会审批。"),
    )


def _returned_message(assignment: Assignment) -> str:
    """A co-handler sending its part back ends only its own part (the lead department goes on
    and answers without its view; the committee is told why); a split part sent back while
    the other parts go on waits on the committee (改交 or 不再改交); a proposal nobody handles
    any more goes back to it to be assigned again (`assignment_return`)."""
    if assignment.role == Assignment.Role.CO:
        return _(
            "已申请退回本单位的协办事项，无需再提出协办意见；主办单位继续办理该提案，"
            "退回理由已告知提案委员会。"
        )
    # The proposal as the return left it (the assignment's copy predates the transition).
    proposal = Proposal.objects.get(pk=assignment.proposal_id)
    if services.reassign_refusal(assignment, proposal) is None:
        return _("已申请退回本单位分办的部分，提案委员会将改交其他单位办理或决定不再改交。")
    return _("已申请退回，提案委员会将重新交办。")


@login_required
@require_POST
def give_back(request, pk: int):
    assignment = _get_assignment(request, pk)
    form = ReturnForm(request.POST)
    if not form.is_valid():
        return _render_handle(request, assignment, return_form=form)
    return _act(
        request,
        assignment,
        form,
        "return_form",
        lambda: services.assignment_return(
            assignment=assignment, actor=request.user, reason=form.cleaned_data["reason"]
        ),
        success=_returned_message,
        to_queue=True,
    )


def _get_own_answer(request, answer_pk: int) -> Answer:
    answer = Answer.objects.select_related("assignment").filter(pk=answer_pk).first()
    if answer is None:
        raise Http404
    return answer


@login_required
@require_POST
def sign_off(request, answer_pk: int):
    """签发 by the department's leader; the department's clerk sees the page but may not."""
    answer = _get_own_answer(request, answer_pk)
    assignment = _get_assignment(request, answer.assignment_id)
    if not policies.can_sign_off(request.user, assignment):
        raise PermissionDenied
    form = SignOffForm(request.POST)
    form.is_valid()  # a hidden number: anything else counts as missing
    waiting = answer.sent_at is None
    return _act(
        request,
        assignment,
        form,
        "sign_off_form",
        lambda: services.answer_sign_off(
            answer=answer,
            actor=request.user,
            expected_version=form.cleaned_data.get("version") or 0,
        ),
        success=_("答复函已签发并送达提案人。请上传盖章签字后的扫描件作为正式答复函。")
        if waiting
        else _("答复函已签发，请上传盖章签字后的扫描件作为正式答复函。"),
        # The sign-off replaces nothing: the page shown again has the revised text to read.
        again=_("本页已显示修改后的答复，请阅读后再签发。"),
    )


@login_required
@require_POST
def send_back(request, answer_pk: int):
    """退回修改 of a waiting answer by the department's leader."""
    answer = _get_own_answer(request, answer_pk)
    assignment = _get_assignment(request, answer.assignment_id)
    if not policies.can_sign_off(request.user, assignment):
        raise PermissionDenied
    form = SendBackForm(request.POST, prefix=f"back{answer.pk}")
    form.answer_pk = answer.pk
    if not form.is_valid():
        return _render_handle(request, assignment, send_back_form=form)
    return _act(
        request,
        assignment,
        form,
        "send_back_form",
        lambda: services.answer_send_back(
            answer=answer,
            actor=request.user,
            note=form.cleaned_data["note"],
            expected_version=form.cleaned_data.get("version") or 0,
        ),
        success=_("已退回经办人修改。"),
        # The remarks replace nothing (not core.forms.SAVE_AGAIN): the page shown again has
        # the revised text, and the form the remarks typed and the current version.
        again=_(
            "本页已显示修改后的答复。阅读后仍要退回修改的，请再次提交修改意见（本页填写的意见仍保留）。"
        ),
    )


@login_required
@require_POST
def record_upload(request, answer_pk: int):
    answer = _get_own_answer(request, answer_pk)
    assignment = _get_assignment(request, answer.assignment_id)
    form = RecordScanForm(request.POST, request.FILES, id_prefix=f"record{answer.pk}")
    form.answer_pk = answer.pk
    if not form.is_valid():
        return _render_handle(request, assignment, record_form=form)
    return _act(
        request,
        assignment,
        form,
        "record_form",
        lambda: services.answer_record_upload(
            answer=answer,
            actor=request.user,
            file=form.cleaned_data["file"],
            note=form.cleaned_data["note"],
        ),
        success=_("正式答复函（盖章扫描件）已上传。"),
    )


# --- Answer letter ----------------------------------------------------------------------------


# The one rule for an answer's letters, also asked by core.files for the stamped scan.
can_read_letter = policies.can_view_answer


@login_required
@require_safe
def letter(request, answer_pk: int):
    answer = (
        Answer.objects.select_related(
            "assignment__proposal__organisation", "assignment__department"
        )
        .filter(pk=answer_pk)
        .first()
    )
    if answer is None or not can_read_letter(request.user, answer):
        raise Http404
    if answer.sent_at is None and not policies.can_handle(request.user, answer.assignment):
        raise Http404  # a waiting letter is the department's draft
    return pdf_response(pdf.answer_letter(answer), pdf.answer_letter_filename(answer))

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from xieshang.core.audit import TransitionError, history
from xieshang.core.forms import add_service_errors
from xieshang.core.params import paginate

from . import policies, selectors, services
from .forms import DecisionForm, ExtensionForm, FeedbackForm, ReopenForm
from .models import Extension, Task

STATES = [
    ("open", gettext_lazy("办理中")),
    ("overdue", gettext_lazy("已逾期")),
    ("submitted", gettext_lazy("已反馈待确认")),
    ("closed", gettext_lazy("已办结")),
]


@login_required
def queue(request):
    state = request.GET.get("state", "open")
    if state not in dict(STATES):
        state = "open"
    page = paginate(request, selectors.task_queue(request.user, state=state), 50)
    return render(
        request,
        "followups/queue.html",
        {"page": page, "state": state, "states": STATES, "today": timezone.localdate()},
    )


def _get_task(request, pk: int) -> Task:
    task = (
        Task.objects.select_related("department", "organisation", "content_type")
        .filter(pk=pk)
        .first()
    )
    # Same answer for "no such task" and "not yours": existence does not leak.
    if task is None or not policies.can_view(request.user, task):
        raise Http404
    return task


def _render_detail(request, task, **forms):
    context = {
        "task": task,
        "today": timezone.localdate(),
        "feedback_list": task.feedback.select_related("author"),
        "extensions": task.extensions.select_related("requested_by", "decided_by"),
        "events": history(task).select_related("actor"),
        "can_answer": policies.can_answer(request.user, task),
        "can_manage": policies.can_manage(request.user, task),
        "feedback_form": forms.get("feedback_form") or FeedbackForm(),
        "extension_form": forms.get("extension_form") or ExtensionForm(),
        "reopen_form": forms.get("reopen_form") or ReopenForm(),
        "decision_form": DecisionForm(),
    }
    status = 400 if forms else 200
    return render(request, "followups/detail.html", context, status=status)


@login_required
def detail(request, pk: int):
    return _render_detail(request, _get_task(request, pk))


def _act(request, task, action, form=None, form_name=None, success=""):
    try:
        action()
    except (ValidationError, TransitionError) as exc:
        if form is not None:
            add_service_errors(form, exc)
            return _render_detail(request, task, **{form_name: form})
        messages.error(request, exc.messages[0] if isinstance(exc, ValidationError) else str(exc))
        return redirect("followups:detail", task.pk)
    if success:
        messages.success(request, success)
    return redirect("followups:detail", task.pk)


@login_required
@require_POST
def feedback(request, pk: int):
    task = _get_task(request, pk)
    form = FeedbackForm(request.POST, request.FILES)
    if not form.is_valid():
        return _render_detail(request, task, feedback_form=form)
    return _act(
        request,
        task,
        lambda: services.feedback_submit(
            task=task,
            text=form.cleaned_data["text"],
            document=form.cleaned_data.get("document"),
            actor=request.user,
        ),
        form,
        "feedback_form",
        success=_("书面反馈已提交。"),
    )


@login_required
@require_POST
def extension(request, pk: int):
    task = _get_task(request, pk)
    form = ExtensionForm(request.POST)
    if not form.is_valid():
        return _render_detail(request, task, extension_form=form)
    return _act(
        request,
        task,
        lambda: services.extension_request(
            task=task,
            requested_due=form.cleaned_data["requested_due"],
            reason=form.cleaned_data["reason"],
            actor=request.user,
        ),
        form,
        "extension_form",
    )


@login_required
@require_POST
def extension_decision(request, pk: int, ext_pk: int):
    task = _get_task(request, pk)
    ext = Extension.objects.filter(pk=ext_pk, task=task).first()
    if ext is None:
        raise Http404
    form = DecisionForm(request.POST)
    form.is_valid()
    approve = request.POST.get("decision") == "approve"
    return _act(
        request,
        task,
        lambda: services.extension_decide(
            extension=ext,
            approve=approve,
            actor=request.user,
            note=form.cleaned_data.get("note", ""),
        ),
    )


@login_required
@require_POST
def close(request, pk: int):
    task = _get_task(request, pk)
    return _act(
        request,
        task,
        lambda: services.task_close(
            task=task, actor=request.user, note=request.POST.get("note", "")
        ),
    )


@login_required
@require_POST
def reopen(request, pk: int):
    task = _get_task(request, pk)
    form = ReopenForm(request.POST)
    if not form.is_valid():
        return _render_detail(request, task, reopen_form=form)
    return _act(
        request,
        task,
        lambda: services.task_reopen(
            task=task,
            actor=request.user,
            note=form.cleaned_data["note"],
            working_days=form.cleaned_data["working_days"],
        ),
        form,
        "reopen_form",
    )

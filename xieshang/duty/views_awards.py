"""Pages of the annual commendation (C5.8): the round with its candidate lists (office
proposes, chairman's meeting decides), the decision PDF, and the public list on the portal.
The rules and transitions are in `duty.awards`; these views only call them."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST, require_safe

from xieshang.core.audit import StaleEdit, TransitionError, history
from xieshang.core.forms import add_service_errors
from xieshang.core.params import paginate, year_param
from xieshang.core.pdf import pdf_response, render_pdf

from . import awards
from .award_forms import DecisionForm, ProposeForm, PublishForm
from .award_models import Commendation

S = Commendation.Status


def _org(request):
    org = awards.round_organisation(request.user)
    if org is None:
        raise PermissionDenied
    return org


def _round(request, pk: int) -> Commendation:
    """A round the user may work on; another organisation's reads as missing."""
    com = get_object_or_404(Commendation.objects.select_related("organisation"), pk=pk)
    user = request.user
    if not (
        awards.can_propose(user, com.organisation) or awards.can_decide(user, com.organisation)
    ):
        raise Http404
    return com


def _back(com):
    return redirect(f"{_url()}?year={com.year}")


def _url():
    from django.urls import reverse

    return reverse("duty:commendation")


@login_required
def commendation(request):
    """The year's round: candidates of the six types (with the office's ticks while the list
    is a draft), the proposed list, the decision and publication steps, the history."""
    org = _org(request)
    year = year_param(request, default=timezone.localdate().year - 1)
    return _round_page(request, org, year, proposing=request.method == "POST")


def _round_page(request, org, year: int, *, proposing: bool, publish_form=None):
    """The round's page; `proposing` when the office sent its ticks (the candidates' form),
    `publish_form` a refused publication's form, shown with what was typed."""
    com = Commendation.objects.filter(organisation=org, year=year).first()
    office = awards.can_propose(request.user, org)
    chair = awards.can_decide(request.user, org)
    editable = office and (com is None or com.editable)
    cands = awards.candidates(org, year)
    initial = {}
    if com is not None:
        initial["version"] = com.version
        for a in com.awards.all():
            key = f"{a.award_type}-{a.ref.replace(':', '-')}"
            initial[f"pick-{key}"] = True
            initial[f"reason-{key}"] = a.reason
    form = ProposeForm(request.POST if proposing else None, candidates=cands, initial=initial)
    status = 200 if publish_form is None else 400
    if proposing:
        if not editable:
            raise PermissionDenied
        if form.is_valid():
            try:
                awards.commendation_propose(
                    organisation=org,
                    year=year,
                    picks=form.picks(),
                    actor=request.user,
                    version=form.cleaned_data.get("version"),
                    computed=cands,
                )
            except (TransitionError, StaleEdit) as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, _("已保存拟表彰名单。"))
                return redirect(f"{_url()}?year={year}")
        status = 400
    labels = dict(awards.T.choices)
    sections = [
        {"type": t, "label": labels[t], "rule": RULE_TEXT[t], "candidates": cs}
        for t, cs in cands.items()
    ]
    context = {
        "org": org,
        "year": year,
        "years": range(timezone.localdate().year, timezone.localdate().year - 5, -1),
        "com": com,
        "office": office,
        "chair": chair,
        "editable": editable,
        "form": form,
        "sections": sections,
        "grouped": awards.grouped_awards(com) if com else [],
        "events": list(history(com).select_related("actor")) if com else [],
        "decision_form": DecisionForm() if chair and com and com.status == S.SUBMITTED else None,
        "publish_form": (publish_form or PublishForm())
        if office and com and com.status == S.APPROVED
        else None,
    }
    return render(request, "duty/awards/round.html", context, status=status)


# What each list is, in a sentence (the thresholds themselves are in each row's rule).
RULE_TEXT = {
    awards.T.GROUP: gettext_lazy("按组内委员年度平均履职得分和达到最低履职要求的委员占比。"),
    awards.T.LEADER: gettext_lazy("活动组成绩达标、本人考核良好以上且达到最低履职要求的组长。"),
    awards.T.MEMBER: gettext_lazy("考核等次为优秀且达到最低履职要求的委员，按得分排序。"),
    awards.T.DEPARTMENT: gettext_lazy("按时办复率和委员对办理结果满意率达标的承办单位。"),
    awards.T.PROPOSER: gettext_lazy("作为第一提案人提出提案的委员，重点提案、优秀提案多者在前。"),
    awards.T.HANDLER: gettext_lazy("答复提案的承办单位经办人员，按时答复且委员满意。"),
}


@login_required
@require_POST
def commendation_submit(request, pk: int):
    com = _round(request, pk)
    try:
        awards.commendation_submit(commendation=com, actor=request.user)
    except TransitionError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("已提交主席会议审定。"))
    return _back(com)


@login_required
@require_POST
def commendation_decide(request, pk: int):
    com = _round(request, pk)
    if not awards.can_decide(request.user, com.organisation):
        raise PermissionDenied
    form = DecisionForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for e in errors:
                messages.error(request, e)
        return _back(com)
    data = form.cleaned_data
    try:
        if data["decision"] == "approve":
            awards.commendation_approve(commendation=com, actor=request.user, note=data["note"])
            messages.success(request, _("已审定表彰名单。"))
        else:
            awards.commendation_return(commendation=com, actor=request.user, reason=data["note"])
            messages.success(request, _("已退回表彰名单。"))
    except TransitionError as exc:
        messages.error(request, str(exc))
    return _back(com)


@login_required
@require_POST
def commendation_publish(request, pk: int):
    com = _round(request, pk)
    form = PublishForm(request.POST)
    if form.is_valid():
        try:
            awards.commendation_publish(
                commendation=com, actor=request.user, doc_number=form.cleaned_data["doc_number"]
            )
        except TransitionError as exc:
            messages.error(request, str(exc))
            return _back(com)
        except ValidationError as exc:
            # A number another decision carries: the form again, with what was typed.
            add_service_errors(form, exc)
        else:
            messages.success(request, _("表彰名单已在公众平台公布。"))
            return _back(com)
    return _round_page(request, com.organisation, com.year, proposing=False, publish_form=form)


@login_required
@require_safe
def commendation_document(request, pk: int):
    """The commendation decision (表彰决定) as PDF, once the chairman's meeting approved."""
    com = _round(request, pk)
    if com.status not in (S.APPROVED, S.PUBLISHED):
        raise Http404
    content = render_pdf("duty/awards/decision_pdf.html", awards.decision_context(com))
    name = _("%(org)s%(year)s年度表彰决定.pdf") % {"org": com.organisation.name, "year": com.year}
    return pdf_response(content, name)


# --- Public (portal) -------------------------------------------------------------------------


def public_list(request):
    """Published commendation rounds of every organisation, newest year first."""
    qs = awards.published_rounds().select_related("organisation").order_by("-year", "-published_at")
    return render(request, "duty/awards/public_list.html", {"page": paginate(request, qs, 20)})


def public_detail(request, pk: int):
    """A published list: award type, names and units only (nothing personal)."""
    com = get_object_or_404(awards.published_rounds().select_related("organisation"), pk=pk)
    return render(
        request,
        "duty/awards/public_detail.html",
        {"com": com, "grouped": awards.grouped_awards(com)},
    )

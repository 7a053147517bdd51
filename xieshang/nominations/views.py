"""Staff pages of nomination rounds. Every page goes through `policies`; a round or
candidate the user may not see answers 404, an action their role may not take 403."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST, require_safe

from xieshang.core.audit import StaleEdit, TransitionError, history
from xieshang.core.excel import table_bytes, xlsx_response
from xieshang.core.forms import SAVE_AGAIN, add_service_errors, refusal_message, run_action
from xieshang.core.params import paginate
from xieshang.core.pdf import heading, pdf_response, render_pdf
from xieshang.duty import policies as duty_policies
from xieshang.orgs import config
from xieshang.orgs.models import ordinal

from . import policies, selectors, services
from .forms import (
    CancelForm,
    CandidateForm,
    ConsultationForm,
    CorrectForm,
    LimitsForm,
    OpinionForm,
    RoundForm,
    SeatsForm,
    WithdrawForm,
)
from .models import Candidate, NominationRound, RoundKind

PAGE_SIZE = 30


def _round(request, pk: int) -> NominationRound:
    found = (
        NominationRound.objects.select_related("organisation", "base_term", "target_term")
        .filter(pk=pk)
        .first()
    )
    if found is None or not policies.can_view(request.user, found):
        raise Http404
    return found


def _candidate(request, pk: int) -> Candidate:
    found = (
        Candidate.objects.select_related(
            "round", "round__organisation", "round__base_term", "party", "sector", "member"
        )
        .filter(pk=pk)
        .first()
    )
    if found is None or not policies.can_view(request.user, found.round):
        raise Http404
    return found


@login_required
def round_list(request):
    if not policies.can_use(request.user):
        raise PermissionDenied
    page = paginate(request, selectors.rounds_for(request.user), PAGE_SIZE)
    return render(
        request,
        "nominations/list.html",
        {
            "page": page,
            "can_create": policies.manageable_organisations(request.user).exists(),
        },
    )


@login_required
def limits(request):
    """The office sets its committee's composition limits (audited by orgs.config)."""
    organisation = policies.manageable_organisations(request.user).order_by("path").first()
    if organisation is None:
        raise PermissionDenied
    form = LimitsForm(request.POST or None, organisation=organisation)
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                for key, value, version in form.changes():
                    config.set_value(
                        organisation, key, value, actor=request.user, expected_version=version
                    )
        except StaleEdit as exc:
            form.add_error(None, [str(exc), SAVE_AGAIN])
            form.show_current()
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("名单结构要求已保存。"))
            return redirect("nominations:list")
    return render(
        request,
        "nominations/form.html",
        {"form": form, "title": _("名单结构要求"), "organisation": organisation},
        status=400 if request.method == "POST" else 200,
    )


@login_required
def round_create(request):
    if not policies.manageable_organisations(request.user).exists():
        raise PermissionDenied
    form = RoundForm(request.POST or None, actor=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            round = services.round_create(actor=request.user, **form.cleaned_data)
        except (ValidationError, TransitionError) as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("提名工作已建立，请设定名额。"))
            return redirect("nominations:seats", round.pk)
    return render(
        request,
        "nominations/form.html",
        {"form": form, "title": _("建立提名工作")},
        status=400 if request.method == "POST" else 200,
    )


def _detail_context(request, round):
    candidates = list(selectors.candidates_of(round))
    composition = selectors.composition(round, [c for c in candidates if c.status != "withdrawn"])
    departments = policies.nominating_departments(request.user, round)
    return {
        "round": round,
        "candidates": candidates,
        "composition": composition,
        "blockers": services.confirm_blockers(round, composition) if round.is_draft else [],
        "can_manage": policies.can_manage(request.user, round),
        "can_nominate": round.is_draft and bool(departments),
        "departments": departments,
        "events": history(round).select_related("actor")[:30],
        "cancel_form": CancelForm(),
    }


@login_required
def round_detail(request, pk: int):
    round = _round(request, pk)
    return render(request, "nominations/detail.html", _detail_context(request, round))


@login_required
@require_POST
def round_cancel(request, pk: int):
    round = _round(request, pk)
    if not policies.can_manage(request.user, round):
        raise PermissionDenied
    form = CancelForm(request.POST)
    if form.is_valid():
        try:
            services.round_cancel(
                round=round, actor=request.user, reason=form.cleaned_data["reason"]
            )
        except (ValidationError, TransitionError) as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("提名工作已取消。"))
            return redirect("nominations:detail", round.pk)
    context = {**_detail_context(request, round), "cancel_form": form}
    return render(request, "nominations/detail.html", context, status=400)


@login_required
def round_seats(request, pk: int):
    round = _round(request, pk)
    if not policies.can_manage(request.user, round):
        raise PermissionDenied
    form = SeatsForm(request.POST or None, round=round)
    if request.method == "POST" and form.is_valid():
        sectors, categories = form.values()
        try:
            services.seats_set(
                round=round,
                actor=request.user,
                sectors=sectors,
                categories=categories,
                expected_version=form.cleaned_data.get("version"),
            )
        except (ValidationError, TransitionError, StaleEdit) as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("名额已保存。"))
            return redirect("nominations:detail", round.pk)
    return render(
        request,
        "nominations/seats.html",
        {"form": form, "round": round},
        status=400 if request.method == "POST" else 200,
    )


@login_required
def candidate_new(request, pk: int):
    round = _round(request, pk)
    if not policies.nominating_departments(request.user, round):
        raise PermissionDenied
    # A form sent after the list was confirmed is refused by the service: with its reason
    # and what was typed, not a bare 403.
    if not round.is_draft and request.method != "POST":
        raise PermissionDenied
    form = CandidateForm(request.POST or None, round=round, actor=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            candidate = services.candidate_nominate(
                round=round,
                actor=request.user,
                party=data["party"],
                sector=data["sector"],
                member=data["member"],
                person=None if data["member"] else form.person(),
                categories=data["categories"],
                reason=data["reason"],
            )
        except (ValidationError, TransitionError) as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("已提名%(name)s。") % {"name": candidate.name})
            broken = selectors.rules_broken_by(round, candidate)
            if broken:
                messages.warning(
                    request,
                    _("提名后，名单不符合以下结构要求（不影响提名，确认名单前请调整）：")
                    + "".join(broken),
                )
            return redirect("nominations:candidate", candidate.pk)
    elif request.method == "POST":
        # Say at once that the list was confirmed meanwhile, beside any field's error: not
        # after the user has mended the fields and sent the form again.
        try:
            services.require_open(round)
        except TransitionError as exc:
            add_service_errors(form, exc)
    context = {"form": form, "round": round, "composition": selectors.composition(round)}
    return render(
        request,
        "nominations/candidate_form.html",
        context,
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_POST
def composition_preview(request, pk: int):
    """The composition panel with the person being entered counted in (htmx, on every
    change of the nomination form). Saves nothing."""
    round = _round(request, pk)
    if not round.is_draft or not policies.nominating_departments(request.user, round):
        raise PermissionDenied
    form = CandidateForm(request.POST, round=round, actor=request.user)
    form.is_valid()  # the fields that are valid so far are enough for a preview
    data = form.cleaned_data
    candidates = list(selectors.candidates_of(round, include_withdrawn=False))
    if data.get("party") and data.get("sector"):
        member = data.get("member")
        candidates.append(
            Candidate(
                round=round,
                member=member,
                name=member.name if member else data.get("name") or "",
                gender=member.gender if member else data.get("gender") or "",
                birth_date=member.birth_date if member else data.get("birth_date"),
                party=data["party"],
                sector=data["sector"],
                categories=data.get("categories") or [],
            )
        )
    context = {
        "round": round,
        "composition": selectors.composition(round, candidates),
        "preview": True,
        # Shown in the nomination form's side panel (candidate_form.html).
        "side_panel": True,
    }
    return render(request, "nominations/_composition.html", context)


def _render_candidate(request, candidate, status=200, **forms):
    round = candidate.round
    own = policies.can_act_on(request.user, candidate)
    opinion = policies.can_record_opinion(request.user, round)
    today = timezone.localdate()
    context = {
        "candidate": candidate,
        "round": round,
        "own": own,
        "can_correct": round.is_draft
        and candidate.status in services.LIVE
        and services.can_correct(request.user, candidate),
        "can_opinion": opinion and candidate.is_continuing,
        "can_see_file": candidate.is_continuing
        and duty_policies.can_view_member(request.user, candidate.member),
        "missing": services.missing_steps(candidate),
        "age": candidate.age_on(round.reference_date),
        "consultation_form": forms.get("consultation_form")
        or ConsultationForm(initial={"consulted_on": today, "version": candidate.version}),
        "opinion_form": forms.get("opinion_form")
        or OpinionForm(initial={"on_date": today, "version": candidate.version}),
        "withdraw_form": forms.get("withdraw_form") or WithdrawForm(),
        "events": history(candidate).select_related("actor")[:30],
    }
    return render(request, "nominations/candidate.html", context, status=status)


@login_required
def candidate_detail(request, pk: int):
    return _render_candidate(request, _candidate(request, pk))


def _act(request, candidate, run, success, form=None, form_name=""):
    return run_action(
        request,
        run,
        success=success,
        done=reverse("nominations:candidate", args=[candidate.pk]),
        form=form,
        rerender=lambda: _render_candidate(request, candidate, status=400, **{form_name: form}),
    )


@login_required
@require_POST
def candidate_consultation(request, pk: int):
    candidate = _candidate(request, pk)
    if not policies.can_act_on(request.user, candidate):
        raise PermissionDenied
    form = ConsultationForm(request.POST)
    if not form.is_valid():
        return _render_candidate(request, candidate, status=400, consultation_form=form)
    data = form.cleaned_data
    return _act(
        request,
        candidate,
        lambda: services.consultation_record(
            candidate=candidate,
            actor=request.user,
            consulted_with=data["consulted_with"],
            consulted_on=data["consulted_on"],
            note=data["note"],
            expected_version=data["version"],
        ),
        _("协商情况已登记。"),
        form,
        "consultation_form",
    )


@login_required
@require_POST
def candidate_opinion(request, pk: int):
    candidate = _candidate(request, pk)
    if not policies.can_record_opinion(request.user, candidate.round):
        raise PermissionDenied
    form = OpinionForm(request.POST)
    if not form.is_valid():
        return _render_candidate(request, candidate, status=400, opinion_form=form)
    data = form.cleaned_data
    return _act(
        request,
        candidate,
        lambda: services.party_group_opinion_record(
            candidate=candidate,
            actor=request.user,
            agrees=data["agrees"],
            opinion=data["opinion"],
            on_date=data["on_date"],
            expected_version=data["version"],
        ),
        _("政协党组意见已登记，履职情况摘要已附上。"),
        form,
        "opinion_form",
    )


@login_required
@require_POST
def candidate_complete(request, pk: int):
    candidate = _candidate(request, pk)
    if not policies.can_act_on(request.user, candidate):
        raise PermissionDenied
    return _act(
        request,
        candidate,
        lambda: services.candidate_complete(candidate=candidate, actor=request.user),
        _("提名已完成。"),
    )


@login_required
def candidate_correct(request, pk: int):
    """修改人选信息: a typo in a candidate's particulars mended before the list is confirmed."""
    candidate = _candidate(request, pk)
    round = candidate.round
    if not services.can_correct(request.user, candidate):
        raise PermissionDenied
    # A form sent after the list was confirmed is refused by the service, keeping the typing.
    if request.method != "POST" and not (round.is_draft and candidate.status in services.LIVE):
        raise PermissionDenied
    form = CorrectForm(request.POST or None, round=round, actor=request.user, candidate=candidate)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.candidate_correct(
                candidate=candidate,
                actor=request.user,
                expected_version=data["version"],
                sector=data["sector"],
                categories=data["categories"],
                reason=data["reason"],
                person=None if candidate.is_continuing else form.person(),
            )
        except (ValidationError, TransitionError, StaleEdit) as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("人选信息已修改。"))
            return redirect("nominations:candidate", candidate.pk)
    context = {"form": form, "round": round, "candidate": candidate}
    return render(
        request,
        "nominations/candidate_correct.html",
        context,
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_POST
def candidate_withdraw(request, pk: int):
    candidate = _candidate(request, pk)
    if not policies.can_act_on(request.user, candidate):
        raise PermissionDenied
    form = WithdrawForm(request.POST)
    if not form.is_valid():
        return _render_candidate(request, candidate, status=400, withdraw_form=form)
    return _act(
        request,
        candidate,
        lambda: services.candidate_withdraw(
            candidate=candidate, actor=request.user, reason=form.cleaned_data["reason"]
        ),
        _("已撤回提名。"),
        form,
        "withdraw_form",
    )


@login_required
@require_POST
def round_confirm(request, pk: int):
    round = _round(request, pk)
    if not policies.can_manage(request.user, round):
        raise PermissionDenied
    try:
        services.round_confirm(round=round, actor=request.user)
    except (ValidationError, TransitionError) as exc:
        messages.error(request, refusal_message(exc))
    else:
        messages.success(request, _("名单已确认，委员任职已生成。"))
    return redirect("nominations:detail", round.pk)


# --- The list (名单) as Excel and PDF, in surname-stroke order --------------------------------


def _roster_title(round) -> str:
    if round.kind == RoundKind.NEW_TERM:
        return _("%(org)s第%(n)s届委员会委员建议名单") % {
            "org": round.organisation.name,
            "n": ordinal(round.base_term.number + 1),
        }
    return _("%(org)s%(term)s委员会增补委员建议名单") % {
        "org": round.organisation.name,
        "term": round.base_term,
    }


def _roster_rows(round):
    rows = []
    for c in selectors.candidates_of(round, include_withdrawn=False):
        rows.append(
            [
                c.name,
                c.get_gender_display(),
                c.ethnicity,
                f"{c.birth_date.year}.{c.birth_date.month:02d}" if c.birth_date else "",
                c.party.short_name or c.party.name,
                c.sector.name,
                c.employer,
                _("继续提名") if c.is_continuing else _("新提名"),
                c.get_department_display(),
                c.get_status_display(),
            ]
        )
    return rows


ROSTER_HEADERS = [
    gettext_lazy("姓名"),
    gettext_lazy("性别"),
    gettext_lazy("民族"),
    gettext_lazy("出生年月"),
    gettext_lazy("政治面貌"),
    gettext_lazy("界别"),
    gettext_lazy("工作单位及职务"),
    gettext_lazy("提名方式"),
    gettext_lazy("提名部门"),
    gettext_lazy("状态"),
]


def _headers() -> list[str]:
    return [str(h) for h in ROSTER_HEADERS]


@login_required
@require_safe
def roster_xlsx(request, pk: int):
    round = _round(request, pk)
    content = table_bytes(_("委员建议名单"), _headers(), _roster_rows(round))
    name = str(round) + _("建议名单")  # gettext outside an f-string, where xgettext finds it
    return xlsx_response(content, f"{name}.xlsx", fallback=f"nomination-{round.pk}.xlsx")


@login_required
@require_safe
def roster_pdf(request, pk: int):
    round = _round(request, pk)
    # Official documents are Chinese whatever the page language (core.pdf).
    with translation.override("zh-hans"):
        title = _roster_title(round)
        context = {
            **heading(round.organisation.name, title, timezone.localdate()),
            "headers": _headers()[:7],
            "rows": [row[:7] for row in _roster_rows(round)],
        }
    content = render_pdf("nominations/pdf/roster.html", context)
    return pdf_response(content, f"{title}.pdf")

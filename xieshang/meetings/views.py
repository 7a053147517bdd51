"""Meeting pages: list, set-up, invitations, notices, the member's page and leave."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from xieshang.core import access
from xieshang.core.audit import StaleEdit, TransitionError, deleted_by, history
from xieshang.core.forms import SAVE_AGAIN
from xieshang.core.params import choice_param, paginate, year_param
from xieshang.members.selectors import cppcc_organisations
from xieshang.orgs.models import ActivityGroup

from . import policies, selectors, services
from .forms import (
    BehalfLeaveForm,
    InviteForm,
    LeaveForm,
    MeetingForm,
    ReportForm,
    ReportSendForm,
    ReportUnsendForm,
    SittingEditForm,
    SittingForm,
    SpeechForm,
)
from .models import Invitation, LeaveRequest, Meeting, MeetingKind, Sitting

KIND_CHOICES = MeetingKind.choices


def get_meeting(request, pk: int) -> tuple[Meeting, Invitation | None]:
    """The meeting and the user's own invitation; 404 for "no such meeting" and "not
    yours" alike, so existence does not leak across organisations."""
    meeting = (
        Meeting.objects.select_related(
            "organisation", "committee", "activity_group", "session__term"
        )
        .filter(pk=pk)
        .first()
    )
    if meeting is None:
        raise Http404
    invitation = policies.own_invitation(request.user, meeting)
    if not policies.can_view(request.user, meeting, invitation):
        raise Http404
    return meeting, invitation


def _message(exc) -> str:
    if isinstance(exc, ValidationError):
        return exc.messages[0]
    if isinstance(exc, PermissionDenied):
        return _("您无权执行此操作。")
    return str(exc)


@login_required
def meeting_list(request):
    staff = access.can(request.user, "meetings.view") or access.can(request.user, "meetings.manage")
    runs_some = bool(policies.committee_ids(request.user) or policies.led_group_ids(request.user))
    if not staff and not runs_some:
        return redirect("meetings:mine")
    kind = choice_param(request, "kind", KIND_CHOICES, label=_("类型"))
    year = year_param(request)
    qs = selectors.meetings_for(request.user, kind=kind, year=year)
    page = paginate(
        request,
        qs,
        30,
        count=lambda: selectors.meeting_count(request.user, kind=kind, year=year),
    )
    # A city's or a province's office sees many organisations' meetings: name each one's.
    show_organisation = policies.spans_organisations(request.user) or (
        len({m.organisation_id for m in page}) > 1
    )
    return render(
        request,
        "meetings/list.html",
        {
            "page": page,
            "show_organisation": show_organisation,
            "kind": kind,
            "year": year or "",
            "kinds": KIND_CHOICES,
            "can_create": access.can(request.user, "meetings.manage") or runs_some,
        },
    )


@login_required
def mine(request):
    member = policies.member_of(request.user)
    upcoming, past = selectors.my_meetings(request.user, member)
    leave = selectors.my_leave(member)[:50] if member is not None else []
    # 已请假 on the meetings ahead the member has approved leave for (whole or some sittings).
    on_leave = {}
    if member is not None and upcoming:
        on_leave = selectors.approved_leave(member, [m.pk for m, _inv in upcoming])
    upcoming = [(m, inv, on_leave.get(m.pk)) for m, inv in upcoming]
    return render(
        request,
        "meetings/mine.html",
        {"upcoming": upcoming, "past": past, "leave_list": leave, "member": member},
    )


def _managed_org(request):
    orgs = list(cppcc_organisations(request.user, "meetings.manage"))
    if not orgs and policies.committee_ids(request.user):
        from xieshang.orgs.models import Committee

        committee = Committee.objects.filter(pk__in=policies.committee_ids(request.user)).first()
        return committee.organisation
    if not orgs and policies.led_group_ids(request.user):
        # A group leader sets up the activities of the group they lead (SPEC, 组长).
        return (
            ActivityGroup.objects.filter(pk__in=policies.led_group_ids(request.user))
            .select_related("organisation")
            .first()
            .organisation
        )
    if not orgs:
        raise PermissionDenied
    return orgs[0]


def _leader_groups(request, organisation):
    """The groups a user who runs meetings only as a group leader may set an activity up
    for; None for the office and a special committee's staff (the full form)."""
    if cppcc_organisations(request.user, "meetings.manage") or policies.committee_ids(request.user):
        return None
    return ActivityGroup.objects.filter(
        pk__in=policies.led_group_ids(request.user), organisation=organisation
    )


def _own_committees_only(request, form, organisation, meeting=None) -> None:
    """A special committee's staff who are not the office run their own committee's
    activities only (`policies.can_manage`): the form offers those committees and asks for
    one, rather than taking a meeting the service then refuses as not theirs."""
    if access.can(request.user, "meetings.manage", organisation):
        return
    ids = policies.committee_ids(request.user)
    if not ids or (
        meeting is not None and not policies.runs_as_committee_staff(request.user, meeting)
    ):
        return
    form.for_committee_staff(ids, policies.COMMITTEE_KINDS)


@login_required
def create(request):
    organisation = _managed_org(request)
    leader_groups = _leader_groups(request, organisation)
    initial = {"kind": request.GET.get("kind", MeetingKind.SYMPOSIUM)}
    if leader_groups is not None:
        initial = {"kind": MeetingKind.GROUP}
    elif not access.can(request.user, "meetings.manage", organisation):
        initial = {"kind": request.GET.get("kind", MeetingKind.COMMITTEE)}
    form = MeetingForm(
        request.POST or None,
        organisation=organisation,
        initial=initial,
        leader_groups=leader_groups,
    )
    _own_committees_only(request, form, organisation)
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items()}
        try:
            meeting = services.meeting_create(organisation=organisation, actor=request.user, **data)
        except (ValidationError, PermissionDenied) as exc:
            form.add_error(None, _message(exc))
        else:
            messages.success(request, _("已创建“%(t)s”。") % {"t": meeting.title})
            return redirect("meetings:detail", meeting.pk)
    return render(
        request,
        "meetings/form.html",
        {"form": form, "title": _("新建会议活动")},
        status=400 if form.errors else 200,
    )


@login_required
def edit(request, pk: int):
    meeting, _inv = get_meeting(request, pk)
    if not policies.can_manage(request.user, meeting):
        raise Http404
    if request.method != "POST" and meeting.status in (
        Meeting.Status.CLOSED,
        Meeting.Status.CANCELLED,
    ):
        # Not a form the service then refuses: the meeting says why (a POST that crossed
        # the closing keeps what was typed, with the reason).
        messages.info(request, _("考勤已结束或已取消的会议不能修改。"))
        return redirect("meetings:detail", meeting.pk)
    leader_groups = None
    if policies.manages_only_as_group_leader(request.user, meeting):
        leader_groups = ActivityGroup.objects.filter(
            pk__in=policies.led_group_ids(request.user), organisation=meeting.organisation
        )
    form = MeetingForm(
        request.POST or None,
        instance=meeting,
        organisation=meeting.organisation,
        leader_groups=leader_groups,
    )
    _own_committees_only(request, form, meeting.organisation, meeting)
    saved, version = _save_versioned(
        request,
        form,
        _version(request, meeting.version),
        lambda expected: services.meeting_update(
            meeting=meeting,
            actor=request.user,
            expected_version=expected,
            data=form.cleaned_data,
        ),
    )
    if saved:
        messages.success(request, _("已保存。"))
        return redirect("meetings:detail", meeting.pk)
    return render(
        request,
        "meetings/form.html",
        {"form": form, "title": _("修改会议活动"), "meeting": meeting, "version": version},
        status=400 if form.errors else 200,
    )


def _detail_context(request, meeting, invitation, **forms):
    manage = policies.can_manage(request.user, meeting)
    sittings = list(meeting.sittings.all())
    counts = meeting.invitations.aggregate(
        total=Count("id"),
        members=Count("id", filter=Q(category=Invitation.Category.MEMBER)),
        leaders=Count("id", filter=~Q(category=Invitation.Category.MEMBER)),
        signed_up=Count("id", filter=Q(response=Invitation.Response.SIGNED_UP)),
    )
    leave_counts = meeting.leave_requests.aggregate(
        pending=Count("id", filter=Q(status=LeaveRequest.Status.PENDING)),
        approved=Count("id", filter=Q(status=LeaveRequest.Status.APPROVED)),
    )
    my_leave = []
    my_attendance = []
    closable = meeting.status == Meeting.Status.PUBLISHED and all(
        s.start <= timezone.now() for s in sittings
    )
    if closable and leave_counts["pending"]:
        # The 结束考勤 warning counts only the waiting requests whose invitee is not signed in
        # to a sitting asked for: they are the ones closing records absent.
        leave_counts["pending_absent"] = selectors.pending_leave_not_signed_in(meeting)
    if invitation is not None:
        my_leave = list(
            invitation.leave_requests.prefetch_related("sittings").order_by("-submitted_at")
        )
        # The invitee's own sign-in (QR or marked by staff) per sitting, in sitting order.
        marks = {a.sitting_id: a for a in invitation.attendance.all()}
        my_attendance = [(s, marks[s.pk]) for s in sittings if s.pk in marks]
    speeches = list(meeting.speeches.select_related("member", "sitting").order_by("order", "id"))
    if not manage:
        member = policies.member_of(request.user)
        speeches = [
            s
            for s in speeches
            if s.status in ("scheduled", "delivered") or (member and s.member_id == member.pk)
        ]
    return {
        "meeting": meeting,
        "sittings": sittings,
        "invitation": invitation,
        "can_manage": manage,
        "counts": counts,
        "leave_counts": leave_counts,
        "my_leave": my_leave,
        "my_attendance": my_attendance,
        "approver": policies.APPROVER_LABELS[policies.approver_kind(meeting)],
        "leave_due": services.leave_due_date(meeting),
        "signup_open": meeting.mode == Meeting.Mode.SIGNUP
        and services.signup_open(meeting, sittings),
        "signup_cancel_open": services.signup_cancel_open(meeting, sittings),
        "speeches": speeches,
        "events": history(meeting).select_related("actor")[:50],
        # Only an invited member asks for leave (the form reads the organisation's reasons),
        # and only while a sitting is left that no pending or approved request covers.
        "leave_form": forms.get("leave_form")
        or (
            LeaveForm(meeting=meeting, invitation=invitation)
            if invitation is not None
            and meeting.status == Meeting.Status.PUBLISHED
            and services.leave_open_sittings(invitation)
            else None
        ),
        # The office records leave a member asked by phone, while the meeting takes it.
        "behalf_form": forms.get("behalf_form")
        or (
            BehalfLeaveForm(meeting=meeting)
            if manage and meeting.status == Meeting.Status.PUBLISHED and not meeting.is_record
            else None
        ),
        "sitting_form": forms.get("sitting_form") or SittingForm(),
        "speech_form": forms.get("speech_form") or SpeechForm(),
        # 报送党委 / 报送政府 (C4.7): an inspection report filed and not yet sent to both.
        "send_form": forms.get("send_form")
        or (
            ReportSendForm(meeting=meeting)
            if manage
            and meeting.kind == MeetingKind.INSPECTION
            and meeting.report_filed_at
            and not (meeting.report_to_party_on and meeting.report_to_government_on)
            else None
        ),
        # 撤销报送标记: a mark set, for those who may set it (the service refuses it once
        # that office has recorded an instruction on the report).
        "unsend_form": forms.get("unsend_form")
        or (
            ReportUnsendForm(meeting=meeting)
            if manage
            and meeting.kind == MeetingKind.INSPECTION
            and (meeting.report_to_party_on or meeting.report_to_government_on)
            else None
        ),
        "report_form": forms.get("report_form")
        or ReportForm(initial={"text": meeting.report, "attendees_text": meeting.attendees_text}),
        "can_speak": meeting.kind in ("plenary", "standing")
        and meeting.status in ("draft", "published")
        and (manage or invitation is not None),
        "today": timezone.localdate(),
        "now": timezone.now(),  # 修改会次 is offered until the sitting starts
        # 结束考勤 once the last sitting has begun (the service refuses it before).
        "closable": closable,
    }


def _render_detail(request, meeting, invitation, status=200, **forms):
    context = _detail_context(request, meeting, invitation, **forms)
    return render(request, "meetings/detail.html", context, status=status)


@login_required
def detail(request, pk: int):
    meeting, invitation = get_meeting(request, pk)
    return _render_detail(request, meeting, invitation)


def _act(request, meeting, action, success: str, fallback=None):
    try:
        action()
    except (ValidationError, TransitionError, PermissionDenied) as exc:
        if fallback is not None:
            return fallback(_message(exc))
        messages.error(request, _message(exc))
        return redirect("meetings:detail", meeting.pk)
    if success:
        messages.success(request, success)
    return redirect("meetings:detail", meeting.pk)


def _sitting_to_manage(request, pk: int) -> Sitting:
    sitting = Sitting.objects.select_related("meeting__organisation").filter(pk=pk).first()
    if sitting is None or not policies.can_manage(request.user, sitting.meeting):
        raise Http404
    return sitting


def _version(request, default) -> int:
    version = str(request.POST.get("version", default))
    return int(version) if version.isdigit() else -1


def _save_versioned(request, form, version: int, save) -> tuple[bool, int]:
    """For a valid POST, `save(version)`: (True, version) once saved; otherwise the refusal
    is on the form and the version returned is the one the page should carry."""
    if request.method != "POST" or not form.is_valid():
        return False, version
    try:
        save(version)
    except StaleEdit as exc:
        # The page now carries the current version: saving again is on purpose.
        form.add_error(None, [str(exc), SAVE_AGAIN])
        return False, exc.current_version if exc.current_version is not None else version
    except (ValidationError, TransitionError, PermissionDenied) as exc:
        form.add_error(None, _message(exc))
        return False, version
    return True, version


@login_required
def sitting_edit(request, pk: int):
    """A sitting's title, time and place, changed before it starts; its removal, while
    nobody has signed in to it or asked leave for it (services.sitting_delete says why
    not)."""
    if request.method == "POST" and deleted_by(request.user, Sitting, pk, "meeting.sitting_delete"):
        messages.info(request, _("该会次已删除。"))
        return redirect("meetings:list")
    sitting = _sitting_to_manage(request, pk)
    meeting = sitting.meeting
    form = SittingEditForm(
        request.POST or None,
        initial={k: getattr(sitting, k) for k in services.SITTING_EDITABLE},
    )
    saved, version = _save_versioned(
        request,
        form,
        _version(request, sitting.version),
        lambda expected: services.sitting_update(
            sitting=sitting,
            actor=request.user,
            expected_version=expected,
            data=form.cleaned_data,
        ),
    )
    if saved:
        messages.success(request, _("已保存。"))
        return redirect("meetings:detail", meeting.pk)
    return render(
        request,
        "meetings/sitting_form.html",
        {
            "form": form,
            "title": _("修改会次"),
            "meeting": meeting,
            "sitting": sitting,
            "version": version,
        },
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def sitting_delete(request, pk: int):
    if deleted_by(request.user, Sitting, pk, "meeting.sitting_delete"):
        messages.info(request, _("该会次已删除。"))
        return redirect("meetings:list")
    sitting = _sitting_to_manage(request, pk)
    meeting = sitting.meeting
    try:
        services.sitting_delete(
            sitting=sitting, actor=request.user, expected_version=_version(request, -1)
        )
    except StaleEdit:
        messages.error(request, _("该会次在您打开此页后已被修改，请查看后再决定是否删除。"))
        return redirect("meetings:sitting_edit", sitting.pk)
    except (ValidationError, TransitionError, PermissionDenied) as exc:
        messages.error(request, _message(exc))
        return redirect("meetings:sitting_edit", sitting.pk)
    messages.success(request, _("已删除会次“%(t)s”。") % {"t": sitting.display_title})
    return redirect("meetings:detail", meeting.pk)


@login_required
@require_POST
def sitting_add(request, pk: int):
    meeting, invitation = get_meeting(request, pk)
    if not policies.can_manage(request.user, meeting):
        raise Http404
    form = SittingForm(request.POST)
    if not form.is_valid():
        return _render_detail(request, meeting, invitation, status=400, sitting_form=form)

    def fail(message):
        form.add_error(None, message)
        return _render_detail(request, meeting, invitation, status=400, sitting_form=form)

    return _act(
        request,
        meeting,
        lambda: services.sitting_add(meeting=meeting, actor=request.user, **form.cleaned_data),
        _("已增加会次。"),
        fail,
    )


@login_required
def invite(request, pk: int):
    meeting, _inv = get_meeting(request, pk)
    if not policies.can_manage(request.user, meeting):
        raise Http404
    form = InviteForm(
        request.POST or None,
        organisation=meeting.organisation,
        meeting=meeting,
        group_only=policies.manages_only_as_group_leader(request.user, meeting),
    )
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        # A group leader's form has the group and the names only (InviteForm.group_only).
        criteria = services.InviteCriteria(
            all_members=d.get("all_members", False),
            standing=d.get("standing", False),
            sectors=list(d.get("sectors", [])),
            committees=list(d.get("committees", [])),
            groups=list(d["groups"]),
            members=d["member_names"],
            roles=d.get("roles", []),
            departments=list(d.get("departments", [])),
            leaders=d.get("leaders", []),
        )
        try:
            n = services.invite(meeting=meeting, actor=request.user, criteria=criteria)
        except (ValidationError, TransitionError, PermissionDenied) as exc:
            form.add_error(None, _message(exc))
        else:
            messages.success(request, _("新增邀请 %(n)d 人。") % {"n": n})
            return redirect("meetings:invite", meeting.pk)
    invitations = selectors.invitations_of(meeting)
    page = paginate(request, invitations, 100)
    return render(
        request,
        "meetings/invite.html",
        {"meeting": meeting, "form": form, "page": page},
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def publish(request, pk: int):
    meeting, _inv = get_meeting(request, pk)
    return _act(
        request,
        meeting,
        lambda: services.meeting_publish(meeting=meeting, actor=request.user),
        _("会议通知已发出。"),
    )


@login_required
@require_POST
def cancel(request, pk: int):
    meeting, _inv = get_meeting(request, pk)
    note = request.POST.get("note", "").strip()
    if not note:
        messages.error(request, _("取消会议请填写原因。"))
        return redirect("meetings:detail", meeting.pk)
    return _act(
        request,
        meeting,
        lambda: services.meeting_cancel(meeting=meeting, actor=request.user, note=note),
        _("会议已取消，已通知参会人员。"),
    )


@login_required
@require_POST
def close(request, pk: int):
    meeting, _inv = get_meeting(request, pk)
    return _act(
        request,
        meeting,
        lambda: services.meeting_close(meeting=meeting, actor=request.user),
        _("考勤已结束，出勤结果和履职记录已生成。"),
    )


@login_required
@require_POST
def signup(request, pk: int):
    meeting, invitation = get_meeting(request, pk)
    if invitation is None:
        raise Http404
    return _act(
        request,
        meeting,
        lambda: services.signup(invitation=invitation, actor=request.user),
        _("已报名。"),
    )


@login_required
@require_POST
def signup_cancel(request, pk: int):
    meeting, invitation = get_meeting(request, pk)
    if invitation is None:
        raise Http404
    return _act(
        request,
        meeting,
        lambda: services.signup_cancel(invitation=invitation, actor=request.user),
        _("已取消报名。"),
    )


@login_required
def leave(request, pk: int):
    """A member asks leave; or the office, picking the invitee (代为请假), records the leave
    a member asked by phone. Anyone else's pick of an invitee is ignored: their own
    invitation is the one asked for."""
    meeting, invitation = get_meeting(request, pk)
    behalf = "invitation" in request.POST and policies.can_manage(request.user, meeting)
    if invitation is None and not behalf:
        raise Http404
    if request.method != "POST":
        return redirect("meetings:detail", meeting.pk)
    key = "behalf_form" if behalf else "leave_form"
    form = (
        BehalfLeaveForm(request.POST, meeting=meeting)
        if behalf
        else LeaveForm(request.POST, meeting=meeting, invitation=invitation)
    )
    if not form.is_valid():
        return _render_detail(request, meeting, invitation, status=400, **{key: form})

    def fail(message):
        form.add_error(None, message)
        return _render_detail(request, meeting, invitation, status=400, **{key: form})

    asker = form.cleaned_data["invitation"] if behalf else invitation
    result = {}

    def run():
        result["leave"] = services.leave_submit(
            invitation=asker,
            actor=request.user,
            reason=form.cleaned_data["reason"],
            sittings=list(form.cleaned_data["sittings"]) or None,
        )

    response = _act(request, meeting, run, "", fail)
    if "leave" in result and behalf:
        messages.success(
            request,
            _("已代%(n)s提交请假，等待审批。") % {"n": asker.name}
            + (_("已过请假截止日期，将标注为逾期请假。") if result["leave"].is_late else ""),
        )
    elif "leave" in result:
        if result["leave"].is_late:
            messages.warning(request, _("请假申请已提交。已过请假截止日期，将标注为逾期请假。"))
        else:
            messages.success(request, _("请假申请已提交，等待审批。"))
    return response


@login_required
@require_POST
def file_report(request, pk: int):
    meeting, invitation = get_meeting(request, pk)
    form = ReportForm(request.POST)
    if not form.is_valid():
        return _render_detail(request, meeting, invitation, status=400, report_form=form)

    def fail(message):
        form.add_error(None, message)
        return _render_detail(request, meeting, invitation, status=400, report_form=form)

    return _act(
        request,
        meeting,
        lambda: services.meeting_file_report(
            meeting=meeting,
            actor=request.user,
            text=form.cleaned_data["text"],
            attendees_text=form.cleaned_data["attendees_text"],
        ),
        _("已保存。"),
        fail,
    )


@login_required
@require_POST
def report_send(request, pk: int):
    """报送党委 / 报送政府: the inspection report is marked as sent, with the day (C4.7)."""
    from xieshang.core.forms import add_service_errors, refuse_stale

    meeting, invitation = get_meeting(request, pk)
    if not policies.can_manage(request.user, meeting):
        raise Http404
    form = ReportSendForm(request.POST, meeting=meeting)
    if form.is_valid():
        version = form.cleaned_data["version"]
        try:
            services.meeting_report_send(
                meeting=meeting,
                actor=request.user,
                to=form.cleaned_data["to"],
                sent_on=form.cleaned_data["sent_on"],
                expected_version=version,
            )
        except StaleEdit as exc:
            refuse_stale(form, exc, again=_("请核对报送情况后再提交。"))
        except (ValidationError, TransitionError) as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("已标记报送，对方办公室可记录领导批示。"))
            return redirect("meetings:detail", meeting.pk)
    return _render_detail(request, meeting, invitation, status=400, send_form=form)


@login_required
@require_POST
def report_unsend(request, pk: int):
    """撤销报送标记: a wrong 报送党委 / 报送政府 mark is taken back, with a reason."""
    from xieshang.core.forms import add_service_errors, refuse_stale

    meeting, invitation = get_meeting(request, pk)
    if not policies.can_manage(request.user, meeting):
        raise Http404
    form = ReportUnsendForm(request.POST, meeting=meeting)
    if form.is_valid():
        try:
            services.meeting_report_unsend(
                meeting=meeting,
                actor=request.user,
                to=form.cleaned_data["to"],
                reason=form.cleaned_data["reason"],
                expected_version=form.cleaned_data["version"],
            )
        except StaleEdit as exc:
            refuse_stale(form, exc, again=_("请核对报送情况后再提交。"))
        except (ValidationError, TransitionError) as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("已撤销报送标记，并已告知对方办公室。"))
            return redirect("meetings:detail", meeting.pk)
    return _render_detail(request, meeting, invitation, status=400, unsend_form=form)


@login_required
@require_POST
def instruction(request, pk: int):
    """The old address of the instruction form: the one form of followups answers it."""
    from xieshang.followups.views import instruction_new

    return instruction_new(request, target="meetings.meeting", pk=pk)

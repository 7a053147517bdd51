"""Forms of the meeting pages: every rule a user can break is checked here, and a rejected
form re-renders with what the user typed and a Chinese message."""

from django import forms
from django.db.models import Count, Q
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from xieshang.core import access, pickers
from xieshang.core.forms import StyledForm
from xieshang.core.text import name_and_post, reader_date
from xieshang.core.validators import not_after_today
from xieshang.core.widgets import DateInput
from xieshang.members.models import Member
from xieshang.orgs.models import ActivityGroup, Committee, Department, Role, Sector, Session

from .models import Attendance, Briefing, Invitation, Meeting, MeetingKind, Sitting
from .picker_sources import invitable_departments

DT_FORMAT = "%Y-%m-%dT%H:%M"


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs):
        super().__init__(format=DT_FORMAT, **kwargs)


class MeetingForm(StyledForm, forms.ModelForm):
    class Meta:
        model = Meeting
        fields = [
            "kind",
            "title",
            "session",
            "committee",
            "activity_group",
            "series",
            "host",
            "location",
            "start",
            "end",
            "mode",
            "description",
            "attendees_text",
        ]
        widgets = {
            "start": DateTimeInput(),
            "end": DateTimeInput(),
            "description": forms.Textarea(attrs={"rows": 4}),
        }
        help_texts = {
            "attendees_text": _("向党委常委会汇报、应邀出席党委政府会议等记录类事项填写。"),
            "host": _("记录类事项填写召开会议的单位，如“区委常委会”。"),
        }

    # What a group leader sets up: an activity of their group, nothing for the plenary or a
    # committee, and no recorded event (those are the office's).
    LEADER_FIELDS = ("kind", "title", "activity_group", "location", "start", "end", "mode")
    # Asked of the office only: not of a special committee's staff (`for_committee_staff`).
    OFFICE_FIELDS = ("session", "activity_group", "series", "host", "attendees_text")

    def __init__(self, *args, organisation, leader_groups=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.organisation = organisation
        self.fields["session"].queryset = Session.objects.filter(
            term__organisation=organisation
        ).select_related("term")
        self.fields["committee"].queryset = Committee.objects.filter(organisation=organisation)
        self.fields["activity_group"].queryset = ActivityGroup.objects.filter(
            organisation=organisation
        )
        if leader_groups is not None:
            # A group leader: the group's activities only (policies.runs_as_group_leader).
            for name in list(self.fields):
                if name not in self.LEADER_FIELDS and name != "description":
                    del self.fields[name]
            self.fields["kind"].choices = [(MeetingKind.GROUP.value, MeetingKind.GROUP.label)]
            self.fields["activity_group"].queryset = leader_groups
            self.fields["activity_group"].required = True
            self.fields["activity_group"].empty_label = None
        for name in ("start", "end"):
            self.fields[name].input_formats = [DT_FORMAT, "%Y-%m-%d %H:%M"]

    def for_committee_staff(self, committee_ids, kinds) -> None:
        """A special committee's staff (not the office): their own committees, asked for, and
        the kinds a committee may hold (`policies.COMMITTEE_KINDS`); a forged other kind is
        refused on the field, with what was typed kept. The fields of the office's kinds (a
        plenary's session, a group, a studio's series, a recorded event's host and
        attendees) are not asked."""
        for name in self.OFFICE_FIELDS:
            self.fields.pop(name, None)
        field = self.fields["committee"]
        field.queryset = field.queryset.filter(pk__in=committee_ids)
        field.required = True
        field.empty_label = None
        kind = self.fields["kind"]
        kind.choices = [(k.value, k.label) for k in kinds]
        kind.error_messages["invalid_choice"] = _(
            "专委会可组织的会议活动类型为：%(kinds)s；其他类型由政协办公室组织。"
        ) % {"kinds": gettext("、").join(str(k.label) for k in kinds)}

    def clean(self):
        data = super().clean()
        start, end, kind = data.get("start"), data.get("end"), data.get("kind")
        if start and end and end <= start:
            self.add_error("end", _("结束时间须晚于开始时间。"))
        if kind == MeetingKind.COMMITTEE and not data.get("committee"):
            self.add_error("committee", _("专委会活动请选择专门委员会。"))
        if kind == MeetingKind.GROUP and not data.get("activity_group"):
            self.add_error("activity_group", _("活动小组活动请选择委员活动小组。"))
        if kind in (MeetingKind.STUDIO, MeetingKind.LECTURE) and not data.get("series"):
            self.add_error("series", _("请填写委员工作室或委员讲堂的名称。"))
        return data


class SittingForm(StyledForm, forms.Form):
    kind = forms.ChoiceField(label=_("会次类型"), choices=Sitting.Kind.choices)
    title = forms.CharField(label=_("名称"), max_length=100)
    start = forms.DateTimeField(
        label=_("开始时间"), widget=DateTimeInput(), input_formats=[DT_FORMAT, "%Y-%m-%d %H:%M"]
    )
    end = forms.DateTimeField(
        label=_("结束时间"), widget=DateTimeInput(), input_formats=[DT_FORMAT, "%Y-%m-%d %H:%M"]
    )
    location = forms.CharField(label=_("地点"), max_length=200, required=False)

    def clean(self):
        data = super().clean()
        if data.get("start") and data.get("end") and data["end"] <= data["start"]:
            self.add_error("end", _("结束时间须晚于开始时间。"))
        return data


class SittingEditForm(SittingForm):
    """A sitting's title, time and place changed before it starts (its kind stays)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["kind"]


INVITABLE_ROLES = [
    (Role.CHAIR.value, Role.CHAIR.label),
    (Role.OFFICE.value, Role.OFFICE.label),
    (Role.COMMITTEE_STAFF.value, Role.COMMITTEE_STAFF.label),
    (Role.GROUP_LEADER.value, Role.GROUP_LEADER.label),
    (Role.DEPARTMENT_LEADER.value, Role.DEPARTMENT_LEADER.label),
]


class InviteForm(StyledForm, forms.Form):
    all_members = forms.BooleanField(label=_("全体委员"), required=False)
    standing = forms.BooleanField(label=_("全体常委"), required=False)
    sectors = forms.ModelMultipleChoiceField(
        label=_("按界别"),
        queryset=Sector.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    committees = forms.ModelMultipleChoiceField(
        label=_("按专门委员会"),
        queryset=Committee.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    groups = forms.ModelMultipleChoiceField(
        label=_("按委员活动小组"),
        queryset=ActivityGroup.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    roles = forms.MultipleChoiceField(
        label=_("按角色"),
        choices=INVITABLE_ROLES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    member_names = forms.CharField(
        label=_("按姓名邀请委员"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("多个姓名用逗号、顿号或换行分隔。"),
    )
    departments = forms.ModelMultipleChoiceField(
        label=_("邀请部门负责人"),
        queryset=Department.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 6}),
    )
    leaders = forms.CharField(
        label=_("邀请党政领导"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("每行一位：姓名 职务，如“张明 区委副书记”。"),
    )

    def __init__(self, *args, organisation, meeting=None, group_only=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.organisation = organisation
        self.group_only = group_only
        self.fields["sectors"].queryset = Sector.objects.filter(organisation=organisation)
        self.fields["committees"].queryset = Committee.objects.filter(organisation=organisation)
        self.fields["groups"].queryset = ActivityGroup.objects.filter(organisation=organisation)
        self.fields["departments"].queryset = invitable_departments(organisation)
        if meeting is not None:
            # The organisation's units: searched on the server, never listed.
            self.fields["departments"].label_from_instance = lambda d: d.name
            pickers.attach(
                self.fields["departments"], "meeting-departments", {"meeting": meeting.pk}
            )
        for name in ("sectors", "committees", "groups", "roles"):
            self.fields[name].widget.attrs["class"] = "form-check-input"
        if group_only:
            # A group leader invites their group's members: the whole group or by name.
            for name in list(self.fields):
                if name not in ("groups", "member_names"):
                    del self.fields[name]
            self.fields["groups"].queryset = ActivityGroup.objects.filter(
                pk=meeting.activity_group_id
            )
            self.fields["member_names"].help_text = _(
                "只能邀请本小组的委员；多个姓名用逗号、顿号或换行分隔。"
            )

    def clean_member_names(self):
        raw = self.cleaned_data.get("member_names", "")
        names = [
            n.strip()
            for n in raw.replace("、", ",").replace("，", ",").replace("\n", ",").split(",")
            if n.strip()
        ]
        if not names:
            return []
        found = list(Member.objects.filter(organisation=self.organisation, name__in=names))
        missing = sorted(set(names) - {m.name for m in found})
        if missing:
            raise forms.ValidationError(
                _("未找到这些委员：%(names)s") % {"names": gettext("、").join(missing)}
            )
        return found

    def clean_leaders(self):
        rows = []
        for line in self.cleaned_data.get("leaders", "").splitlines():
            line = line.strip()
            if not line:
                continue
            name, title = name_and_post(line)
            if len(name) > 50:
                raise forms.ValidationError(_("姓名过长：%(n)s") % {"n": name[:20]})
            rows.append((name, title))
        return rows

    def clean(self):
        data = super().clean()
        if not self.errors and not any(
            data.get(k)
            for k in (
                "all_members",
                "standing",
                "sectors",
                "committees",
                "groups",
                "roles",
                "member_names",
                "departments",
                "leaders",
            )
        ):
            raise forms.ValidationError(_("请至少选择一种邀请范围。"))
        return data


class LeaveForm(StyledForm, forms.Form):
    sittings = forms.ModelMultipleChoiceField(
        label=_("请假会次"),
        queryset=Sitting.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("不选即为全程请假。"),
    )
    reason_kind = forms.ChoiceField(label=_("请假事由"), required=False)
    reason = forms.CharField(
        label=_("具体说明"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    OTHER = "其他"

    def __init__(self, *args, meeting: Meeting, invitation: Invitation | None = None, **kwargs):
        """`invitation`: the member asking for themselves; only the sittings still open to
        them (no pending or approved leave, not signed in to) are offered, and none ticked
        means all of those (全程 would be refused once a sitting is covered)."""
        super().__init__(*args, **kwargs)
        from xieshang.orgs import config

        from .rules import LEAVE_REASONS
        from .services import leave_open_sittings

        kinds = config.get(meeting.organisation, LEAVE_REASONS)
        self.fields["reason_kind"].choices = [("", _("请选择（选填）")), *[(k, k) for k in kinds]]
        self.invitation = invitation
        self.sitting_count = meeting.sittings.count()
        sittings = meeting.sittings.all()
        if invitation is not None:
            open_ids = [s.pk for s in leave_open_sittings(invitation)]
            if len(open_ids) < self.sitting_count:
                sittings = sittings.filter(pk__in=open_ids)
                self.fields["sittings"].help_text = _("不选即为以上各会次请假。")
        self.fields["sittings"].queryset = sittings
        self.fields["sittings"].widget.attrs["class"] = "form-check-input"
        self.fields["sittings"].label_from_instance = lambda s: s.display_title
        if self.sitting_count <= 1:
            self.fields["sittings"].widget = forms.MultipleHiddenInput()

    def clean(self):
        """The reason stored is the picked reason and the detail ("因公出差：赴省里培训");
        "其他" or no pick needs the detail written out."""
        data = super().clean()
        if "reason" in self.errors:
            # Written but refused (too long): that is the only thing to say about it.
            return data
        kind, detail = data.get("reason_kind", ""), data.get("reason", "").strip()
        if not detail and (not kind or kind == self.OTHER):
            if not kind:  # nothing chosen either: the list is marked too, as one way to answer
                self.add_error("reason_kind", _("请选择请假事由，或在具体说明中写明。"))
            self.add_error("reason", _("请写明请假事由。"))
            return data
        if kind and kind != self.OTHER:
            data["reason"] = f"{kind}：{detail}" if detail else kind
        else:
            data["reason"] = detail
        self._default_to_open_sittings(data, self.invitation or data.get("invitation"))
        return data

    def _default_to_open_sittings(self, data, invitation) -> None:
        """None ticked: the sittings still open to the invitee when some are covered
        already (left empty when none is, and it means the whole meeting)."""
        if data.get("sittings") or invitation is None:
            return
        from .services import leave_open_sittings

        still_open = leave_open_sittings(invitation)
        if still_open and len(still_open) < self.sitting_count:
            data["sittings"] = still_open


class BehalfLeaveForm(LeaveForm):
    """The office records the leave a member asked by phone or in person (代为请假): the
    same reasons and sittings, for the invitee picked; it goes to the usual approver. A
    member signed in to every sitting is not offered (nothing left to be excused from; a
    sitting signed in to is refused by services.leave_submit)."""

    invitation = forms.ModelChoiceField(label=_("请假委员"), queryset=Invitation.objects.none())

    def __init__(self, *args, meeting: Meeting, **kwargs):
        super().__init__(*args, meeting=meeting, **kwargs)
        field = self.fields["invitation"]
        signed_in = Count(
            "attendance",
            filter=Q(attendance__state__in=[Attendance.State.PRESENT, Attendance.State.LATE]),
        )
        field.queryset = (
            meeting.invitations.filter(category=Invitation.Category.MEMBER)
            .alias(signed_in=signed_in)
            .exclude(signed_in__gte=max(self.sitting_count, 1))
            .select_related("sector")
        )
        field.label_from_instance = lambda i: (
            f"{i.name}（{i.sector.name}）" if i.sector_id else i.name
        )
        self.order_fields(["invitation"])


class DecisionForm(StyledForm, forms.Form):
    note = forms.CharField(label=_("审批意见"), max_length=200, required=False)


class DelegateForm(StyledForm, forms.Form):
    delegate = forms.ModelChoiceField(label=_("委托给"), queryset=None)

    def __init__(self, *args, organisation, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        holders = access.role_holders(organisation, Role.OFFICE, Role.CHAIR)
        if user is not None:
            # The chair delegates to someone else; himself was offered and accepted.
            holders = holders.exclude(pk=user.pk)
        self.fields["delegate"].queryset = holders


class ReportForm(StyledForm, forms.Form):
    text = forms.CharField(label=_("报告内容"), widget=forms.Textarea(attrs={"rows": 8}))
    attendees_text = forms.CharField(label=_("出席人员"), max_length=300, required=False)


class ReportSendForm(StyledForm, forms.Form):
    """报送党委 / 报送政府 (C4.7): which office the inspection report went to, and the day."""

    to = forms.ChoiceField(label=_("报送至"), widget=forms.RadioSelect)
    sent_on = forms.DateField(
        label=pgettext_lazy("sent to an office", "报送日期"),
        widget=DateInput(),
        help_text=_("纸质报送的，填写实际报送日期。"),
        validators=[not_after_today],
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, meeting, **kwargs):
        from django.utils import timezone

        kwargs.setdefault("initial", {})
        kwargs["initial"].setdefault("sent_on", timezone.localdate())
        kwargs["initial"].setdefault("version", meeting.version)
        super().__init__(*args, **kwargs)
        # Only the offices it has not gone to yet.
        self.fields["to"].choices = [
            (role, label)
            for role, field, label in REPORT_SEND_CHOICES
            if getattr(meeting, field) is None
        ]
        if len(self.fields["to"].choices) == 1:
            self.fields["to"].initial = self.fields["to"].choices[0][0]


class ReportUnsendForm(StyledForm, forms.Form):
    """撤销报送标记: which office's mark is taken back, and why (audited, told to it)."""

    to = forms.ChoiceField(label=_("撤销哪项报送标记"), widget=forms.RadioSelect)
    reason = forms.CharField(label=_("撤销原因"), max_length=200)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, meeting, **kwargs):
        kwargs.setdefault("initial", {})
        kwargs["initial"].setdefault("version", meeting.version)
        super().__init__(*args, **kwargs)
        self.fields["to"].choices = [
            (role, label)
            for role, field, label in REPORT_SEND_CHOICES
            if getattr(meeting, field) is not None
        ]
        if len(self.fields["to"].choices) == 1:
            self.fields["to"].initial = self.fields["to"].choices[0][0]


# Under 报送至: the body, not the action again.
REPORT_SEND_CHOICES = [
    (Role.PARTY_OFFICE, "report_to_party_on", pgettext_lazy("report sent to", "党委")),
    (Role.GOVERNMENT_OFFICE, "report_to_government_on", pgettext_lazy("report sent to", "政府")),
]


class SpeechForm(StyledForm, forms.Form):
    title = forms.CharField(label=_("发言题目"), max_length=200)
    body = forms.CharField(label=_("发言稿"), widget=forms.Textarea(attrs={"rows": 8}))
    body_name = forms.CharField(
        label=_("提交单位"),
        max_length=100,
        required=False,
        help_text=_("以党派、界别、专委会名义提交时填写。"),
    )


class ScheduleForm(StyledForm, forms.Form):
    sitting = forms.ModelChoiceField(label=_("发言会次"), queryset=Sitting.objects.none())
    order = forms.IntegerField(label=_("发言顺序"), min_value=1, max_value=99, initial=1)

    def __init__(self, *args, meeting, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["sitting"].queryset = meeting.sittings.all()
        self.fields["sitting"].label_from_instance = lambda s: s.display_title


class DeliverForm(StyledForm, forms.Form):
    listeners = forms.ModelMultipleChoiceField(
        label=_("听取发言的领导和部门"),
        queryset=Invitation.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, meeting, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["listeners"].queryset = meeting.invitations.exclude(
            category=Invitation.Category.MEMBER
        )
        self.fields["listeners"].widget.attrs["class"] = "form-check-input"
        self.fields["listeners"].label_from_instance = lambda i: f"{i.name} {i.title}".strip()


class BriefingForm(StyledForm, forms.Form):
    kind = forms.ChoiceField(label=_("类别"), choices=Briefing.Kind.choices, required=False)
    title = forms.CharField(label=_("标题"), max_length=200)
    source = forms.CharField(label=_("通报单位"), max_length=100, required=False)
    body = forms.CharField(label=_("内容"), widget=forms.Textarea(attrs={"rows": 10}))


class BriefingEditForm(BriefingForm):
    """A draft's correction; `expected` carries the draft as the form was opened (its
    fingerprint), so a save over a newer one is refused and the typing kept."""

    expected = forms.CharField(widget=forms.HiddenInput)


def dated_meeting_label(meeting) -> str:
    """A meeting in a picker: its date first, since chairman's meetings share titles."""
    return f"{reader_date(meeting.start)} {meeting.title}"


class CommitteeReportForm(StyledForm, forms.Form):
    content = forms.CharField(label=_("工作报告"), widget=forms.Textarea(attrs={"rows": 8}))
    meeting = forms.ModelChoiceField(label=_("报告的主席会议"), queryset=None, required=False)

    def __init__(self, *args, organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["meeting"].queryset = (
            Meeting.objects.filter(organisation=organisation, kind=MeetingKind.CHAIRMAN)
            .exclude(status=Meeting.Status.CANCELLED)
            .order_by("-start")
        )
        self.fields["meeting"].label_from_instance = dated_meeting_label

"""Forms of the consultation pages. Each validates everything a service will need, so that a
rejected submission re-renders with what the user typed and a clear message."""

import datetime as dt

from django import forms
from django.db.models import Case, IntegerField, Value, When
from django.utils import timezone
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _

from xieshang.core import pickers
from xieshang.core.forms import SafeFileField, StyledForm
from xieshang.core.models import User
from xieshang.core.text import chinese_date, month_name, name_and_post
from xieshang.core.validators import not_after_today
from xieshang.core.widgets import DateInput
from xieshang.members.labels import member_label
from xieshang.members.models import Member
from xieshang.orgs.models import ActivityGroup, Committee, Department, Organisation, Party, Sector
from xieshang.portal.phones import resident_contact

from . import policies, selectors
from .models import ActivityForm, FocusArea, Outcome, Participant, Topic, TopicType
from .picker_sources import seated_members


def _month_label(month: int) -> str:
    return month_name(month)


# Lazy labels: built at import time, translated when rendered ("3月" / "Month 3").
MONTHS = [(m, lazy(_month_label, str)(m)) for m in range(1, 13)]


# --- Public portal ----------------------------------------------------------------------------


class PublicTopicForm(StyledForm, forms.Form):
    """The public topic form. Every message is our own (no Django stock text reaches the
    public), and there is no minimum length: "楼道灯坏了三个月没人修" is a whole request.
    Spam is the screening step's business, not the form's."""

    organisation = forms.ModelChoiceField(
        label=_("向哪一级政协提出"),
        queryset=Organisation.objects.none(),
        empty_label=None,
        error_messages={
            "required": _("请选择向哪一级政协提出。"),
            "invalid_choice": _("请从列表中选择向哪一级政协提出。"),
        },
    )
    title = forms.CharField(
        label=_("议题建议"),
        max_length=100,
        help_text=_("用一句话说明希望协商解决的问题，不超过100字。"),
        error_messages={
            "required": _("请填写议题建议。"),
            "max_length": _("议题建议请控制在100字以内，详细情况可写在“情况说明”中。"),
        },
    )
    description = forms.CharField(
        label=_("情况说明"),
        max_length=1500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("可补充问题的现状、影响和您的建议（选填，不超过1500字）。"),
        error_messages={"max_length": _("情况说明请控制在1500字以内。")},
    )
    name = forms.CharField(
        label=_("您的称呼"),
        max_length=30,
        required=False,
        error_messages={"max_length": _("称呼请控制在30字以内。")},
    )
    phone = forms.CharField(
        label=_("联系电话"),
        required=False,
        max_length=20,
        error_messages={"max_length": _("联系电话请控制在20个字符以内。")},
        help_text=_("手机或带区号的固定电话，仅供工作人员联系您，不会公开。"),
    )
    # A field people never see: robots that fill every field are turned away.
    website = forms.CharField(required=False, widget=forms.HiddenInput)
    # This form's own mark: the same form sent twice (back and submit again, a double tap)
    # gives the first ticket again instead of a second topic (portal.resend).
    once = forms.CharField(required=False, max_length=40, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The nearest committee first: a district's residents mostly write to the district.
        rank = Case(
            When(level="district", then=Value(0)),
            When(level="city", then=Value(1)),
            default=Value(2),
            output_field=IntegerField(),
        )
        orgs = Organisation.objects.filter(level__in=["province", "city", "district"])
        self.fields["organisation"].queryset = orgs.order_by(rank, "path")

    def clean_phone(self):
        # A landline (with its area code) serves as well as a mobile: staff call back,
        # nothing is texted. The portal's one rule for residents' numbers (portal.phones).
        return resident_contact(self.cleaned_data.get("phone", ""))

    def clean_website(self):
        if self.cleaned_data.get("website"):
            raise forms.ValidationError(_("提交失败，请刷新页面后重试。"))
        return ""


# --- Topics -----------------------------------------------------------------------------------


class TopicForm(StyledForm, forms.Form):
    organisation = forms.ModelChoiceField(
        label=_("所属政协"), queryset=Organisation.objects.none(), empty_label=None
    )
    title = forms.CharField(label=_("议题名称"), max_length=100)
    description = forms.CharField(
        label=_("议题说明"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    source = forms.ChoiceField(label=_("来源"), choices=Topic.Source.choices)
    proposer_name = forms.CharField(label=_("提出者"), max_length=100)
    topic_type = forms.ChoiceField(label=_("议题类型"), choices=TopicType.choices)
    focus_area = forms.ModelChoiceField(label=_("重点领域"), queryset=FocusArea.objects.none())

    def __init__(self, *args, organisations, areas, sources, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations
        self.fields["focus_area"].queryset = areas
        self.fields["source"].choices = [(k, v) for k, v in Topic.Source.choices if k in sources]
        if len(organisations) > 1:
            # A city or province office proposes to any committee below it: hundreds of
            # committees and their areas, searched on the server, not listed in the page.
            from .picker_sources import area_label

            # The office's own committee (the first in tree order) unless chosen otherwise.
            self.initial.setdefault("organisation", organisations.first())
            self.fields["focus_area"].label_from_instance = area_label
            pickers.attach(self.fields["organisation"], "consultation-topic-organisations")
            pickers.attach(self.fields["focus_area"], "consultation-topic-areas")


class ModerateForm(StyledForm, forms.Form):
    decision = forms.ChoiceField(
        label=_("审核结果"),
        choices=[("accept", _("采纳为议题")), ("reject", _("不予采纳"))],
        widget=forms.RadioSelect,
    )
    focus_area = forms.ModelChoiceField(
        label=_("重点领域"), queryset=FocusArea.objects.none(), required=False
    )
    topic_type = forms.ChoiceField(label=_("议题类型"), choices=TopicType.choices)
    note = forms.CharField(label=_("审核意见"), max_length=200, required=False)

    def __init__(self, *args, areas, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["focus_area"].queryset = areas

    def clean(self):
        data = super().clean()
        if data.get("decision") == "accept" and not data.get("focus_area"):
            self.add_error("focus_area", _("采纳为议题须选择重点领域。"))
        if data.get("decision") == "reject" and not (data.get("note") or "").strip():
            self.add_error("note", _("请填写不予采纳的理由。"))
        return data


class BulkRejectForm(StyledForm, forms.Form):
    """Reject the ticked public submissions with one standard reason (or one typed)."""

    topics = forms.TypedMultipleChoiceField(
        label=_("所选征题"),
        coerce=int,
        choices=(),
        error_messages={
            "required": _("请先勾选要处理的征题。"),
            "invalid_choice": _("所选征题已被处理或不存在，请刷新后重试。"),
        },
    )
    reason = forms.ChoiceField(label=_("不予采纳理由"), choices=())
    note = forms.CharField(
        label=_("其他理由"), max_length=200, required=False, help_text=_("选“其他”时填写。")
    )

    OTHER = "__other__"

    def __init__(self, *args, topic_ids=(), reasons=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["topics"].choices = [(pk, pk) for pk in topic_ids]
        self.fields["reason"].choices = [(r, r) for r in reasons] + [(self.OTHER, _("其他"))]

    def clean(self):
        data = super().clean()
        if data.get("reason") == self.OTHER:
            if not (data.get("note") or "").strip():
                self.add_error("note", _("请填写不予采纳的理由。"))
            data["final_note"] = (data.get("note") or "").strip()
        else:
            data["final_note"] = data.get("reason", "")
        return data


class MergeForm(StyledForm, forms.Form):
    into = forms.ModelChoiceField(label=_("并入议题"), queryset=Topic.objects.none())
    note = forms.CharField(label=_("说明"), max_length=200, required=False)

    def __init__(self, *args, candidates, topic, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["into"].queryset = candidates
        # Hundreds of open topics at a province: searched on the server, similar ones first
        # (consultation-merge source over the same selectors.merge_targets); `candidates`
        # validates the post.
        self.fields["into"].label_from_instance = str
        pickers.attach(self.fields["into"], "consultation-merge", {"topic": topic.pk})


# --- Plans ------------------------------------------------------------------------------------


class PlanCreateForm(StyledForm, forms.Form):
    organisation = forms.ModelChoiceField(
        label=_("所属政协"), queryset=Organisation.objects.none(), empty_label=None
    )
    # The range is clean_year's, with a message that names it.
    year = forms.IntegerField(label=_("年度"))
    title = forms.CharField(
        label=_("计划名称"), max_length=100, required=False, help_text=_("留空则自动生成。")
    )

    def __init__(self, *args, organisations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations
        # Suggest a year that can still be drafted (next year's plan may exist already), for
        # the first organisation that has one; `has_free_year` False: nothing left to draft.
        free = selectors.plan_free_years(list(organisations))
        first = next((org for org in organisations if org.pk in free), None)
        self.has_free_year = first is not None
        if first is not None:
            self.fields["organisation"].initial = first.pk
            self.fields["year"].initial = free[first.pk]

    def clean_year(self):
        """This year's plan (drafted late) or one up to PLAN_YEARS_AHEAD years ahead: a
        mistyped year (2062 for 2026, 2001) would leave a stray plan nobody drafts."""
        year = self.cleaned_data["year"]
        this_year = timezone.localdate().year
        last = this_year + selectors.PLAN_YEARS_AHEAD
        if not this_year <= year <= last:
            raise forms.ValidationError(
                _("年度须在%(first)s年至%(last)s年之间。") % {"first": this_year, "last": last}
            )
        return year


class PlanHeaderForm(StyledForm, forms.Form):
    title = forms.CharField(label=_("计划名称"), max_length=100)
    preface = forms.CharField(
        label=_("总体要求"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    version = forms.IntegerField(widget=forms.HiddenInput)


class PlanItemForm(StyledForm, forms.Form):
    topic = forms.ModelChoiceField(
        label=_("来源议题"),
        queryset=Topic.objects.none(),
        required=False,
        help_text=_("从议题库选择时，议题名称、类型和领域可留空，按议题填写。"),
    )
    title = forms.CharField(label=_("协商议题"), max_length=100, required=False)
    form = forms.ChoiceField(label=_("协商形式"), choices=ActivityForm.choices)
    topic_type = forms.ChoiceField(
        label=_("议题类型"), choices=[("", "—")] + list(TopicType.choices), required=False
    )
    focus_area = forms.ModelChoiceField(
        label=_("重点领域"), queryset=FocusArea.objects.none(), required=False
    )
    month = forms.TypedChoiceField(label=_("计划月份"), choices=MONTHS, coerce=int)
    lead_leader = forms.CharField(label=_("牵头政协领导"), max_length=50)
    committee = forms.ModelChoiceField(
        label=_("承办专委会"), queryset=Committee.objects.none(), required=False
    )
    departments = forms.ModelMultipleChoiceField(
        label=_("参加部门"),
        queryset=Department.objects.none(),
        required=False,
    )
    co_organisers = forms.ModelMultipleChoiceField(
        label=_("联合举办党派团体"),
        queryset=Party.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    is_key = forms.BooleanField(label=_("重点协商活动"), required=False)
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, plan, **kwargs):
        super().__init__(*args, **kwargs)
        organisation = plan.organisation
        self.fields["topic"].queryset = selectors.plan_topics(organisation)
        # The open topics (hundreds) and the organisation's units: searched on the server by
        # whoever may edit the plan now; these querysets validate the post.
        self.fields["topic"].label_from_instance = str
        pickers.attach(self.fields["topic"], "consultation-plan-topics", {"plan": plan.pk})
        self.fields["focus_area"].queryset = FocusArea.objects.filter(
            organisation=organisation, is_active=True
        )
        self.fields["committee"].queryset = Committee.objects.filter(organisation=organisation)
        self.fields["departments"].queryset = Department.objects.filter(
            organisation=organisation, is_active=True
        ).order_by("sort_order", "name")
        self.fields["departments"].label_from_instance = lambda d: d.name
        perm = policies.EDIT_PERMISSION.get(plan.status, "consultation.plan_draft")
        pickers.attach(
            self.fields["departments"],
            "departments",
            {"perm": perm, "organisation": organisation.pk},
        )
        self.fields["co_organisers"].queryset = Party.objects.exclude(
            kind__in=[Party.Kind.CPC, Party.Kind.NONE]
        )

    def clean(self):
        data = super().clean()
        topic = data.get("topic")
        if topic is not None:
            # str(): the title as staff read it, a number a resident typed masked (C2.11).
            data["title"] = data.get("title") or str(topic)
            data["topic_type"] = data.get("topic_type") or topic.topic_type
            data["focus_area"] = data.get("focus_area") or topic.focus_area
        if not data.get("title"):
            self.add_error("title", _("请填写协商议题，或从议题库选择。"))
        if not data.get("topic_type"):
            self.add_error("topic_type", _("请选择议题类型。"))
        return data

    def service_data(self) -> dict:
        keys = (
            "topic",
            "title",
            "form",
            "topic_type",
            "focus_area",
            "month",
            "lead_leader",
            "committee",
            "departments",
            "co_organisers",
            "is_key",
        )
        return {k: self.cleaned_data.get(k) for k in keys}


class NoteForm(StyledForm, forms.Form):
    note = forms.CharField(
        label=_("意见"), required=False, widget=forms.Textarea(attrs={"rows": 3}), max_length=2000
    )


class SendBackForm(StyledForm, forms.Form):
    note = forms.CharField(
        label=_("退回意见"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000
    )


class ApproveForm(StyledForm, forms.Form):
    approved_on = forms.DateField(label=_("常委会审定日期"), widget=DateInput())
    doc_number = forms.CharField(label=_("印发文号"), max_length=50, required=False)
    note = forms.CharField(label=_("审定意见"), required=False, max_length=2000)

    def __init__(self, *args, plan=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.plan = plan

    def clean_approved_on(self):
        value = self.cleaned_data["approved_on"]
        if value > timezone.localdate():
            raise forms.ValidationError(_("审定日期不能晚于今天。"))
        drafted = timezone.localdate(self.plan.created_at) if self.plan else None
        if drafted and value < drafted:
            raise forms.ValidationError(
                _("审定日期不能早于计划起草的日期（%(day)s）。") % {"day": chinese_date(drafted)}
            )
        return value


class CommentForm(StyledForm, forms.Form):
    text = forms.CharField(
        label=_("修改意见"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000
    )


class PartyPlanForm(StyledForm, forms.Form):
    organisation = forms.ModelChoiceField(
        label=_("所属地区"), queryset=Organisation.objects.none(), empty_label=None
    )
    year = forms.IntegerField(label=_("年度"), min_value=2000, max_value=2100)
    title = forms.CharField(label=_("计划名称"), max_length=100)
    body = forms.CharField(
        label=_("计划内容"),
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("写明协商议题、时间、参加范围等。"),
    )

    def __init__(self, *args, organisations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations
        # Next year, taken or not: unlike the annual plan (`selectors.plan_free_years`), a
        # party plan is not one per organisation and year (the Party office and the United
        # Front department may each draft one), so no year is "free" or "taken".
        self.fields["year"].initial = timezone.localdate().year + 1


class PartyCommentForm(StyledForm, forms.Form):
    text = forms.CharField(
        label=_("政协意见建议"), widget=forms.Textarea(attrs={"rows": 4}), max_length=4000
    )


# --- Activities and outcomes ------------------------------------------------------------------


class ActivityArrangementsForm(StyledForm, forms.Form):
    """An activity's arrangements and their checks, shared by creating an activity and
    correcting a planned one (the subclass says which organisation's sectors it offers)."""

    title = forms.CharField(label=_("活动名称"), max_length=100)
    form = forms.ChoiceField(label=_("协商形式"), choices=ActivityForm.choices)
    sector = forms.ModelChoiceField(label=_("界别"), queryset=Sector.objects.none(), required=False)
    date = forms.DateField(label=_("活动日期"), widget=DateInput())
    place = forms.CharField(label=_("地点"), max_length=100)
    agenda = forms.CharField(
        label=_("议程"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    co_organisers = forms.ModelMultipleChoiceField(
        label=_("联合举办党派团体"),
        queryset=Party.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def _offer(self, sectors) -> None:
        self.fields["sector"].queryset = sectors
        self.fields["co_organisers"].queryset = Party.objects.exclude(
            kind__in=[Party.Kind.CPC, Party.Kind.NONE]
        )

    def _check_arrangements(self, data, item, kept=None) -> None:
        """A sector consultation names its sector; a planned activity falls in its plan's
        year, any other no earlier than last year (`kept`: the date it has, not checked)."""
        if data.get("form") == ActivityForm.SECTOR and not data.get("sector"):
            self.add_error("sector", _("界别协商须选择界别。"))
        day = data.get("date")
        if item and day and day.year != item.plan.year:
            self.add_error(
                "date", _("活动日期不在所选计划的年度（%(year)s年）内。") % {"year": item.plan.year}
            )
        elif day and day != kept and day.year < (earliest := timezone.localdate().year - 1):
            # As for a platform's session: a mistyped year (2001 for 2026) would put the
            # attendance into the duty files of a year long closed.
            self.add_error("date", _("活动日期不能早于%(y)s年1月1日。") % {"y": earliest})


class ActivityCreateForm(ActivityArrangementsForm):
    organisation = forms.ModelChoiceField(
        label=_("所属政协"), queryset=Organisation.objects.none(), empty_label=None
    )
    plan_item = forms.ModelChoiceField(
        label=_("年度协商计划事项"),
        queryset=None,
        required=False,
        help_text=_("计划外的活动（如界别协商）留空。"),
    )
    field_order = ["organisation", "plan_item"]

    def __init__(self, *args, organisations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations
        self.fields["plan_item"].queryset = selectors.attachable_plan_items(organisations)
        self.fields["plan_item"].label_from_instance = lambda i: f"{i.plan.year}·{i.title}"
        self._offer(Sector.objects.filter(organisation__in=organisations))

    def clean(self):
        data = super().clean()
        org, item, sector = data.get("organisation"), data.get("plan_item"), data.get("sector")
        if org and item and item.plan.organisation_id != org.pk:
            self.add_error("plan_item", _("计划事项不属于所选政协。"))
        if org and sector and sector.organisation_id != org.pk:
            self.add_error("sector", _("界别不属于所选政协。"))
        self._check_arrangements(data, item)
        return data


class ActivityEditForm(ActivityArrangementsForm):
    """A planned activity's arrangements, corrected (postponed, moved, renamed); the
    organisation and the plan item it implements stay as they were."""

    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, activity, **kwargs):
        super().__init__(*args, **kwargs)
        self.activity = activity
        self._offer(Sector.objects.filter(organisation=activity.organisation))

    def clean(self):
        data = super().clean()
        self._check_arrangements(data, self.activity.plan_item, kept=self.activity.date)
        return data


class LeaderAccountForm(StyledForm, forms.Form):
    """One invited Party/government leader's platform account, chosen on the server-searched
    picker of the organisation's staff accounts; one form per leader row, so each has its
    own ids. Posted with `unlink`, it unlinks the row's account instead (no account asked)."""

    participant = forms.ModelChoiceField(
        queryset=Participant.objects.none(),
        widget=forms.HiddenInput,
        error_messages={"invalid_choice": _("该参加人员不是本活动的受邀党政领导。")},
    )
    # Not 平台账号 again: the row shows the linked account under that heading just above it
    # (on a phone, one above the other); this is the account to link or change to.
    account = forms.ModelChoiceField(
        label=_("选择账号"),
        queryset=User.objects.none(),
        error_messages={"required": _("请选择该领导的平台账号。")},
    )

    def __init__(self, *args, activity, participant=None, **kwargs):
        data = args[0] if args else kwargs.get("data")
        key = str(participant.pk if participant else (data or {}).get("participant", ""))
        kwargs.setdefault("auto_id", f"id_leader{key if key.isdigit() else ''}_%s")
        if participant is not None:
            kwargs.setdefault("initial", {"participant": participant.pk})
        super().__init__(*args, **kwargs)
        self.unlink = bool(self.is_bound and self.data.get("unlink"))
        if self.unlink:
            self.fields["account"].required = False
        organisation = activity.organisation
        self.fields["participant"].queryset = activity.participants.filter(
            kind=Participant.Kind.LEADER
        )
        self.fields["account"].queryset = selectors.leader_accounts(organisation)
        self.fields["account"].label_from_instance = selectors.leader_account_label
        pickers.attach(
            self.fields["account"],
            "consultation-leader-accounts",
            {"organisation": organisation.pk},
        )


class ParticipantsForm(StyledForm, forms.Form):
    committee = forms.ModelChoiceField(
        label=_("按专委会邀请"), queryset=Committee.objects.none(), required=False
    )
    sector = forms.ModelChoiceField(
        label=_("按界别邀请"), queryset=Sector.objects.none(), required=False
    )
    group = forms.ModelChoiceField(
        label=_("按活动小组邀请"), queryset=ActivityGroup.objects.none(), required=False
    )
    members = forms.ModelMultipleChoiceField(
        label=_("按姓名邀请委员"),
        queryset=Member.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 6}),
    )
    departments = forms.ModelMultipleChoiceField(
        label=_("邀请部门负责人"),
        queryset=Department.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 4}),
    )
    leaders = forms.CharField(
        label=_("受邀党政领导"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("每行一人：姓名，职务。例如：张三，区委副书记"),
    )
    leader_accounts = forms.ModelMultipleChoiceField(
        label=_("受邀领导的平台账号"),
        queryset=User.objects.none(),
        required=False,
        help_text=_(
            "选了账号的领导才能在平台上查看本活动。账号归入上面同名的一行，"
            "或已邀请而未关联账号的同名领导；都没有则按账号姓名新增一行。"
        ),
    )

    def __init__(self, *args, organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["leader_accounts"].queryset = selectors.leader_accounts(organisation)
        self.fields["leader_accounts"].label_from_instance = selectors.leader_account_label
        pickers.attach(
            self.fields["leader_accounts"],
            "consultation-leader-accounts",
            {"organisation": organisation.pk},
        )
        self.fields["committee"].queryset = Committee.objects.filter(organisation=organisation)
        self.fields["sector"].queryset = Sector.objects.filter(organisation=organisation)
        self.fields["group"].queryset = ActivityGroup.objects.filter(organisation=organisation)
        self.fields["members"].queryset = seated_members(organisation)
        self.fields["departments"].queryset = Department.objects.filter(
            organisation=organisation, is_active=True
        ).order_by("sort_order", "name")
        # The organisation's members (hundreds, thousands in a province) and its units:
        # searched on the server within the same querysets, which validate the post.
        self.fields["members"].label_from_instance = member_label
        self.fields["departments"].label_from_instance = lambda d: d.name
        pickers.attach(
            self.fields["members"], "consultation-members", {"organisation": organisation.pk}
        )
        pickers.attach(
            self.fields["departments"],
            "departments",
            {"perm": "consultation.activities", "organisation": organisation.pk},
        )

    def clean_leaders(self):
        rows = []
        for line in (self.cleaned_data.get("leaders") or "").splitlines():
            line = line.strip()
            if not line:
                continue
            name, title = name_and_post(line)
            if not name:
                raise forms.ValidationError(_("每行须以姓名开头：姓名，职务。"))
            rows.append((name[:50], title[:100]))
        return rows

    def clean(self):
        data = super().clean()
        if not any(
            data.get(k)
            for k in ("committee", "sector", "group", "members", "departments", "leader_accounts")
        ) and not data.get("leaders"):
            raise forms.ValidationError(_("请至少选择一类参加人员。"))
        return data


class AttendanceForm(forms.Form):
    """One choice per participant, named `p<id>`."""

    minutes = forms.CharField(
        label=_("会议记录"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )

    def __init__(self, *args, participants, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["minutes"].widget.attrs["class"] = "form-control"
        # Nothing chosen in advance: attendance earns members duty points, so each one is
        # a clerk's decision (the page offers 未选的设为出席 to save the clicks).
        choices = [("", _("请选择"))] + [
            (k, v) for k, v in Participant.Attendance.choices if k != Participant.Attendance.INVITED
        ]
        self.participants = participants
        for p in participants:
            self.fields[f"p{p.pk}"] = forms.ChoiceField(
                label=p.name,
                choices=choices,
                error_messages={"required": _("请选择%(name)s的出席情况。") % {"name": p.name}},
                widget=forms.Select(
                    attrs={"class": "form-select form-select-sm", "data-fill-target": "attendance"}
                ),
            )

    def attendance(self) -> dict[int, str]:
        return {p.pk: self.cleaned_data[f"p{p.pk}"] for p in self.participants}

    def rows(self):
        return [(p, self[f"p{p.pk}"]) for p in self.participants]


class SpeechForm(StyledForm, forms.Form):
    id_prefix = "speech"  # beside the outcome form's title
    speaker = forms.CharField(label=_("发言人"), max_length=50)
    title = forms.CharField(label=_("发言题目"), max_length=100)
    text = forms.CharField(
        label=_("发言内容"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class AttachmentForm(StyledForm, forms.Form):
    name = forms.CharField(label=_("附件名称"), max_length=100)
    file = SafeFileField(label=_("文件"), policy="document")


class OutcomeForm(StyledForm, forms.Form):
    kind = forms.ChoiceField(label=_("成果类型"), choices=Outcome.Kind.choices)
    title = forms.CharField(label=_("标题"), max_length=100)
    body = forms.CharField(label=_("正文"), widget=forms.Textarea(attrs={"rows": 8}))
    departments = forms.ModelMultipleChoiceField(
        label=_("反馈单位"),
        queryset=Department.objects.none(),
        required=False,
        help_text=_(
            "这些单位书面反馈采纳落实情况：计划外活动的成果在报送后，"
            "列入年度协商计划的成果在作出决策后。"
        ),
    )
    to_party_office = forms.BooleanField(label=_("报党委办公室"), required=False, initial=True)
    to_government_office = forms.BooleanField(label=_("报政府办公室"), required=False, initial=True)

    def __init__(self, *args, organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["departments"].queryset = Department.objects.filter(
            organisation=organisation, is_active=True
        ).order_by("sort_order", "name")
        # The organisation's units, as for the participants: searched on the server by
        # whoever runs its activities; this queryset validates the post.
        self.fields["departments"].label_from_instance = lambda d: d.name
        pickers.attach(
            self.fields["departments"],
            "departments",
            {"perm": "consultation.activities", "organisation": organisation.pk},
        )

    def outcome(self) -> dict:
        """The service's arguments (outcome_create / outcome_update)."""
        data = self.cleaned_data
        return {
            "kind": data["kind"],
            "title": data["title"],
            "body": data["body"],
            "departments": list(data["departments"]),
            "to_party_office": data["to_party_office"],
            "to_government_office": data["to_government_office"],
        }


class OutcomeEditForm(OutcomeForm):
    version = forms.IntegerField(widget=forms.HiddenInput)


class DecisionForm(StyledForm, forms.Form):
    decision = forms.CharField(
        label=_("决策结果"), widget=forms.Textarea(attrs={"rows": 3}), max_length=4000
    )
    decided_on = forms.DateField(
        label=_("决策日期"),
        widget=DateInput(),
        initial=dt.date.today,
        validators=[not_after_today],
    )

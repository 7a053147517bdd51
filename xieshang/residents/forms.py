"""Forms of residents' issues. The public ones carry their own messages for every refusal:
no Django stock validation text reaches a resident."""

from django import forms
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from xieshang.core import pickers
from xieshang.core.forms import StyledForm
from xieshang.orgs.models import Department, Level, Organisation
from xieshang.portal.phones import resident_mobile

from .models import ResidentIssue
from .picker_sources import issue_session_label, issue_sessions, session_label


def _mobile(value: str) -> str:
    """11 digits, however the resident typed them (blanks, dashes, full-width digits): the
    portal's one rule for a number texts go to (portal.phones)."""
    return resident_mobile(value)


def _node_label(org: Organisation) -> str:
    if org.level == Level.COMMUNITY and org.parent_id:
        return f"{org.parent.name} · {org.name}"
    return org.name


DESCRIPTION_LIMIT = 2000
COMMENT_LIMIT = 300
# 具体情况 over the limit, on the public form and on staff's 登记群众诉求 alike.
DESCRIPTION_TOO_LONG = _("具体情况最多%(limit_value)d字，现在是%(show_value)d字，请删减后再提交。")


def _counted(field: forms.Field) -> None:
    """A long text field counted as it is typed (xs/proposals.js, #body-count) instead of
    cut: a browser's maxlength drops what is pasted beyond it without a word, the server
    says how much is too much and keeps all of it."""
    field.widget.attrs.pop("maxlength", None)
    field.widget.attrs["data-body-part"] = ""


class PublicIssueForm(StyledForm, forms.Form):
    limit = DESCRIPTION_LIMIT  # the counter under the form
    organisation = forms.ModelChoiceField(
        label=_("所在街道或社区"),
        queryset=Organisation.objects.none(),
        empty_label=_("请选择"),
        error_messages={
            "required": _("请选择您所在的街道或社区。"),
            "invalid_choice": _("请从列表中选择街道或社区。"),
        },
    )
    title = forms.CharField(
        label=_("您反映的事"),
        max_length=100,
        help_text=_("一句话说明，如：小区门口路灯不亮。"),
        error_messages={
            "required": _("请用一句话说明您反映的事。"),
            "max_length": _("请控制在100字以内，详细情况写在下面。"),
        },
    )
    description = forms.CharField(
        label=_("具体情况"),
        max_length=DESCRIPTION_LIMIT,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("最多2000字。"),
        error_messages={
            "required": _("请写一写具体情况。"),
            "max_length": DESCRIPTION_TOO_LONG,
        },
    )
    location = forms.CharField(
        label=_("发生地点（选填）"),
        max_length=100,
        required=False,
        error_messages={"max_length": _("地点请控制在100字以内。")},
    )
    resident_name = forms.CharField(
        label=_("您的称呼（选填）"),
        max_length=30,
        required=False,
        error_messages={"max_length": _("称呼请控制在30字以内。")},
    )
    phone = forms.CharField(
        label=_("手机号码（选填）"),
        max_length=20,
        required=False,
        help_text=_("留下号码，办理进展会短信告诉您；号码不会公开。"),
    )
    # A field people never see: robots that fill every field are turned away.
    website = forms.CharField(required=False, widget=forms.HiddenInput)
    # This form's own mark: the same form sent twice (back and submit again, a double tap)
    # gives the first ticket again instead of a second one (views_public.submit).
    once = forms.CharField(required=False, max_length=40, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        nodes = Organisation.objects.filter(
            level__in=[Level.STREET, Level.COMMUNITY]
        ).select_related("parent")
        self.fields["organisation"].queryset = nodes.order_by("path")
        self.fields["organisation"].label_from_instance = _node_label
        self.fields["phone"].widget.attrs.update(
            {"inputmode": "tel", "autocomplete": "tel", "maxlength": "20"}
        )
        _counted(self.fields["description"])
        # A pasted title longer than the limit is refused with the whole of it kept (the
        # message says where the rest goes), not cut by the browser without a word.
        self.fields["title"].widget.attrs.pop("maxlength", None)

    def clean_phone(self):
        return _mobile(self.cleaned_data.get("phone", ""))

    def clean_website(self):
        if self.cleaned_data.get("website"):
            raise forms.ValidationError(_("提交失败，请刷新页面后重试。"))
        return ""


class RateForm(StyledForm, forms.Form):
    limit = COMMENT_LIMIT
    rating = forms.ChoiceField(
        label=_("您对答复是否满意"),
        choices=ResidentIssue.Rating.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("请选择满意程度。"),
            "invalid_choice": _("请选择满意程度。"),
        },
    )
    comment = forms.CharField(
        label=_("意见（选填）"),
        max_length=COMMENT_LIMIT,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("最多300字。"),
        error_messages={
            "max_length": _("意见最多%(limit_value)d字，现在是%(show_value)d字，请删减后再提交。")
        },
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _counted(self.fields["comment"])


class StaffIssueForm(StyledForm, forms.Form):
    """What residents raised in person or at a session, entered by staff."""

    organisation = forms.ModelChoiceField(
        label=_("所在街道或社区"), queryset=Organisation.objects.none()
    )
    channel = forms.ChoiceField(
        label=_("来源渠道"),
        choices=[
            (ResidentIssue.Channel.IN_PERSON.value, ResidentIssue.Channel.IN_PERSON.label),
            (ResidentIssue.Channel.SESSION.value, ResidentIssue.Channel.SESSION.label),
        ],
    )
    limit = DESCRIPTION_LIMIT  # the counter under 具体情况, as on the public form
    title = forms.CharField(label=_("事项"), max_length=100)
    description = forms.CharField(
        label=_("具体情况"),
        max_length=DESCRIPTION_LIMIT,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("最多2000字。"),
        error_messages={"max_length": DESCRIPTION_TOO_LONG},
    )
    location = forms.CharField(label=_("发生地点"), max_length=100, required=False)
    resident_name = forms.CharField(label=_("群众称呼"), max_length=30, required=False)
    phone = forms.CharField(
        label=_("群众手机号码"),
        max_length=20,
        required=False,
        help_text=_("经群众同意后填写，用于告知办理进展；办结后按规定期限删除。"),
    )
    session = forms.ModelChoiceField(label=_("列入议事会（选填）"), queryset=None, required=False)

    def __init__(self, *args, organisations, sessions, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations.select_related("parent").order_by(
            "path"
        )
        self.fields["organisation"].label_from_instance = _node_label
        # Every street and community in the user's area: searched on the server.
        pickers.attach(self.fields["organisation"], "resident-places")
        # The planned sessions of every platform in the user's area: searched on the server.
        self.fields["session"].queryset = sessions
        self.fields["session"].label_from_instance = session_label
        pickers.attach(self.fields["session"], "resident-staff-sessions")
        _counted(self.fields["description"])

    def clean_phone(self):
        return _mobile(self.cleaned_data.get("phone", ""))


class NoteForm(StyledForm, forms.Form):
    note = forms.CharField(
        label=_("说明"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class HandOverForm(StyledForm, forms.Form):
    """转为协商议题 / 转为社情民意: what the resident is told (their page's 答复)."""

    note = forms.CharField(
        label=_("告知群众（选填）"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("将显示在群众的查询页面上；不填写则告知事项的去向。"),
    )


class ReasonForm(StyledForm, forms.Form):
    reason = forms.CharField(
        label=_("不予受理理由"),
        max_length=500,
        help_text=_("记入办理记录，不向群众显示；群众查询时看到“经审核不予受理”。"),
    )


class WithholdForm(StyledForm, forms.Form):
    reason = forms.CharField(
        label=_("不公开理由"),
        max_length=500,
        help_text=_("答复仍显示在群众本人的查询页面上，只是不在公众平台公开。"),
    )


class ReplyForm(StyledForm, forms.Form):
    reply = forms.CharField(
        label=_("答复群众"),
        widget=forms.Textarea(attrs={"rows": 3}),
        # The answer goes to the portal too (views_public.public_answer): say so here.
        help_text=_("将显示在群众的查询页面上，并在隐去姓名、联系方式和门牌号后在公众平台公开。"),
    )


def working_days_field(label, help_text=None, *, what=None) -> forms.IntegerField:
    """A deadline in working days, 1 to 60, with the refusals worded for its label: the one
    field of 转职能部门 (答复时限) and 重新办理 (重新办理时限). `what` names the deadline in
    the messages (答复时限, 办理时限)."""
    what = what or _("办理时限")
    return forms.IntegerField(
        label=label,
        help_text=help_text,
        min_value=1,
        max_value=60,
        error_messages={
            "required": format_lazy(_("请填写{what}（1至60个工作日）。"), what=what),
            "invalid": format_lazy(_("{what}请填写1至60之间的整数（工作日）。"), what=what),
            "min_value": format_lazy(_("{what}至少1个工作日。"), what=what),
            "max_value": format_lazy(_("{what}最长60个工作日。"), what=what),
        },
    )


class RehandleForm(StyledForm, forms.Form):
    """重新办理: the department answers again within the working days, told what is asked."""

    working_days = working_days_field(_("重新办理时限（工作日）"))
    note = forms.CharField(
        label=_("重新办理要求"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("将随督办事项退回承办单位，例如群众不满意之处和需要补充答复的内容。"),
        error_messages={"required": _("请写明重新办理的要求。")},
    )

    def __init__(self, *args, default_days: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["working_days"].initial = default_days


class RereplyForm(StyledForm, forms.Form):
    """重新答复: after a 不满意 rating of a direct reply, the new reply replaces it."""

    reply = forms.CharField(
        label=_("新的答复"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("针对群众的意见重新答复，将替换原答复显示在群众的查询页面上，群众可再次评价。"),
        error_messages={"required": _("请填写新的答复内容。")},
    )


class ReopenForm(StyledForm, forms.Form):
    """重新受理: after a 不满意 rating of a settlement, open for another session."""

    note = forms.CharField(
        label=_("重新办理要求"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "事项回到“已受理”，可列入下一次议事会再次协商，也可转职能部门或直接答复；"
            "原协商结果保留，群众可对新的结果再次评价。"
        ),
        error_messages={"required": _("请写明重新办理的要求。")},
    )


class ReviewForm(StyledForm, forms.Form):
    """维持答复并办结: the reply the resident reads under the department's answer."""

    reply = forms.CharField(
        label=_("答复群众"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("说明维持原答复的理由，将显示在群众的查询页面上。"),
        error_messages={"required": _("请写明维持答复的理由，群众将在查询页面看到。")},
    )


class SessionForm(StyledForm, forms.Form):
    session = forms.ModelChoiceField(label=_("议事会"), queryset=None)
    result = forms.CharField(
        label=_("协商结果"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("将显示在群众的查询页面上。"),
    )

    def __init__(self, *args, issue, settle: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        # 协商解决: every session of the issue's street, held ones included, with the result
        # to tell the resident. 列入议事会: a session not yet held, and no result yet.
        # Searched on the server within the same queryset (residents/picker_sources.py),
        # which validates the post.
        self.fields["session"].queryset = issue_sessions(issue, planned_only=not settle)
        self.fields["session"].label_from_instance = issue_session_label
        params = {"issue": issue.pk} if settle else {"issue": issue.pk, "planned": "1"}
        pickers.attach(self.fields["session"], "resident-issue-sessions", params)
        if not settle:
            del self.fields["result"]


class RouteForm(StyledForm, forms.Form):
    department = forms.ModelChoiceField(label=_("承办单位"), queryset=Department.objects.none())
    working_days = working_days_field(_("答复时限（工作日）"), what=_("答复时限"))
    note = forms.CharField(
        label=_("转办意见"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, issue, default_days: int, **kwargs):
        from .services import departments_for

        super().__init__(*args, **kwargs)
        # The units of every level above the issue's street (a province's thousands):
        # searched on the server within the same queryset, which validates the post.
        field = self.fields["department"]
        field.queryset = departments_for(issue)
        field.label_from_instance = lambda d: d.name
        pickers.attach(field, "resident-route-departments", {"issue": issue.pk})
        self.fields["working_days"].initial = default_days


class BulkRejectForm(StyledForm, forms.Form):
    reason = forms.ChoiceField(label=_("统一理由"))
    issues = forms.ModelMultipleChoiceField(
        queryset=ResidentIssue.objects.none(),
        error_messages={"required": _("请勾选要不予受理的事项。")},
    )

    REASONS = [
        _("广告或垃圾信息"),
        _("含违法违规内容"),
        _("重复提交"),
        _("内容无法辨认"),
    ]

    def __init__(self, *args, issues, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["issues"].queryset = issues
        self.fields["reason"].choices = [(str(r), str(r)) for r in self.REASONS]

"""Forms of the member and committee proposal pages.

The forms check shape (lengths, choices, dates); the rules (required suggestions, the length
limit, who may do what in which state) live in `services.py`, whose `ValidationError`s the
views map back onto these fields (the draft form asks the drafting rules itself, before
saving, to mark every missing field at once).
"""

from django import forms
from django.db.models import Prefetch
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from xieshang.core import pickers
from xieshang.core.forms import SafeFileField, StyledForm
from xieshang.core.text import reader_date
from xieshang.core.widgets import DateInput
from xieshang.members.labels import member_label, with_label_data
from xieshang.members.models import Member
from xieshang.orgs import config
from xieshang.orgs.models import Department

from . import rules, selectors
from .models import Proposal, Rating, Signer, Supervision
from .services.drafting import draft_errors, submission_errors

# --- The member's draft -----------------------------------------------------------------------


class ProposalForm(StyledForm, forms.Form):
    title = forms.CharField(label=_("案由"), max_length=120, required=False)
    facts = forms.CharField(
        label=_("现状与问题"), required=False, widget=forms.Textarea(attrs={"rows": 6})
    )
    analysis = forms.CharField(
        label=_("原因分析"), required=False, widget=forms.Textarea(attrs={"rows": 5})
    )
    suggestions = forms.CharField(
        label=_("具体建议"), required=False, widget=forms.Textarea(attrs={"rows": 6})
    )
    category = forms.ChoiceField(label=_("提案分类"), required=False)
    suggested_department = forms.ModelChoiceField(
        label=_("建议主办单位"),
        queryset=Department.objects.none(),
        required=False,
        empty_label=_("不提建议"),
        help_text=_("可选。供提案委员会交办时参考。"),
    )
    cosigners = forms.ModelMultipleChoiceField(
        label=_("联名提案人"),
        queryset=None,
        required=False,
        help_text=_("可选。输入姓名或拼音首字母查找，可选多人；联名人须在系统中确认。"),
    )
    is_public_interest = forms.BooleanField(
        label=_("涉及公共利益，答复可以公开"), required=False, initial=True
    )
    proposer_opt_out = forms.BooleanField(label=_("本人不同意公开答复"), required=False)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    TEXT_FIELDS = ("title", "facts", "analysis", "suggestions")

    def __init__(self, *args, organisation, member, proposal: Proposal | None = None, **kw):
        if proposal is not None:
            kw["initial"] = {
                **{name: getattr(proposal, name) for name in self.TEXT_FIELDS},
                "is_public_interest": proposal.is_public_interest,
                "proposer_opt_out": proposal.proposer_opt_out,
                "category": proposal.category,
                "suggested_department": proposal.suggested_department_id,
                "cosigners": [s.member_id for s in proposal.signers.all()],
                "version": proposal.version,
            }
        super().__init__(*args, **kw)
        self.proposal = proposal
        self.organisation = organisation
        self.body_limit = config.get(organisation, rules.BODY_MAX_CHARS)
        categories = list(config.get(organisation, rules.CATEGORIES))
        if proposal is not None and proposal.category and proposal.category not in categories:
            # Filed under a name the list no longer has: kept visible, the service decides.
            categories.append(proposal.category)
        self.fields["category"].choices = [("", _("请选择")), *[(c, c) for c in categories]]
        self.fields["suggested_department"].queryset = Department.objects.filter(
            organisation=organisation, is_active=True
        ).order_by("sort_order", "name")
        self.fields["cosigners"].queryset = with_label_data(
            selectors.cosigner_choices(organisation, member)
        )
        # Both grow with the organisation (a province's members): searched on the server
        # (proposals/picker_sources.py) within the same querysets, which validate the post.
        params = {"proposal": proposal.pk} if proposal is not None else {}
        self.fields["suggested_department"].label_from_instance = lambda d: d.name
        # The chosen co-signers (after a refused post, on editing) as the picker names them.
        self.fields["cosigners"].label_from_instance = member_label
        pickers.attach(self.fields["suggested_department"], "proposal-departments", params)
        pickers.attach(self.fields["cosigners"], "proposal-cosigners", params)
        # One co-signer a time: the list closes after each choice, not left over the buttons.
        self.fields["cosigners"].widget.attrs["data-picker-close-after-select"] = ""
        if proposal is not None and proposal.status != Proposal.Status.DRAFT:
            # Returned for revision: the co-signers have answered already.
            self.fields["cosigners"].disabled = True
        similar_url = reverse("proposals:similar")
        for name in self.TEXT_FIELDS:
            attrs = self.fields[name].widget.attrs
            attrs.update(
                {
                    "hx-post": similar_url,
                    # `input`, not `keyup`: a Chinese IME (and paste, and phone keyboards)
                    # commits text without a usable key event.
                    "hx-trigger": "input changed delay:500ms",
                    "hx-target": "#similar-panel",
                    "hx-swap": "innerHTML",
                    # Queue, never abort: an aborted request is an `htmx:sendAbort` error in
                    # the console. While one lookup runs only the latest next one waits.
                    "hx-sync": "closest form:queue last",
                }
            )
            if name != "title":
                attrs["data-body-part"] = "1"

    def clean(self):
        data = super().clean()
        if data.get("is_public_interest") and data.get("proposer_opt_out"):
            # Both ticked says "may be published" and "I do not agree": ask, do not guess.
            self.add_error(
                "proposer_opt_out",
                _("已勾选“答复可以公开”，又勾选了“不同意公开答复”，请只勾选其中一项。"),
            )
        # The service's rules, asked before anything is saved, so that everything missing is
        # marked at once on its field with the form's own errors (not one thing a try): for
        # "保存并提交" what a submission needs, for a draft what even a draft needs. The
        # services check again when they save and submit.
        check = submission_errors if self.data.get("do") == "submit" else draft_errors
        for field, message in check(self._unsaved(data)).items():
            if field not in self.errors:
                self.add_error(field if field in self.fields else None, message)
        return data

    def _unsaved(self, data) -> Proposal:
        """The proposal as it would be saved, for the service's checks."""
        return Proposal(
            organisation=self.organisation,
            **{name: (data.get(name) or "").strip() for name in self.TEXT_FIELDS},
            category=data.get("category") or "",
        )

    def clean_version(self):
        version = self.cleaned_data.get("version")
        if self.proposal is not None and version is None:
            return self.proposal.version
        return version

    def service_fields(self) -> dict:
        data = self.cleaned_data
        return {
            **{name: data[name].strip() for name in self.TEXT_FIELDS},
            "is_public_interest": data["is_public_interest"],
            "proposer_opt_out": data["proposer_opt_out"],
            "category": data["category"],
            "suggested_department": data["suggested_department"],
        }


class AttachmentForm(StyledForm, forms.Form):
    """Attaching is optional, so the field is not marked required; pressing 上传附件 without
    a file is still refused with a message saying what to do."""

    file = SafeFileField(label=_("附件文件"), policy="document", required=False)

    def clean_file(self):
        file = self.cleaned_data.get("file")
        if not file:
            raise forms.ValidationError(_("请先选择要上传的附件文件。"))
        return file


# --- Actions on the proposal page -------------------------------------------------------------


class ActionForm(StyledForm, forms.Form):
    """Base of the forms behind the action buttons; `proposal` is there for the choices."""

    def __init__(self, *args, proposal: Proposal, **kwargs):
        self.proposal = proposal
        super().__init__(*args, **kwargs)


class EmptyForm(ActionForm):
    pass


def _note(label, required=False, rows=2):
    return forms.CharField(
        label=label,
        required=required,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": rows}),
    )


class CosignForForm(ActionForm):
    """代为确认: the co-signer whose confirmation came outside the system, and how."""

    signer = forms.TypedChoiceField(label=_("联名人"), coerce=int)
    note = _note(_("确认方式"), required=True)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Named as the co-signer picker names them (王芳（教育界·示范区政协）): two invited
        # namesakes are told apart. Three queries however many are invited.
        invited = self.proposal.signers.filter(status=Signer.Status.INVITED).prefetch_related(
            Prefetch("member", queryset=with_label_data(Member.objects.all()))
        )
        self.fields["signer"].choices = [(s.pk, member_label(s.member)) for s in invited]
        self.fields["note"].widget.attrs["placeholder"] = _("如：已收到本人书面签字的联名表")


class AcceptForm(ActionForm):
    note = _note(_("立案意见（可选）"))


class ReturnForm(ActionForm):
    # Required on the form too: marked with *, and the browser asks before the confirmation.
    note = _note(_("修改意见"), required=True, rows=3)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["note"].error_messages["required"] = _("请写明修改意见。")


class ConvertForm(ActionForm):
    to = forms.ChoiceField(
        label=_("转为"),
        choices=[
            (Proposal.Status.TO_OPINION, _("意见建议")),
            (Proposal.Status.TO_INFO, _("社情民意信息")),
        ],
    )
    # Required on the form too (the service asks for the reason): marked with *.
    note = _note(_("转办说明"), required=True, rows=3)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["note"].error_messages["required"] = _("请说明理由。")


class MergeForm(ActionForm):
    # Searched on the server (core.pickers, source "proposal-merge"): a district's open
    # proposals are no list to put on the page (13.5 MB at 300,000 proposals, issue 14).
    into = forms.ModelChoiceField(
        label=_("并入提案"),
        queryset=None,
        help_text=_("输入编号或案由查找；相似提案排在前面。"),
        error_messages={
            "required": _("请选择要并入的提案。"),
            "invalid_choice": _("请从查找结果中选择要并入的提案。"),
        },
    )
    note = _note(_("并案说明（可选）"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["into"].queryset = selectors.merge_targets(self.proposal)
        self.fields["into"].label_from_instance = str
        pickers.attach(self.fields["into"], "proposal-merge", {"proposal": self.proposal.pk})


class RejectForm(ActionForm):
    # Required on the form too (marked with *; left empty, the page asks no confirmation
    # that the decision cannot be undone, the server says what is missing); the service
    # refuses an unknown reason.
    reason = forms.ChoiceField(
        label=_("不予立案理由"), error_messages={"required": _("请选择不予立案的理由。")}
    )
    note = _note(_("补充说明（可选）"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        reasons = config.get(self.proposal.organisation, rules.REJECT_REASONS)
        self.fields["reason"].choices = [("", _("请选择")), *[(r, r) for r in reasons]]


class RehandleForm(ActionForm):
    note = _note(_("重新办理要求"), rows=3)


class CloseForm(ActionForm):
    note = _note(_("办结说明（可选）"))


class ShortlistForm(ActionForm):
    note = _note(_("拟定理由（可选）"))


class WithholdForm(ActionForm):
    # Required: 不予公开 cannot be undone on the page, and the reason is what the record and
    # the proposer's question "why is my answer not on the portal" are answered from; an
    # empty press of the button withheld the answer for good without a word.
    note = _note(_("不予公开的理由"), required=True)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["note"].error_messages["required"] = _("请写明不予公开的理由。")

    def clean_note(self):
        note = self.cleaned_data["note"].strip()
        if not note:
            raise forms.ValidationError(_("请写明不予公开的理由。"))
        return note


class KeyApproveForm(ActionForm):
    leading_leader = forms.CharField(label=_("领办领导"), max_length=50, required=False)


class KeyDeclineForm(ActionForm):
    note = _note(_("不列为重点提案的理由"), required=True)


class SupervisionForm(ActionForm):
    date = forms.DateField(label=_("督办日期"), widget=DateInput())
    way = forms.ChoiceField(label=_("督办方式"), choices=Supervision.Way.choices)
    note = _note(_("督办情况"), rows=3)

    def clean_date(self):
        """Not before the proposal was accepted (立案): a key proposal is chosen among the
        accepted ones, so an earlier date is a slip of the date picker (a year too early, say)
        that would file the supervision under the wrong date in the key proposal's record."""
        date = self.cleaned_data["date"]
        reviewed_at = self.proposal.reviewed_at or self.proposal.submitted_at
        if reviewed_at is not None:
            earliest = timezone.localtime(reviewed_at).date()
            if date < earliest:
                raise forms.ValidationError(
                    _("督办日期不能早于立案日期（%(date)s）。") % {"date": reader_date(earliest)}
                )
        return date


class AssignForm(ActionForm):
    """交办 one proposal: a lead department with co-handlers, or split handling."""

    MODE_LEAD = "lead"
    MODE_SPLIT = "split"

    mode = forms.ChoiceField(
        label=_("办理方式"),
        choices=[(MODE_LEAD, _("主办＋协办")), (MODE_SPLIT, _("分办（各自答复）"))],
        initial=MODE_LEAD,
    )
    lead = forms.ModelChoiceField(label=_("主办单位"), queryset=None, required=False)
    others = forms.ModelMultipleChoiceField(
        label=_("协办／分办单位"), queryset=None, required=False
    )
    note = _note(_("交办说明（可选）"))

    def __init__(self, *args, departments, **kwargs):
        super().__init__(*args, **kwargs)
        # A province office assigns among thousands of units: searched on the server with
        # the board's source (the same scope, the routing suggestion first); `departments`
        # (the proposal's level's units where the user assigns) validates the post.
        params = {"organisation": self.proposal.organisation_id, "proposal": self.proposal.pk}
        for name in ("lead", "others"):
            field = self.fields[name]
            field.queryset = departments
            field.label_from_instance = lambda d: d.name
            pickers.attach(field, "assign-departments", params)
        # The proposer's suggested lead department is chosen in advance when it is on offer.
        suggested = self.proposal.suggested_department_id
        self.suggested_department = None
        if suggested is not None:
            self.suggested_department = departments.filter(pk=suggested).first()
            if self.suggested_department is not None:
                self.fields["lead"].initial = suggested

    def service_kwargs(self) -> dict:
        return assignment_kwargs(
            self.cleaned_data["mode"],
            self.cleaned_data.get("lead"),
            list(self.cleaned_data.get("others") or []),
        )


def assignment_kwargs(mode: str, lead, others: list) -> dict:
    """The `proposal_assign` arguments for a row of the assignment form or board: in split
    handling every chosen department (the first one included) answers separately."""
    if mode == AssignForm.MODE_SPLIT:
        return {"lead": None, "co": [], "split": [d for d in [lead, *others] if d is not None]}
    return {"lead": lead, "co": others, "split": []}


class EvaluationForm(ActionForm):
    process = forms.ChoiceField(
        label=_("对办理过程的评价"),
        choices=Rating.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("请对办理过程作出评价。")},
    )
    result = forms.ChoiceField(
        label=_("对办理结果的评价"),
        choices=Rating.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("请对办理结果作出评价。")},
    )
    comment = _note(_("评价意见（不满意时必填）"), rows=3)


class EvaluationForForm(EvaluationForm):
    """代为评价: the proposer whose evaluation came outside the system, their ratings, and
    how it was given (`services.evaluation_submit_for`). `members`: the proposers who have
    not rated the answer yet (`services.rate_for_candidates`)."""

    member = forms.TypedChoiceField(label=_("提案人"), coerce=int)
    note = _note(_("评价方式"), required=True)

    field_order = ["member", "process", "result", "comment", "note"]

    def __init__(self, *args, members=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["member"].choices = [(m.pk, m.name) for m in members]
        self.fields["note"].widget.attrs["placeholder"] = _("如：已收到提案人签字的书面评价表")
        self.fields["note"].error_messages["required"] = _(
            "请写明提案人以何种方式评价（如书面评价表、电话）。"
        )

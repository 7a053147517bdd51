"""Forms of the department side of proposal handling (承办单位办理). They check what a form
can check; the services check the rules (state, deadlines, the extension cap)."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from xieshang.core.forms import SafeFileField, StyledForm
from xieshang.core.widgets import DateInput

from .models import Contact

QUEUE_STATES = [
    ("handling", _("办理中")),
    ("sign_off", _("待签发")),
    ("answered", _("已答复")),
    ("all", _("全部")),
]


class ContactForm(StyledForm, forms.Form):
    date = forms.DateField(label=_("联系日期"), widget=DateInput())
    way = forms.ChoiceField(label=_("联系方式"), choices=[("", "—"), *Contact.Way.choices])
    note = forms.CharField(
        label=_("沟通情况"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("initial", {"date": timezone.localdate()})
        super().__init__(*args, **kwargs)

    def clean_date(self):
        # Said with the form's other errors, not on a second round after they are mended
        # (the service checks it again).
        date = self.cleaned_data["date"]
        if date > timezone.localdate():
            raise forms.ValidationError(_("联系日期不能晚于今天。"))
        return date


class CoViewForm(StyledForm, forms.Form):
    text = forms.CharField(
        label=_("协办意见"), max_length=20000, widget=forms.Textarea(attrs={"rows": 6})
    )


class AnswerForm(StyledForm, forms.Form):
    category = forms.ChoiceField(
        # One answer's category; the rule listing them all shares the Chinese words.
        label=pgettext_lazy("one answer", "办理结果分类"),
        error_messages={"required": _("请选择办理结果分类。")},
    )
    doc_number = forms.CharField(
        label=_("发文字号"),
        required=False,
        max_length=60,
        help_text=_("本单位公文登记的文号，例如：区住建函〔2026〕12号。"),
    )
    text = forms.CharField(
        label=_("答复内容"),
        max_length=20000,
        error_messages={"required": _("请填写答复内容。")},
        widget=forms.Textarea(attrs={"rows": 12}),
        help_text=_(
            "只写答复正文：逐条回应提案建议，说明已采取和拟采取的措施，每段另起一行。"
            "答复函会自动加上称呼、开头（您提出的《…》收悉。现答复如下：）和结尾致谢，"
            "正文中另写的开头和致谢在答复函中不再重复。"
        ),
    )
    signed_by = forms.CharField(
        label=_("签发领导"),
        max_length=50,
        error_messages={"required": _("答复函须由单位负责人签发。")},
        help_text=_("本单位主要负责人或分管负责人。"),
    )
    contact_person = forms.CharField(
        label=_("联系人"), max_length=50, error_messages={"required": _("请填写联系人。")}
    )
    contact_phone = forms.CharField(
        label=_("联系电话"),
        max_length=30,
        error_messages={"required": _("请填写联系电话。")},
        help_text=_("联系人及电话写入答复函，送达提案人；不在门户网站公开。"),
    )
    # The version of the waiting answer the form started from (0: none waited), so a save
    # over someone else's revision is refused (services.answer_submit). Missing counts as 0.
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    # Only while no contact with the proposers is on record (`no_contact`): answering without
    # one is confirmed on purpose (services.answer_submit).
    confirm_no_contact = forms.BooleanField(
        label=_("本单位尚未与提案人联系，确认不经联系直接答复"),
        required=False,
        help_text=_("办理记录将注明答复前未联系提案人。"),
    )

    def __init__(self, *args, categories: dict[str, str], no_contact: bool = False, **kwargs):
        """`categories`: code → label as shown (`services.outcome_category_labels`, as on the
        proposal's page: the default labels translated, an organisation's own as typed)."""
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = [
            ("", "—"),
            *[(code, f"{code}　{label}") for code, label in categories.items()],
        ]
        if not no_contact:
            del self.fields["confirm_no_contact"]


class SignOffForm(StyledForm, forms.Form):
    """签发 has no input but the version of the answer the page showed: the button is the
    leader's act on that text, and a text revised since is not signed (a missing version
    counts as a stale page)."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class SendBackForm(StyledForm, forms.Form):
    """退回修改: the leader's remarks on a waiting answer, for the clerk who wrote it, with
    the version of the answer the page showed: remarks on a text revised since are refused,
    as a sign-off is (a missing version counts as a stale page)."""

    note = forms.CharField(
        label=_("修改意见"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("请写明修改意见。")},
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class RecordScanForm(StyledForm, forms.Form):
    file = SafeFileField(
        label=_("正式答复函（盖章扫描件）"),
        policy="pdf",
        error_messages={"required": _("请选择盖章签字后的答复函扫描件（PDF）。")},
    )
    note = forms.CharField(
        label=_("说明"),
        required=False,
        max_length=500,
        help_text=_("可注明盖章日期或更换原因，记入办理记录。"),
    )


class ExtensionForm(StyledForm, forms.Form):
    requested_due = forms.DateField(label=_("申请延至"), widget=DateInput())
    reason = forms.CharField(
        label=_("延期理由"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )


class ReturnForm(StyledForm, forms.Form):
    reason = forms.CharField(
        label=_("退回理由"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("说明为何不属于本单位职责，并可建议承办单位。"),
    )

    def __init__(self, *args, **kwargs):
        # Shown beside the extension form, whose reason would take the same id.
        kwargs.setdefault("auto_id", "id_return_%s")
        super().__init__(*args, **kwargs)

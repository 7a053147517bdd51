from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from xieshang.core import pickers
from xieshang.core.forms import SafeFileField, StyledForm
from xieshang.core.text import reader_date
from xieshang.core.validators import not_after_today
from xieshang.core.widgets import DateInput
from xieshang.orgs.models import Department

from .models import LeaderLevel
from .picker_sources import instruction_departments
from .services import DECISION_NOTE_MAX, INSTRUCTION_OFFICES, requested_due_refusal


class FeedbackForm(StyledForm, forms.Form):
    text = forms.CharField(
        label=_("反馈内容"), widget=forms.Textarea(attrs={"rows": 6}), max_length=20000
    )
    document = SafeFileField(label=_("附件（可选）"), required=False, policy="document")


class ExtensionForm(StyledForm, forms.Form):
    requested_due = forms.DateField(label=_("申请延至"), widget=DateInput())
    reason = forms.CharField(
        label=_("延期理由"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000
    )

    def clean_requested_due(self):
        # Said here before the service is asked; the rule is the service's (after today,
        # within a year), which the pages of other apps and the API get as well.
        value = self.cleaned_data["requested_due"]
        refusal = requested_due_refusal(value)
        if refusal:
            raise forms.ValidationError(refusal)
        return value


class DecisionForm(forms.Form):
    """同意 or 不同意 an extension request; whether a refusal has its reason is the
    service's rule (`extension_decide`)."""

    decision = forms.ChoiceField(
        label=_("审批"), choices=[("approve", _("同意")), ("refuse", _("不同意"))]
    )
    note = forms.CharField(label=_("意见"), required=False, max_length=DECISION_NOTE_MAX)


class ReopenForm(StyledForm, forms.Form):
    note = forms.CharField(
        label=_("退回理由"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000
    )
    working_days = forms.IntegerField(
        label=_("重新办理期限（工作日）"), min_value=1, max_value=120, initial=10
    )


class InstructionForm(StyledForm, forms.Form):
    """The one form for a leader's instruction on any item (followups.instructions)."""

    id_prefix = "instruction"  # a panel on other pages, beside their own forms

    leader = forms.CharField(label=_("批示领导"), max_length=50)
    level = forms.ChoiceField(label=_("领导层级"), choices=LeaderLevel.choices)
    instructed_on = forms.DateField(
        label=_("批示日期"),
        initial=timezone.localdate,
        widget=DateInput(),
        validators=[not_after_today],
    )
    text = forms.CharField(
        label=_("批示内容"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )
    departments = forms.ModelMultipleChoiceField(
        label=_("落实单位"), queryset=Department.objects.none(), required=False
    )
    offices = forms.MultipleChoiceField(
        label=_("落实办公室"),
        choices=[(r.value, r.label) for r in INSTRUCTION_OFFICES],
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    working_days = forms.IntegerField(
        label=_("反馈期限（工作日）"), min_value=1, max_value=120, initial=20
    )

    def __init__(self, *args, target, item, user, initial_days=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.earliest = target.earliest(item)
        # A province's units number in the thousands: searched on the server
        # (followups/picker_sources.py) within this queryset, which validates the post.
        field = self.fields["departments"]
        field.queryset = instruction_departments(target.organisation(item, user))
        field.label_from_instance = lambda d: d.name
        pickers.attach(field, "instruction-departments", {"target": target.key, "item": item.pk})
        # The list closes after each choice, as the co-signers' do: left open it lay over the
        # form's button on a desktop and, on a phone, closing it on the tap moved the button
        # from under the finger, so the first click only closed the list.
        field.widget.attrs["data-picker-close-after-select"] = ""
        if initial_days:
            self.fields["working_days"].initial = initial_days

    def clean_instructed_on(self):
        day = self.cleaned_data["instructed_on"]
        if self.earliest and day < self.earliest:
            raise ValidationError(
                _("批示日期不能早于该事项报送的日期（%(day)s）。"),
                params={"day": reader_date(self.earliest)},
            )
        return day

    def clean(self):
        data = super().clean()
        if not data.get("departments") and not data.get("offices"):
            raise ValidationError(_("请至少指定一个落实单位或办公室。"))
        return data

from django import forms
from django.utils.translation import gettext_lazy as _

from xieshang.core.forms import SafeFileField


class FeedbackForm(forms.Form):
    text = forms.CharField(
        label=_("反馈内容"), widget=forms.Textarea(attrs={"rows": 6}), max_length=20000
    )
    document = SafeFileField(label=_("附件（可选）"), required=False, policy="document")


class ExtensionForm(forms.Form):
    requested_due = forms.DateField(
        label=_("申请延至"), widget=forms.DateInput(attrs={"type": "date"})
    )
    reason = forms.CharField(
        label=_("延期理由"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000
    )


class DecisionForm(forms.Form):
    note = forms.CharField(label=_("意见"), required=False, max_length=200)


class ReopenForm(forms.Form):
    note = forms.CharField(
        label=_("退回理由"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000
    )
    working_days = forms.IntegerField(
        label=_("重新办理期限（工作日）"), min_value=1, max_value=120, initial=10
    )

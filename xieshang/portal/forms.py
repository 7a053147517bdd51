"""Forms of the office's screening-lexicon page."""

from django import forms
from django.utils.translation import gettext_lazy as _

from xieshang.core.forms import StyledForm

from .models import ScreeningTerm


class TermForm(StyledForm, forms.Form):
    organisation = forms.ModelChoiceField(
        label=_("适用范围"),
        queryset=None,
        required=False,
        empty_label=_("全系统（所有单位）"),
        help_text=_("本单位的词也适用于下级单位。"),
    )
    term = forms.CharField(
        label=_("词语"),
        max_length=50,
        help_text=_("匹配时忽略空格、标点、全角半角和大小写。"),
    )
    category = forms.ChoiceField(label=_("类别"), choices=ScreeningTerm.Category.choices)
    severity = forms.ChoiceField(
        label=_("程度"),
        choices=ScreeningTerm.Severity.choices,
        help_text=_("违禁：直接标为疑似垃圾信息；可疑：标记待甄别。"),
    )

    def __init__(self, *args, organisations, allow_global: bool, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["organisation"]
        field.queryset = organisations
        if not allow_global:
            field.required = True
            field.empty_label = None


class TermFilterForm(forms.Form):
    q = forms.CharField(required=False, max_length=50)
    category = forms.ChoiceField(
        required=False, choices=[("", _("全部类别")), *ScreeningTerm.Category.choices]
    )
    active = forms.ChoiceField(
        required=False,
        choices=[("", _("在用")), ("0", _("已停用")), ("all", _("全部"))],
    )

"""我的信息: the form in which a member keeps their own contact data up to date."""

from django import forms
from django.utils.translation import gettext_lazy

from xieshang.core.forms import style_widgets

from . import validators
from .models import Member
from .services import CONTACT_FIELDS


class ContactForm(forms.Form):
    phone = forms.CharField(
        label=gettext_lazy("手机号码"),
        max_length=20,
        error_messages={"required": gettext_lazy("请填写手机号码，政协办公室通过它联系您。")},
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
    )
    email = forms.EmailField(
        label=gettext_lazy("电子邮箱"),
        required=False,
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    address = forms.CharField(
        label=gettext_lazy("家庭住址"),
        max_length=200,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "street-address"}),
    )
    employer = forms.CharField(
        label=gettext_lazy("工作单位及职务"),
        max_length=200,
        required=False,
        help_text=gettext_lazy("如：示范区第一中学校长"),
        widget=forms.TextInput(attrs={"autocomplete": "organization"}),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, data=None, *, member: Member):
        initial = {name: getattr(member, name) for name in CONTACT_FIELDS}
        initial["version"] = member.version
        super().__init__(data, initial=initial)
        style_widgets(self)

    def clean_phone(self):
        return validators.validate_mobile(self.cleaned_data.get("phone", ""))

    def clean(self):
        data = super().clean()
        if data.get("version") is None:
            raise forms.ValidationError(gettext_lazy("表单已过期，请刷新页面后重新填写。"))
        return data

"""The empty choice of a select is said in words, not Django's "---------": 请选择 where a
choice is required, （无） where none is an answer; a filter's own label (全部…) stays."""

import re

import pytest
from django import forms
from django.db.models import TextChoices
from django.utils import translation

from xieshang.core.forms import StyledForm
from xieshang.orgs.models import Organisation


class Gender(TextChoices):
    MALE = "m", "男"
    FEMALE = "f", "女"


class Form(StyledForm, forms.Form):
    organisation = forms.ModelChoiceField(queryset=Organisation.objects.all())
    parent = forms.ModelChoiceField(queryset=Organisation.objects.all(), required=False)
    scope = forms.ModelChoiceField(
        queryset=Organisation.objects.all(), required=False, empty_label="全部组织"
    )
    gender = forms.TypedChoiceField(choices=[("", "---------"), *Gender.choices], required=False)


def first_option(form, name: str) -> str:
    return re.search(r"<option[^>]*>([^<]*)</option>", str(form[name])).group(1)


@pytest.mark.django_db
def test_the_empty_choice_says_choose_or_none_and_a_filter_keeps_its_own():
    form = Form()
    assert first_option(form, "organisation") == "请选择"
    assert first_option(form, "parent") == "（无）"
    assert first_option(form, "scope") == "全部组织"
    assert first_option(form, "gender") == "（无）"
    assert [value for value, _label in form.fields["gender"].choices] == ["", "m", "f"]
    with translation.override("en"):
        assert first_option(Form(), "organisation") == "Please choose"
        assert first_option(Form(), "parent") == "(none)"

"""Django's own validation messages read as the product's Chinese, not as machine text
(xieshang/locale/zh_Hans overrides Django's catalogue for these few)."""

from django import forms
from django.contrib.auth.password_validation import UserAttributeSimilarityValidator
from django.core.exceptions import ValidationError
from django.utils import translation

from tests.factories import UserFactory


class _Form(forms.Form):
    title = forms.CharField(max_length=5)
    email = forms.EmailField(required=False)


def test_a_too_long_text_and_a_bad_email_are_told_in_plain_chinese():
    with translation.override("zh-hans"):
        form = _Form({"title": "一二三四五六七", "email": "not-an-address"})
        assert not form.is_valid()
        assert form.errors["title"] == ["最多5个字（现有7个字），请精简。"]
        assert form.errors["email"] == ["请输入有效的电子邮箱地址。"]
    with translation.override("en"):
        form = _Form({"title": "一二三四五六七"})
        assert not form.is_valid()
        assert "at most 5 characters" in form.errors["title"][0]


def test_a_password_like_the_username_is_told_without_stray_spaces(db):
    user = UserFactory(username="zhangsan2026")
    with translation.override("zh-hans"):
        try:
            UserAttributeSimilarityValidator().validate("zhangsan2026!", user)
        except ValidationError as exc:
            message = exc.messages[0]
    assert message == "密码与用户名过于相似。"


def test_a_missing_field_and_the_password_rules_address_the_user_as_您():
    """The product says 您 throughout; Django's catalogue says 你 and "这个字段是必填项"."""
    from django.contrib.auth.password_validation import password_validators_help_texts

    with translation.override("zh-hans"):
        form = _Form({"title": ""})
        form.fields["title"].required = True
        assert not form.is_valid()
        assert form.errors["title"] == ["请填写此项。"]
        texts = " ".join(str(t) for t in password_validators_help_texts())
    assert "你" not in texts and "您的密码不能是常见密码" in texts

"""A password may not contain its holder's name or username (等保: no personal information in
a password); Django's similarity check let 测试联络员2026!x through for 测试联络员."""

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("password", ["测试联络员2026!x", "Xs#liaison7788", "LIAISON@x2026z"])
def test_a_password_with_the_name_or_username_is_refused(password):
    user = UserFactory(username="liaison", full_name="测试联络员")
    with pytest.raises(ValidationError) as refused:
        validate_password(password, user)
    assert "密码不能包含本人的姓名或用户名。" in refused.value.messages


def test_other_passwords_and_short_usernames_inside_words_pass():
    validate_password("Climb@Hill2026", UserFactory(username="li", full_name="李"))
    validate_password("Xieshang@2027", UserFactory(username="office", full_name="区政协办"))

import pytest
from django.core.exceptions import ValidationError

from xieshang.members.validators import (
    validate_chinese_name,
    validate_id_number,
    validate_mobile,
)


def test_it_accepts_the_standards_example_id_number():
    # The worked example of GB 11643-1999, whose check character is X.
    assert validate_id_number("11010519491231002x") == "11010519491231002X"


@pytest.mark.parametrize(
    "value, message",
    [
        ("110105194912310021", "校验位"),
        ("11010519491231002", "18位"),
        ("110105194913310027", "出生日期"),
        ("A10105194912310021", "18位"),
    ],
)
def test_it_refuses_bad_id_numbers_with_a_reason(value, message):
    with pytest.raises(ValidationError) as exc:
        validate_id_number(value)
    assert message in exc.value.messages[0]


def test_it_checks_mobile_numbers():
    assert validate_mobile("139 1234 5678") == "13912345678"
    assert validate_mobile("") == ""
    with pytest.raises(ValidationError):
        validate_mobile("12912345678")
    with pytest.raises(ValidationError):
        validate_mobile("1391234567")


def test_it_wants_a_chinese_name():
    assert validate_chinese_name(" 王芳 ") == "王芳"
    assert validate_chinese_name("阿依古丽·买买提") == "阿依古丽·买买提"
    for bad in ("", "王", "Wang Fang", "王芳1"):
        with pytest.raises(ValidationError):
            validate_chinese_name(bad)

"""`core.params.choice_param`: a list page's filter read from its query string."""

import pytest
from django.core.exceptions import BadRequest
from django.test import RequestFactory
from django.utils import translation
from django.utils.translation import gettext_lazy

from xieshang.core.params import choice_param

TABS = [
    ("", gettext_lazy("全部")),
    ("open", gettext_lazy("办理中")),
    ("closed", gettext_lazy("已办结")),
]


def read(query, **kwargs):
    return choice_param(RequestFactory().get("/" + query), "state", TABS, label="状态", **kwargs)


def test_a_value_offered_is_read_and_absent_or_empty_is_the_default():
    assert read("?state=open") == "open"
    assert read("") == "" and read("?state=") == ""
    assert read("", default="open") == "open"
    assert read("?status=closed", aliases=("status",)) == "closed"


def test_any_other_value_is_a_400_naming_the_choices_but_not_the_empty_one():
    with pytest.raises(BadRequest) as refused:
        read("?state=late")
    assert (
        str(refused.value)
        == "状态（state）不是有效的选项，可选：办理中（open）、已办结（closed）。"
    )
    with pytest.raises(BadRequest) as refused:
        read("?status=late", aliases=("status",))
    assert "（status）" in str(refused.value)


def test_in_english_the_choices_read_in_english():
    with translation.override("en"), pytest.raises(BadRequest) as refused:
        choice_param(RequestFactory().get("/?state=late"), "state", TABS)
    assert str(refused.value) == (
        "Parameter (state) is not a valid choice; choose one of: In progress (open), "
        "Completed (closed)."
    )

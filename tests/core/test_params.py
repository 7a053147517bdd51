"""Query-string numbers: a wrong one is a 400 that says what is expected, in words a
reader understands (no database bounds)."""

import pytest
from django.core.exceptions import BadRequest
from django.test import RequestFactory

from xieshang.core.params import int_param


def test_an_unbounded_number_says_only_its_lower_bound():
    request = RequestFactory().get("/", {"a": "x"})
    with pytest.raises(BadRequest) as refused:
        int_param(request, "a", label="版本")
    assert str(refused.value) == "版本（a）应为不小于 1 的整数。"


def test_a_bounded_number_says_its_range():
    request = RequestFactory().get("/", {"year": "3000"})
    with pytest.raises(BadRequest) as refused:
        int_param(request, "year", minimum=1949, maximum=2100, label="年份")
    assert str(refused.value) == "年份（year）应为 1949 至 2100 之间的整数。"
    assert int_param(RequestFactory().get("/", {"year": "2026"}), "year", maximum=2100) == 2026

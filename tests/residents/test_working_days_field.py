"""One deadline field (forms.working_days_field) for 转职能部门 and 重新办理: the same range
and refusals, each worded with its own label."""

import pytest

from tests.residents.conftest import accepted
from xieshang.residents import forms

pytestmark = pytest.mark.django_db


def test_route_and_rehandle_share_one_working_days_field(world):
    issue, _code = accepted(world)
    route = forms.RouteForm({"working_days": "61"}, issue=issue, default_days=10)
    rehandle = forms.RehandleForm({"working_days": "0", "note": "x"}, default_days=10)
    assert not route.is_valid() and not rehandle.is_valid()
    assert route.errors["working_days"] == ["答复时限最长60个工作日。"]
    assert rehandle.errors["working_days"] == ["办理时限至少1个工作日。"]
    assert route.fields["working_days"].label == "答复时限（工作日）"
    assert rehandle.fields["working_days"].label == "重新办理时限（工作日）"
    field = forms.working_days_field("期限", "说明")
    assert (field.min_value, field.max_value, field.help_text) == (1, 60, "说明")
    blank = forms.RehandleForm({"working_days": "", "note": "x"}, default_days=10)
    blank.is_valid()
    assert blank.errors["working_days"] == ["请填写办理时限（1至60个工作日）。"]

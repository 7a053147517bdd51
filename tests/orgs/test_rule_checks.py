"""A rule's own check (`define(..., validate=)`) and a rule picked from a list (a text default
with `choices`): both refuse a bad value with a Chinese message wherever it is set."""

import pytest
from django.core.exceptions import ValidationError

from tests.factories import make_org, user_with_role
from xieshang.orgs import config
from xieshang.orgs.forms import RuleForm
from xieshang.orgs.models import Level, Role


def _even(value):
    if value % 2:
        raise ValidationError("须为双数。")


@pytest.fixture
def checked_rules():
    keys = [
        config.define("zz.even", 2, "测试双数", validate=_even),
        config.define("zz.mode", "a", "测试方式", choices=[("a", "甲方式"), ("b", "乙方式")]),
    ]
    yield keys
    for key in keys:
        config.RULES.pop(key, None)


def test_a_rules_own_check_refuses_a_value_on_save_and_in_the_form(db, checked_rules):
    org = make_org("东区政协", Level.DISTRICT)
    actor = user_with_role(Role.SYSTEM_ADMIN, org)
    with pytest.raises(ValidationError, match="须为双数"):
        config.set_value(org, "zz.even", 3, actor=actor)
    assert config.get(org, "zz.even") == 2
    config.set_value(org, "zz.even", 4, actor=actor)
    assert config.get(org, "zz.even") == 4

    form = RuleForm(
        {"zz-even-value": "5", "zz-even-effective_from": "2099-01-01", "zz-even-version": "0"},
        rule=config.RULES["zz.even"],
    )
    assert not form.is_valid() and form.errors["value"] == ["须为双数。"]


def test_a_text_rule_with_choices_is_one_pick_from_the_list(db, checked_rules):
    rule = config.RULES["zz.mode"]
    assert rule.kind == config.KIND_CHOICE
    assert rule.validate("b") == "b"
    with pytest.raises(ValidationError, match="不是可选项：c"):
        rule.validate("c")
    assert rule.display("b") == "乙方式"
    form = RuleForm(rule=rule, value="b")
    assert '<option value="b" selected>乙方式</option>' in str(form["value"])

"""规则设置: the rules page generated from the registry (orgs.config), dated values,
inheritance, audited changes and restores, permissions and a fixed number of queries."""

import datetime as dt
import re

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tests.factories import make_org, user_with_role
from tests.proposals.conftest import World, submitted
from xieshang.core.models import Event
from xieshang.orgs import config
from xieshang.orgs.forms import RuleForm
from xieshang.orgs.models import Level, OrgSetting, Role

REVIEW = "proposals.review_working_days"
TODAY = dt.datetime(2026, 3, 2, 2, 0, tzinfo=dt.UTC)  # a Monday, 10:00 in Beijing


@pytest.fixture
def tree(db):
    city = make_org("示范市政协", Level.CITY)
    east = make_org("东区政协", Level.DISTRICT, parent=city)
    west = make_org("西区政协", Level.DISTRICT, parent=city)
    return city, east, west


@pytest.fixture
def extra_rules():
    """A bool and a text rule (no app defines one yet) and a dict rule, removed after."""
    keys = [
        config.define("zz.flag", True, "测试开关"),
        config.define("zz.title", "政协办公室", "测试文字"),
        config.define("zz.table", {"a": 1, "b": 2}, "测试对照表"),
    ]
    yield keys
    for key in keys:
        config.RULES.pop(key, None)


def url(org):
    return reverse("orgs:rules", args=[org.pk])


def post(client, org, key, value, *, effective_from=None, version=None, **extra):
    prefix = key.replace(".", "-")
    data = {
        "rule": key,
        f"{prefix}-effective_from": (effective_from or dt.date(2026, 3, 2)).isoformat(),
        f"{prefix}-version": config.current_version(org, key) if version is None else version,
        **extra,
    }
    if value is not None:
        data[f"{prefix}-value"] = value
    return client.post(url(org), data)


def restore(client, org, key, version=None):
    return client.post(
        url(org),
        {
            "rule": key,
            "action": "restore",
            "version": config.current_version(org, key) if version is None else version,
        },
    )


# --- Inputs generated from the default's type ------------------------------------------------


@pytest.mark.parametrize(
    ("key", "widget", "typed", "expected", "bad", "message"),
    [
        (REVIEW, 'type="number"', "7", 7, "-1", "须为1至365之间的整数"),
        ("meetings.plenary_min_share", 'step="any"', "0.5", 0.5, "abc", "输入一个数字"),
        ("proposals.categories", "<textarea", "经济\n\n民生 \n", ["经济", "民生"], "\n \n", "至少"),
        (
            "meetings.committee_report_months",
            "<textarea",
            "3\n9",
            [3, 9],
            "3\n九",
            "第2行“九”须为整数",
        ),
        (
            "proposals.outcome_categories",
            "<textarea",
            '[["A", "已解决"], ["B", "正在解决"]]',
            [["A", "已解决"], ["B", "正在解决"]],
            '[["A", "已解决"], ["B"]]',
            "第2项须为含2个元素的列表",
        ),
        (
            "proposals.outcome_categories",
            "<textarea",
            "[]",
            None,
            '[["A", "x"],',
            "不是有效的 JSON",
        ),
    ],
)
@time_machine.travel(TODAY)
def test_each_rule_gets_an_input_of_its_type_that_checks_what_is_typed(
    client, tree, key, widget, typed, expected, bad, message
):
    city, east, _west = tree
    client.force_login(user_with_role(Role.SYSTEM_ADMIN, east))
    page = client.get(url(east)).content.decode()
    prefix = key.replace(".", "-")
    article = page.split(f'id="rule-{prefix}"')[1].split("</article>")[0]
    assert widget in article and f'name="{prefix}-value"' in article

    response = post(client, east, key, bad)
    assert response.status_code == 400
    body = response.content.decode()
    assert message in body
    # What was typed stays in the input.
    form = response.context["groups"]
    (state,) = [s for g in form for s in g["rules"] if s.rule.key == key]
    assert state.form.data[f"{prefix}-value"] == bad
    assert config.get(east, key) == config.RULES[key].default

    if expected is not None:
        assert post(client, east, key, typed).status_code == 302
        assert config.get(east, key) == expected
        assert config.get(city, key) == config.RULES[key].default


@time_machine.travel(TODAY)
def test_a_bool_rule_is_a_checkbox_a_text_rule_a_text_input_and_a_dict_rule_json(
    client, tree, extra_rules
):
    _city, east, _west = tree
    client.force_login(user_with_role(Role.SYSTEM_ADMIN, east))
    page = client.get(url(east)).content.decode()
    assert 'type="checkbox" name="zz-flag-value"' in page
    assert 'type="text" name="zz-title-value"' in page
    assert "zz-table-value" in page
    assert post(client, east, "zz.flag", None).status_code == 302  # unticked
    assert config.get(east, "zz.flag") is False
    assert post(client, east, "zz.title", "区政协办公室").status_code == 302
    assert config.get(east, "zz.title") == "区政协办公室"
    response = post(client, east, "zz.table", '{"a": 3}')
    assert response.status_code == 400 and "缺少：b" in response.content.decode()
    assert post(client, east, "zz.table", '{"a": 3, "b": 0}').status_code == 302
    assert config.get(east, "zz.table") == {"a": 3, "b": 0}


def test_the_form_starts_from_the_value_in_force_and_today(db):
    rule = config.RULES["proposals.outcome_categories"]
    form = RuleForm(rule=rule, value=[["A", "甲"]], version=4)
    assert '"甲"' in form["value"].value()
    assert form["version"].value() == 4
    # A date input takes only ISO dates: anything else reaches the server empty.
    today = timezone.localdate().isoformat()
    assert f'type="date" name="proposals-outcome_categories-effective_from" value="{today}"' in str(
        form["effective_from"]
    )
    lines = RuleForm(rule=config.RULES["proposals.categories"], value=["经济", "民生"])
    assert lines["value"].value() == "经济\n民生"


# --- Inheritance, overrides, restore ----------------------------------------------------------


@time_machine.travel(TODAY)
def test_the_page_shows_where_each_value_comes_from(client, tree):
    city, east, west = tree
    city_admin = user_with_role(Role.SYSTEM_ADMIN, city, full_name="市管理员")
    config.set_value(city, REVIEW, 8, actor=city_admin)
    config.set_value(east, "proposals.max_attachments", 9, actor=city_admin)
    client.force_login(user_with_role(Role.OFFICE, east))
    response = client.get(url(east))
    assert response.status_code == 200
    states = {s.rule.key: s for g in response.context["groups"] for s in g["rules"]}
    assert states[REVIEW].value == 8 and states[REVIEW].source_org == city
    assert states["proposals.max_attachments"].own
    assert states["proposals.answer_months"].source_org is None
    page = response.content.decode()
    assert "继承自示范市政协" in page and "本组织设置" in page and "默认值" in page
    assert "提案" in [g["label"] for g in response.context["groups"]]
    assert "本系统默认：审查时限10个工作日" in page  # the source of the default
    # In the clerk's words: no reference to our own design documents, no JSON.
    assert "SPEC" not in page and '[["A"' not in page
    assert "A：已解决或基本解决；B：正在解决或已列入计划" in page
    # A share as the rules write it, not a rounded decimal.
    assert "三分之二" in page and "0.6667" not in page
    assert len(states) == len(config.RULES)
    # Read-only for the office: no inputs.
    assert not response.context["editable"]
    assert 'name="rule"' not in page


@time_machine.travel(TODAY)
def test_an_override_and_its_restore_are_audited_and_shown_under_the_rule(client, tree):
    city, east, _west = tree
    config.set_value(city, REVIEW, 8, actor=None)
    admin = user_with_role(Role.SYSTEM_ADMIN, east, full_name="区管理员")
    client.force_login(admin)
    assert post(client, east, REVIEW, "6").status_code == 302
    assert config.get(east, REVIEW) == 6
    event = Event.objects.filter(verb="config.set", organisation=east).get()
    assert event.actor == admin
    assert event.data == {"key": REVIEW, "from": 8, "to": 6, "effective_from": "2026-03-02"}
    assert "审查时限（工作日）：8 → 6（自2026年3月2日起施行）" == event.note

    assert restore(client, east, REVIEW).status_code == 302
    assert config.get(east, REVIEW) == 8
    assert not OrgSetting.objects.filter(organisation=east).exists()  # nothing was in force
    event = Event.objects.filter(verb="config.restore", organisation=east).get()
    assert event.data["from"] == 6 and event.data["to"] == 8
    page = client.get(url(east)).content.decode()
    history = page.split('id="rule-proposals-review_working_days"')[1].split("</article>")[0]
    assert "修改记录（2）" in history and "规则恢复继承" in history and "区管理员" in history
    # Nothing left to restore: the button is gone and a stale post is refused.
    assert "恢复继承（" not in history
    assert restore(client, east, REVIEW).status_code == 302
    assert Event.objects.filter(verb="config.restore").count() == 1


@time_machine.travel(TODAY)
def test_a_restore_keeps_the_older_value_for_the_days_it_covered(tree):
    city, east, _west = tree
    with time_machine.travel(dt.datetime(2026, 2, 2, 2, 0, tzinfo=dt.UTC)):
        config.set_value(east, REVIEW, 6, actor=None)
    config.restore_inherited(east, REVIEW, actor=None)
    assert config.get(east, REVIEW) == 10
    assert config.get(east, REVIEW, on=dt.date(2026, 2, 15)) == 6
    assert config.get(east, REVIEW, on=dt.date(2026, 1, 15)) == 10


@time_machine.travel(TODAY)
def test_a_value_from_a_future_date_does_not_apply_today(client, tree):
    _city, east, _west = tree
    client.force_login(user_with_role(Role.SYSTEM_ADMIN, east))
    assert post(client, east, REVIEW, "5", effective_from=dt.date(2026, 4, 1)).status_code == 302
    assert config.get(east, REVIEW) == 10
    assert config.get(east, REVIEW, on=dt.date(2026, 3, 31)) == 10
    assert config.get(east, REVIEW, on=dt.date(2026, 4, 1)) == 5
    page = client.get(url(east)).content.decode()
    assert "自2026年4月1日起：5" in page
    # The past is not rewritten.
    response = post(client, east, REVIEW, "4", effective_from=dt.date(2026, 3, 1))
    assert response.status_code == 400
    assert "施行日期不能早于今天" in response.content.decode()
    with time_machine.travel(dt.datetime(2026, 4, 1, 2, 0, tzinfo=dt.UTC)):
        assert config.get(east, REVIEW) == 5


@time_machine.travel(TODAY)
def test_two_admins_editing_the_same_rule_do_not_overwrite_each_other(client, tree):
    _city, east, _west = tree
    client.force_login(user_with_role(Role.SYSTEM_ADMIN, east))
    read_version = config.current_version(east, REVIEW)
    assert post(client, east, REVIEW, "7", version=read_version).status_code == 302
    response = post(client, east, REVIEW, "12", version=read_version)
    assert response.status_code == 400
    assert "已在其他窗口或由他人修改" in response.content.decode()
    assert 'value="12"' in response.content.decode()  # what was typed stays
    assert config.get(east, REVIEW) == 7
    # The refused form carries the rule's current version: submitting it again (having
    # looked) saves over the other change on purpose, instead of being refused forever.
    html = response.content.decode()
    prefix = REVIEW.replace(".", "-")
    carried = re.search(rf'name="{prefix}-version" value="(\d+)"', html)
    assert carried and int(carried.group(1)) == config.current_version(east, REVIEW)
    assert "请再次保存" in html
    assert post(client, east, REVIEW, "12", version=int(carried.group(1))).status_code == 302
    assert config.get(east, REVIEW) == 12
    stale = config.current_version(east, REVIEW) - 1
    assert restore(client, east, REVIEW, version=stale).status_code == 302
    assert config.get(east, REVIEW) == 12  # the stale restore was refused too


# --- Permissions -----------------------------------------------------------------------------


@time_machine.travel(TODAY)
def test_only_the_system_administrator_of_the_organisation_or_above_changes_its_rules(client, tree):
    city, east, west = tree
    east_admin = user_with_role(Role.SYSTEM_ADMIN, east)
    client.force_login(east_admin)
    assert client.get(url(city)).status_code == 403
    assert post(client, city, REVIEW, "5").status_code == 403
    assert client.get(url(west)).status_code == 403
    assert post(client, east, REVIEW, "5").status_code == 302

    client.force_login(user_with_role(Role.SYSTEM_ADMIN, city))
    assert post(client, west, REVIEW, "4").status_code == 302  # a district below the city
    assert config.get(west, REVIEW) == 4 and config.get(city, REVIEW) == 10

    member = user_with_role(Role.MEMBER, east)
    client.force_login(member)
    assert client.get(url(east)).status_code == 200  # everyone with a role reads
    assert post(client, east, REVIEW, "3").status_code == 403
    assert client.get(url(west)).status_code == 403
    assert config.get(east, REVIEW) == 5

    client.logout()
    assert client.get(url(east)).status_code == 302  # to the login page
    client.force_login(user_with_role(Role.SYSTEM_ADMIN, east))
    assert client.get(reverse("orgs:rules", args=[999999])).status_code == 404


def test_the_navigation_leads_the_system_administrator_to_the_rules(client, tree):
    _city, east, _west = tree
    client.force_login(user_with_role(Role.SYSTEM_ADMIN, east))
    home = client.get(reverse("home")).content.decode()
    assert "规则设置" in home
    response = client.get(reverse("orgs:rules_home"))
    assert response.status_code == 302 and response.url == url(east)
    client.force_login(user_with_role(Role.SECURITY_ADMIN, east))
    assert "规则设置" not in client.get(reverse("home")).content.decode()


# --- Queries ---------------------------------------------------------------------------------


@time_machine.travel(TODAY)
def test_the_page_costs_the_same_queries_however_many_rules_are_set(client, tree):
    city, east, _west = tree
    admin = user_with_role(Role.SYSTEM_ADMIN, east)
    client.force_login(admin)
    client.get(url(east))  # warm the caches (content types, session)
    with CaptureQueriesContext(connection) as bare:
        assert client.get(url(east)).status_code == 200
    # Rules kept in order (config.descending) are raised together, the highest first and on
    # the same day, so they stay in order; every value within its rule's range.
    chain = {
        key: (n, order.keys.index(key))
        for n, order in enumerate(config.ORDERS)
        for key in order.keys
    }
    for number, key in enumerate(sorted(config.RULES, key=lambda k: (chain.get(k, (-1, 0)), k))):
        rule = config.RULES[key]
        day = chain[key][0] if key in chain else number
        if isinstance(rule.default, int) and not isinstance(rule.default, bool):
            config.set_value(city, key, rule.clamp(rule.default + 1), actor=admin)
            config.set_value(east, key, rule.clamp(rule.default + 2), actor=admin)
            config.set_value(
                east,
                key,
                rule.clamp(rule.default + 3),
                actor=admin,
                effective_from=dt.date(2026, 5, day % 28 + 1),
            )
    with CaptureQueriesContext(connection) as busy:
        assert client.get(url(east)).status_code == 200
    assert len(busy) == len(bare)
    assert len(bare) <= 12


# --- Changing a rule never breaks history ----------------------------------------------------


@pytest.mark.clause("C4.6")
@time_machine.travel(TODAY)
def test_a_new_review_deadline_applies_to_new_proposals_only(db):
    world = World()
    admin = user_with_role(Role.SYSTEM_ADMIN, world.district)
    before = submitted(world)
    assert before.review_due == dt.date(2026, 3, 16)  # 10 working days
    config.set_value(world.district, REVIEW, 3, actor=admin)
    after = submitted(world, title="关于增设社区托育点的建议")
    before.refresh_from_db()
    assert before.review_due == dt.date(2026, 3, 16)
    assert after.review_due == dt.date(2026, 3, 5)  # 3 working days
    assert config.get(world.other_district, REVIEW) == 10


@time_machine.travel(TODAY)
def test_rules_drawn_from_a_choice_list_are_shown_and_typed_in_words(client, tree):
    _city, east, _west = tree
    client.force_login(user_with_role(Role.SYSTEM_ADMIN, east))
    page = client.get(url(east)).content.decode()
    article = page.split('id="rule-meetings-chair_approved_kinds"')[1].split("</article>")[0]
    assert 'type="checkbox"' in article and "现行值：<strong" in article
    assert "全体会议、常务委员会会议" in article
    key = "meetings.chair_approved_kinds"
    response = client.post(
        url(east),
        {
            "rule": key,
            "meetings-chair_approved_kinds-value": ["plenary"],
            "meetings-chair_approved_kinds-effective_from": "2026-03-02",
            "meetings-chair_approved_kinds-version": 0,
        },
    )
    assert response.status_code == 302
    assert config.get(east, key) == ["plenary"]

    duties = "duty.minimum_duties"
    article = page.split('id="rule-duty-minimum_duties"')[1].split("</article>")[0]
    assert "出席全体会议（半天）" in article and "plenary_half_day" not in article
    response = post(client, east, duties, "出席全体会议（半天）\n视察调研、打球")
    assert response.status_code == 400
    assert "第2行：“打球”不是可选项" in response.content.decode()
    assert (
        post(client, east, duties, "出席全体会议（半天）\n视察调研、报送社情民意信息").status_code
        == 302
    )
    assert config.get(east, duties) == [["plenary_half_day"], ["inspection", "opinion_submitted"]]


ODD = ["", " ", "😀", "<script>alert(1)</script>", "1e400", "NaN", "-0", "9" * 40, "[" * 5000]
ODD += ["前\x1b后", '{"a": [1, 2]}', "null", "1.5", "true"]


@pytest.mark.parametrize(
    "key",
    [
        REVIEW,
        "meetings.plenary_min_share",
        "proposals.categories",
        "meetings.committee_report_months",
        "proposals.outcome_categories",
        "duty.minimum_duties",
    ],
)
@time_machine.travel(TODAY)
def test_odd_input_never_breaks_the_page_and_stays_typed(client, tree, key):
    _city, east, _west = tree
    client.force_login(user_with_role(Role.SYSTEM_ADMIN, east))
    prefix = key.replace(".", "-")
    for text in ODD:
        response = post(client, east, key, text)
        assert response.status_code in (302, 400), (text, response.status_code)
        if response.status_code == 400:
            (state,) = [
                s for g in response.context["groups"] for s in g["rules"] if s.rule.key == key
            ]
            assert state.form.data[f"{prefix}-value"] == text
    for value in config.RULES[key].validate(config.get(east, key)), config.get(east, key):
        assert value is not None
    assert client.post(url(east), {"rule": "no.such"}).status_code == 404
    assert client.post(url(east), {"rule": key, "action": "restore"}).status_code == 404


def test_the_organisation_switcher_has_no_raw_empty_choice(client, tree):
    city, east, _west = tree
    client.force_login(user_with_role(Role.SYSTEM_ADMIN, city, full_name="市管理员"))
    page = client.get(url(east)).content.decode()
    switcher = page.split('name="org"', 1)[1].split("</select>", 1)[0]
    assert "请选择组织" in switcher and "---------" not in switcher

"""A configurable number has a range (`config.define(minimum=, maximum=)`) and rules that must
stay in order (the grade thresholds) are declared so (`config.descending`): the rules page and
the service behind it (so the API or a command too) refuse what breaks either, naming the
range or the other rule; a value stored out of range anyway is read within it, so a
proposal can still be submitted. A restore that only withdraws a scheduled change says so."""

import datetime as dt
import time

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse

from tests.factories import make_org, user_with_role
from tests.proposals.conftest import World, submitted
from xieshang.core import calendar
from xieshang.core.models import Event
from xieshang.orgs import config
from xieshang.orgs.models import Level, OrgSetting, Role

REVIEW = "proposals.review_working_days"
EXCELLENT, GOOD, COMPETENT = (
    "duty.grade_excellent_min",
    "duty.grade_good_min",
    "duty.grade_competent_min",
)
TODAY = dt.datetime(2026, 3, 2, 2, 0, tzinfo=dt.UTC)  # a Monday, 10:00 in Beijing


@pytest.fixture
def tree(db):
    city = make_org("示范市政协", Level.CITY)
    east = make_org("东区政协", Level.DISTRICT, parent=city)
    return city, east


def post(client, org, key, value, *, effective_from=dt.date(2026, 3, 2)):
    prefix = key.replace(".", "-")
    return client.post(
        reverse("orgs:rules", args=[org.pk]),
        {
            "rule": key,
            f"{prefix}-value": value,
            f"{prefix}-effective_from": effective_from.isoformat(),
            f"{prefix}-version": config.current_version(org, key),
        },
    )


def restore(client, org, key):
    return client.post(
        reverse("orgs:rules", args=[org.pk]),
        {"rule": key, "action": "restore", "version": config.current_version(org, key)},
    )


def typed_back(response, key):
    (state,) = [s for g in response.context["groups"] for s in g["rules"] if s.rule.key == key]
    return state.form.data[f"{key.replace('.', '-')}-value"]


# --- Ranges ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("key", "typed", "message"),
    [
        (REVIEW, "0", "须为1至365之间的整数。"),
        (REVIEW, "99999999999999999999", "须为1至365之间的整数。"),
        ("proposals.answer_months", "0", "须为1至24之间的整数。"),
        ("proposals.body_max_chars", "0", "须为1至50000之间的整数。"),
        ("opinions.max_chars", "0", "须为1至20000之间的整数。"),
        ("members.import_max_rows", "0", "须为1至20000之间的整数。"),
        ("duty.award_department_min_on_time", "150", "须为0至100之间的整数。"),
        ("nominations.female_min_share", "150", "须为0至100之间的整数。"),
        ("meetings.plenary_min_share", "66.7", "须在0至1之间。"),
        ("meetings.committee_report_months", "6\n13", "第2项“13”：须为1至12之间的整数。"),
    ],
)
@time_machine.travel(TODAY)
def test_the_rules_page_refuses_a_number_outside_its_range_naming_the_range(
    client, tree, key, typed, message
):
    _city, east = tree
    client.force_login(user_with_role(Role.SYSTEM_ADMIN, east))
    response = post(client, east, key, typed)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert typed_back(response, key) == typed  # what was typed stays in the input
    assert config.get(east, key) == config.RULES[key].default
    assert not OrgSetting.objects.filter(organisation=east, key=key).exists()


@time_machine.travel(TODAY)
def test_the_range_is_shown_under_the_input(client, tree):
    _city, east = tree
    client.force_login(user_with_role(Role.SYSTEM_ADMIN, east))
    page = client.get(reverse("orgs:rules", args=[east.pk])).content.decode()
    article = page.split('id="rule-proposals-review_working_days"')[1].split("</article>")[0]
    assert "可填范围：1至365。" in article
    assert 'min="1"' in article and 'max="365"' in article


@time_machine.travel(TODAY)
def test_the_service_refuses_what_the_form_refuses(tree):
    """The API or a command calls `set_value` directly: the range holds there too."""
    _city, east = tree
    for key, value in [
        (REVIEW, 0),
        (REVIEW, 10**20),
        ("proposals.answer_months", 0),
        ("proposals.body_max_chars", 0),
        ("meetings.plenary_min_share", float("nan")),
        ("meetings.plenary_min_share", 1.5),
    ]:
        with pytest.raises(ValidationError, match="须"):
            config.set_value(east, key, value, actor=None)
    assert not OrgSetting.objects.filter(organisation=east).exists()
    config.set_value(east, REVIEW, 365, actor=None)
    assert config.get(east, REVIEW) == 365


@time_machine.travel(TODAY)
def test_every_number_an_app_declares_has_a_range():
    """Each app gives its numbers a range where it declares them (`config.define`)."""
    pending: set[str] = set()
    numbers = [
        key
        for key, rule in config.RULES.items()
        if rule.kind in (config.KIND_INT, config.KIND_FLOAT)
        or (rule.kind == config.KIND_LINES and isinstance(rule.default[0], int))
    ]
    unbounded = sorted(k for k in numbers if not config.RULES[k].bounded and k not in pending)
    assert unbounded == []


# --- A value stored out of range -------------------------------------------------------------


@pytest.mark.clause("C4.6")
@time_machine.travel(TODAY)
def test_a_review_time_stored_out_of_range_no_longer_stops_every_submission(client, db):
    """The demo had 10^20 working days stored: every submission of the organisation failed
    with a server error (OverflowError), 10^6 held it for 21 s. Read as the range's end, a
    submission goes through at once."""
    world = World()
    OrgSetting.objects.create(organisation=world.city, key=REVIEW, value=10**20)
    assert config.get(world.district, REVIEW) == 365
    started = time.monotonic()
    proposal = submitted(world)
    assert time.monotonic() - started < 10
    assert proposal.review_due == calendar.add_working_days(dt.date(2026, 3, 2), 365)

    OrgSetting.objects.create(organisation=world.district, key=REVIEW, value=0)
    assert config.get(world.district, REVIEW) == 1

    client.force_login(user_with_role(Role.SYSTEM_ADMIN, world.district))
    page = client.get(reverse("orgs:rules", args=[world.district.pk])).content.decode()
    article = page.split('id="rule-proposals-review_working_days"')[1].split("</article>")[0]
    assert "所存的值0超出允许范围（1至365），现按1办理" in article


def test_a_working_day_count_beyond_twenty_years_is_refused_at_once():
    started = time.monotonic()
    for n in (10**6, -(10**6), 10**20):
        with pytest.raises(ValueError):
            calendar.add_working_days(dt.date(2026, 3, 2), n)
    assert time.monotonic() - started < 1


# --- Rules kept in order ---------------------------------------------------------------------


@pytest.mark.clause("C5.7")
@time_machine.travel(TODAY)
def test_a_grade_threshold_out_of_order_is_refused_naming_the_other_grade(client, tree):
    _city, east = tree
    client.force_login(user_with_role(Role.SYSTEM_ADMIN, east))
    response = post(client, east, EXCELLENT, "50")
    assert response.status_code == 400
    assert (
        "与履职考核“良好”最低分冲突：履职考核“优秀”最低分须高于履职考核“良好”最低分，"
        "施行后二者将分别为50和80。"
    ) in response.content.decode()
    assert typed_back(response, EXCELLENT) == "50"
    assert config.get(east, EXCELLENT) == 90
    # Equal is out of order too; past the lowest grade as well.
    assert post(client, east, EXCELLENT, "80").status_code == 400
    # Above both higher grades: the nearest one is named.
    response = post(client, east, COMPETENT, "95")
    assert "须低于履职考核“良好”最低分，施行后二者将分别为95和80。" in response.content.decode()
    # In order: saved.
    assert post(client, east, EXCELLENT, "81").status_code == 302
    assert config.get(east, EXCELLENT) == 81


@pytest.mark.clause("C5.7")
@time_machine.travel(TODAY)
def test_the_order_holds_on_later_days_and_below(tree):
    city, east = tree
    # A change the city scheduled is in force at the district from its day on.
    config.set_value(city, GOOD, 85, actor=None, effective_from=dt.date(2027, 1, 1))
    with pytest.raises(ValidationError, match="自2027年1月1日起二者将分别为84和85"):
        config.set_value(east, EXCELLENT, 84, actor=None)
    # The district keeps its own 良好; the city may not lower 优秀 under it.
    config.set_value(east, GOOD, 88, actor=None, effective_from=dt.date(2027, 1, 1))
    with pytest.raises(ValidationError, match="与下级组织东区政协的履职考核“良好”最低分冲突"):
        config.set_value(city, EXCELLENT, 87, actor=None)
    assert config.get(city, EXCELLENT) == 90
    # Restoring the district's 优秀 to the city's is refused when it would break the order.
    config.set_value(east, EXCELLENT, 95, actor=None)
    config.set_value(east, GOOD, 92, actor=None)
    with pytest.raises(ValidationError, match="须高于履职考核“良好”最低分"):
        config.restore_inherited(east, EXCELLENT, actor=None)
    assert config.get(east, EXCELLENT) == 95


@time_machine.travel(TODAY)
def test_the_absence_warning_may_not_come_before_the_reminder(tree):
    _city, east = tree
    config.set_value(east, "duty.discipline_absence_warning", 1, actor=None)  # equal: allowed
    with pytest.raises(ValidationError, match="须提醒谈话不能高于年度无故缺席全体会议几次须警告"):
        config.set_value(east, "duty.discipline_absence_reminder", 2, actor=None)


# --- Withdrawing a scheduled change ----------------------------------------------------------


@time_machine.travel(TODAY)
def test_withdrawing_a_scheduled_change_says_what_was_withdrawn(client, tree):
    _city, east = tree
    client.force_login(user_with_role(Role.SYSTEM_ADMIN, east))
    assert post(client, east, REVIEW, "20", effective_from=dt.date(2099, 1, 1)).status_code == 302
    page = client.get(reverse("orgs:rules", args=[east.pk])).content.decode()
    article = page.split('id="rule-proposals-review_working_days"')[1].split("</article>")[0]
    assert "撤销拟施行的调整" in article and "恢复继承（删除本组织设置" not in article

    response = restore(client, east, REVIEW)
    assert response.status_code == 302
    event = Event.objects.get(verb="config.restore", organisation=east)
    assert event.note == "审查时限（工作日）：撤销了拟于2099年1月1日施行的调整（10 → 20）。"
    assert "施行）" not in event.note  # not "10 → 10（自2026年3月2日起施行）"
    assert config.get(east, REVIEW, on=dt.date(2099, 1, 1)) == 10
    page = client.get(reverse("orgs:rules", args=[east.pk])).content.decode()
    assert "撤销了拟于2099年1月1日施行的调整（10 → 20）" in page


@time_machine.travel(TODAY)
def test_restoring_an_own_value_with_a_change_scheduled_says_both(tree):
    city, east = tree
    config.set_value(city, REVIEW, 8, actor=None)
    config.set_value(east, REVIEW, 6, actor=None)
    config.set_value(east, REVIEW, 12, actor=None, effective_from=dt.date(2099, 1, 1))
    note = config.restore_inherited(east, REVIEW, actor=None)
    assert note == (
        "恢复继承上级设置。审查时限（工作日）：6 → 8（自2026年3月2日起施行）；"
        "同时撤销了拟于2099年1月1日施行的调整（6 → 12）。"
    )
    assert config.get(east, REVIEW) == 8
    assert config.get(east, REVIEW, on=dt.date(2099, 1, 1)) == 8
    # Nothing of its own left: a second restore is refused.
    with pytest.raises(ValidationError, match="无需恢复"):
        config.restore_inherited(east, REVIEW, actor=None)

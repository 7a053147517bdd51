"""提案号: the number format and the moment a number is given are rules of each organisation
(rules.NUMBER_FORMAT_*, rules.NUMBER_AT); a proposal keeps the number it was given."""

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse

from tests.factories import MemberFactory, UserFactory, user_with_role
from tests.proposals.conftest import PROPOSAL_TEXT, submitted
from xieshang.orgs import config
from xieshang.orgs.models import Role, RoleAssignment
from xieshang.proposals import numbering, rules, services
from xieshang.proposals.models import Proposal

S = Proposal.Status
TODAY = dt.datetime(2026, 3, 2, 2, 0, tzinfo=dt.UTC)  # a Monday, between sessions
PLENARY_DAY = dt.datetime(2026, 1, 13, 2, 0, tzinfo=dt.UTC)  # the session's collection window


def admin(world):
    return user_with_role(Role.SYSTEM_ADMIN, world.district, full_name="系统管理员")


def set_rule(world, key, value, org=None, **kwargs):
    config.set_value(org or world.district, key, value, actor=admin(world), **kwargs)


def submitted_in(org, username="other"):
    """A proposal of a member of `org`, submitted through the services."""
    user = UserFactory(username=username, full_name="赵委员")
    RoleAssignment.objects.create(user=user, organisation=org, role=Role.MEMBER)
    member = MemberFactory(organisation=org, name="赵委员", user=user)
    proposal = services.proposal_create(actor=user, organisation=org, cosigners=[], **PROPOSAL_TEXT)
    services.proposal_submit(proposal=proposal, actor=user)
    proposal.refresh_from_db()
    assert proposal.first_proposer_id == member.pk
    return proposal


# --- Formats ----------------------------------------------------------------------------------


def test_the_default_formats_render_todays_numbers():
    plenary = config.RULES[rules.NUMBER_FORMAT_PLENARY].default
    interim = config.RULES[rules.NUMBER_FORMAT_INTERIM].default
    values = {"届": "十五", "次": "三", "年": 2026, "号": 12}
    assert numbering.render(plenary, values, numbering.PLENARY_PLACEHOLDERS) == (
        "第十五届第三次会议第0012号"
    )
    assert numbering.render(interim, {**values, "号": 3}, numbering.INTERIM_PLACEHOLDERS) == (
        "2026年平时提案第0003号"
    )
    # Unpadded, padded to another width, a full-width colon as a clerk may type it.
    assert numbering.render("{年}-{号}", values, numbering.INTERIM_PLACEHOLDERS) == "2026-12"
    assert numbering.render("{号:3}/{号：05}", values, ("号",)) == "012/00012"


@pytest.mark.clause("C4.6")
@time_machine.travel(TODAY)
def test_proposals_numbered_with_the_default_formats_keep_todays_numbers(world):
    assert submitted(world).number == "2026年平时提案第0001号"
    assert submitted(world, key="wang").number == "2026年平时提案第0002号"
    with time_machine.travel(PLENARY_DAY):
        assert submitted(world, key="li").number == "第十五届第五次会议第0001号"


@pytest.mark.clause("C4.6")
@time_machine.travel(TODAY)
def test_a_districts_own_format_applies_to_its_new_proposals_only(world):
    older = submitted(world)
    set_rule(world, rules.NUMBER_FORMAT_INTERIM, "示范区政协{年}年第{号:03}号提案")
    newer = submitted(world, key="wang")
    elsewhere = submitted_in(world.other_district)

    assert newer.number == "示范区政协2026年第002号提案"  # the series goes on
    older.refresh_from_db()
    assert older.number == "2026年平时提案第0001号"  # a change never rewrites a number
    assert elsewhere.number == "2026年平时提案第0001号"  # the other district keeps the default


@pytest.mark.clause("C4.6")
@time_machine.travel(TODAY)
def test_a_format_scheduled_for_later_applies_from_that_day(world):
    set_rule(
        world,
        rules.NUMBER_FORMAT_INTERIM,
        "{年}年第{号}号",
        effective_from=dt.date(2026, 3, 9),
    )
    assert submitted(world).number == "2026年平时提案第0001号"
    with time_machine.travel(dt.datetime(2026, 3, 9, 2, 0, tzinfo=dt.UTC)):
        assert submitted(world, key="wang").number == "2026年第2号"


@pytest.mark.parametrize(
    ("key", "value", "message"),
    [
        (rules.NUMBER_FORMAT_INTERIM, "{年}年第{序号}号", "无法识别的占位符：{序号}"),
        # Between sessions there is no term or session to name.
        (rules.NUMBER_FORMAT_INTERIM, "第{届}届{年}年第{号}号", "无法识别的占位符：{届}"),
        (rules.NUMBER_FORMAT_PLENARY, "第{届:02}届第{号}号", "无法识别的占位符：{届:02}"),
        (rules.NUMBER_FORMAT_PLENARY, "第{届}届第{次}次会议", "须包含序号占位符{号}"),
        (rules.NUMBER_FORMAT_PLENARY, "第{届}届第{号号", "花括号须成对使用"),
        (rules.NUMBER_FORMAT_INTERIM, "", "须包含序号占位符{号}"),
        (rules.NUMBER_FORMAT_INTERIM, "政" * 56 + "{号:04}", "超过60个字符"),
    ],
)
@time_machine.travel(TODAY)
def test_an_invalid_format_is_refused_with_a_message(world, key, value, message):
    with pytest.raises(ValidationError) as refused:
        set_rule(world, key, value)
    assert message in " ".join(refused.value.messages)
    assert config.get(world.district, key) == config.RULES[key].default


@pytest.mark.clause("C4.6")
@time_machine.travel(TODAY)
def test_the_rules_page_lists_the_numbering_rules_and_refuses_an_invalid_format(client, world):
    client.force_login(admin(world))
    url = reverse("orgs:rules", args=[world.district.pk])
    page = client.get(url).content.decode()
    assert "平时提案编号格式" in page and "大会提案编号格式" in page
    assert '<select name="proposals-number_at-value"' in page
    assert "立案时编号" in page

    def post(key, value):
        prefix = key.replace(".", "-")
        return client.post(
            url,
            {
                "rule": key,
                f"{prefix}-value": value,
                f"{prefix}-effective_from": "2026-03-02",
                f"{prefix}-version": config.current_version(world.district, key),
            },
        )

    response = post(rules.NUMBER_FORMAT_INTERIM, "{年}年第{编号}号")
    assert response.status_code == 400
    body = response.content.decode()
    assert "无法识别的占位符：{编号}" in body
    assert "{年}年第{编号}号" in body  # what was typed is kept
    assert config.get(world.district, rules.NUMBER_FORMAT_INTERIM) == "{年}年平时提案第{号:04}号"

    assert post(rules.NUMBER_AT, "whenever").status_code == 400
    assert post(rules.NUMBER_FORMAT_INTERIM, "区{年}第{号}号").status_code == 302
    assert post(rules.NUMBER_AT, rules.NUMBER_AT_ACCEPTANCE).status_code == 302
    assert submitted(world).number == ""
    page = client.get(url).content.decode()
    assert "区{年}第{号}号" in page and "立案时编号" in page


# --- Numbered at acceptance -------------------------------------------------------------------


@pytest.mark.clause("C4.6")
@time_machine.travel(TODAY)
def test_numbered_at_acceptance_only_accepted_proposals_take_numbers_without_gaps(client, world):
    set_rule(world, rules.NUMBER_AT, rules.NUMBER_AT_ACCEPTANCE)
    first, second, third = (submitted(world, key=k) for k in ("zhang", "wang", "li"))
    assert [p.number for p in (first, second, third)] == ["", "", ""]
    assert {p.status for p in (first, second, third)} == {S.SUBMITTED}

    client.force_login(world.reviewer)
    queue = client.get(reverse("proposals:review_queue")).content.decode()
    assert first.title in queue and "—" in queue  # the review queue works without numbers

    reason = config.get(world.district, rules.REJECT_REASONS)[0]
    services.proposal_reject(proposal=first, actor=world.reviewer, reason=reason)
    services.proposal_accept(proposal=third, actor=world.reviewer)
    services.proposal_accept(proposal=second, actor=world.reviewer)
    for p in (first, second, third):
        p.refresh_from_db()

    assert (third.serial, third.number) == (1, "2026年平时提案第0001号")
    assert (second.serial, second.number) == (2, "2026年平时提案第0002号")
    assert (first.serial, first.number) == (None, "")
    page = client.get(first.get_absolute_url()).content.decode()
    assert "未编号" in page
    notice = world.user("li").notifications.filter(title__contains="已立案").get()
    assert "2026年平时提案第0001号" in notice.body


@pytest.mark.clause("C4.6")
@time_machine.travel(TODAY)
def test_numbered_at_acceptance_merged_and_converted_proposals_get_no_number(world):
    set_rule(world, rules.NUMBER_AT, rules.NUMBER_AT_ACCEPTANCE)
    into, merged, converted = (submitted(world, key=k) for k in ("zhang", "wang", "li"))
    services.proposal_merge(proposal=merged, into=into, actor=world.reviewer)
    services.proposal_convert(
        proposal=converted, to=S.TO_OPINION, actor=world.reviewer, note="属于具体工作建议。"
    )
    services.proposal_accept(proposal=into, actor=world.reviewer)
    for p in (into, merged, converted):
        p.refresh_from_db()
    assert [p.serial for p in (into, merged, converted)] == [1, None, None]
    # The proposer of the merged one was told without an empty number.
    notice = world.user("wang").notifications.filter(title__contains="并案").get()
    assert notice.body.startswith("并入《")


@pytest.mark.clause("C4.6")
@time_machine.travel(PLENARY_DAY)
def test_numbered_at_acceptance_a_plenary_proposal_stays_in_its_sessions_series(world):
    set_rule(world, rules.NUMBER_AT, rules.NUMBER_AT_ACCEPTANCE)
    proposal = submitted(world)
    assert proposal.kind == Proposal.Kind.PLENARY and proposal.number == ""
    # Accepted after the collection window closed: still the session's series.
    with time_machine.travel(TODAY):
        services.proposal_accept(proposal=proposal, actor=world.reviewer)
    proposal.refresh_from_db()
    assert proposal.number == "第十五届第五次会议第0001号"


@pytest.mark.clause("C4.6")
@time_machine.travel(TODAY)
def test_changing_the_mode_keeps_given_numbers_and_never_collides(world):
    early = submitted(world)  # numbered at submission
    set_rule(world, rules.NUMBER_AT, rules.NUMBER_AT_ACCEPTANCE)
    later = submitted(world, key="wang")
    assert (early.serial, later.serial) == (1, None)
    services.proposal_accept(proposal=later, actor=world.reviewer)
    services.proposal_accept(proposal=early, actor=world.reviewer)
    early.refresh_from_db()
    later.refresh_from_db()
    assert (early.number, later.number) == ("2026年平时提案第0001号", "2026年平时提案第0002号")
    # Back to numbering at submission: the series goes on after the accepted ones.
    set_rule(world, rules.NUMBER_AT, rules.NUMBER_AT_SUBMISSION)
    assert submitted(world, key="li").serial == 3
    # The database refuses a second proposal with a number already given in the series.
    with pytest.raises(IntegrityError), transaction.atomic():
        Proposal.objects.filter(pk=later.pk).update(serial=1)

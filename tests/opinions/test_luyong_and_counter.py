"""Two words for two things (docs/glossary.md): the office 录用 an item for its bulletin
(已录用待编发, then 已编发); a level 采用 it afterwards (被采用, 区级采用…). A member told "已录用"
in the inbox and shown "被采用：0" on 我的社情民意 reads both right. And the form counts the
body against its limit as it is typed, as the proposal form does."""

import re

import pytest
from playwright.sync_api import expect

from tests.conftest import login
from tests.opinions.factories import make_opinion
from xieshang.core.models import Notification
from xieshang.opinions import services
from xieshang.opinions.models import Opinion

pytestmark = pytest.mark.django_db
S = Opinion.Status


def test_the_office_luyong_an_item_and_the_member_is_told_so(client, world):
    member = world["member"]
    opinion = make_opinion(member, state=S.SUBMITTED)
    client.force_login(world["office"])
    html = client.get(f"/opinions/{opinion.pk}/").content.decode()
    assert ">录用</button>" in html and ">不予录用</button>" in html
    assert ">采用</button>" not in html
    client.post(f"/opinions/{opinion.pk}/accept/", {"note": ""})
    opinion.refresh_from_db()
    assert opinion.status == S.ACCEPTED

    told = Notification.objects.get(recipient=member.user)
    assert told.title == f"社情民意信息已录用：{opinion.title}"
    client.force_login(member.user)
    mine = client.get("/opinions/").content.decode()
    assert "已录用待编发" in mine
    # The count column is the adoptions by a level: 被采用, never the bare 采用.
    assert "<th>被采用</th>" in mine and "<th>采用</th>" not in mine


def test_an_item_not_accepted_is_not_luyong(client, world):
    member = world["member"]
    opinion = make_opinion(member, state=S.SUBMITTED)
    services.opinion_reject(opinion=opinion, actor=world["office"], reason="与已编发信息重复")
    told = Notification.objects.get(recipient=member.user)
    assert told.title == f"社情民意信息不予录用：{opinion.title}"
    client.force_login(member.user)
    assert "不予录用" in client.get(f"/opinions/{opinion.pk}/").content.decode()


def test_the_form_counts_the_three_parts_against_the_limit(client, world):
    client.force_login(world["member"].user)
    html = client.get("/opinions/new/").content.decode()
    assert 'id="body-count" data-max="1500"' in html
    assert "xs/proposals.js" in html
    # The three parts of the body, not the title.
    parts = re.findall(r'<textarea name="(\w+)"[^>]*data-body-part="1"', html)
    assert parts == ["facts", "analysis", "suggestions"]
    assert html.count("data-body-part") == 3


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_counter_runs_as_a_member_types_on_a_phone(phone_page, world):
    member = world["member"]
    member.user.username = "zhang"
    member.user.save()
    page = phone_page
    login(page, "zhang")
    page.goto(page.base_url + "/opinions/new/")
    counter = page.locator("#body-count")
    expect(counter).to_have_text("正文 0 / 1500 字")
    page.get_by_label("标题").fill("关于增设公交候车亭的建议")
    page.get_by_label("基本情况").fill("新建小区门口公交站没有候车亭。")  # 15
    page.get_by_label("意见建议").fill("建议增设候车亭。")  # 8
    expect(counter).to_have_text("正文 23 / 1500 字")
    expect(counter).not_to_have_class("small text-danger fw-bold")
    page.get_by_label("问题分析").fill("多" * 1478)
    expect(counter).to_have_text("正文 1501 / 1500 字")
    expect(counter).to_have_class("small text-danger fw-bold")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.screenshot(path="/tmp/h/opinion_counter_390.png", full_page=True)

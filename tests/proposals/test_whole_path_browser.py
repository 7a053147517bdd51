"""The whole life of a joint proposal, clicked through in a real Chromium by each person in
turn (C4.5, C4.6): draft and co-sign, acceptance and assignment to a lead and a co-handler,
the department's contact and B answer, an unsatisfied rating, re-handling, a second answer
rated satisfied, and publication on the portal without contact details."""

import datetime as dt
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.conftest import login
from tests.pickers import pick
from tests.proposals.conftest import World
from xieshang.proposals import services
from xieshang.proposals.models import Proposal

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TITLE = "关于在老旧小区推广加装电梯的建议"


def as_user(browser, live_server, username):
    context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    context.set_default_timeout(15000)
    page = context.new_page()
    page.base_url = live_server.url
    login(page, username)
    return context, page


def answer(page, category: str, text: str, *, confirm_no_contact: bool = False) -> None:
    form = page.locator("form[action$='/answer/']")
    if confirm_no_contact:
        # No contact recorded (in this round): the page warns, the clerk confirms on purpose.
        expect(page.locator("#no-contact-warning")).to_be_visible()
        form.get_by_label("本单位尚未与提案人联系，确认不经联系直接答复").check()
    form.get_by_label("办理结果分类").select_option(value=category)
    form.get_by_label("答复内容").fill(text)
    if not form.get_by_label("签发领导").input_value():
        form.get_by_label("签发领导").fill("王局长")
    form.get_by_label("联系人").fill("赵科长")
    form.get_by_label("联系电话").fill("0371-66881234")
    form.get_by_role("button", name="提交答复").click()
    expect(page.locator("section[aria-labelledby=answer-title]")).to_contain_text(f"{category}类")


def rate(page, process: str, result: str, comment: str = "") -> None:
    form = page.locator("form[action*='/rate/']").first
    form.locator("fieldset", has_text="对办理过程的评价").get_by_label(process, exact=True).check()
    form.locator("fieldset", has_text="对办理结果的评价").get_by_label(result, exact=True).check()
    if comment:
        form.get_by_label("意见").fill(comment)
    form.get_by_role("button", name="提交评价").click()
    page.wait_for_load_state()


@pytest.mark.clause("C4.5", "C4.6")
def test_a_joint_proposal_from_draft_to_published_answer(browser, live_server):
    world = World()
    for key in ("zhang", "wang"):
        world.user(key).set_password("Xieshang@2026")
        world.user(key).save()

    # 1. 张丽华 drafts a joint proposal with 王建国 and submits it.
    ctx, page = as_user(browser, live_server, "zhang")
    page.goto(live_server.url + "/proposals/new/")
    page.get_by_label("案由").fill(TITLE)
    page.get_by_label("现状与问题").fill("我区老旧小区六层住宅楼大多没有电梯，老人上下楼困难。")
    page.get_by_label("原因分析").fill("资金分摊难、审批环节多。")
    page.get_by_label("具体建议").fill("简化审批，设立财政补贴，建立楼栋协商机制。")
    page.get_by_label("提案分类").select_option("社会建设")
    pick(page, "联名提案人", "王建国")
    page.get_by_role("button", name="保存并提交").click()
    expect(page.get_by_text("待联名确认").first).to_be_visible()
    proposal = Proposal.objects.get(title=TITLE)
    ctx.close()

    # 2. The co-signer confirms in the system; only then does it go to review.
    ctx, page = as_user(browser, live_server, "wang")
    page.goto(f"{live_server.url}/proposals/{proposal.pk}/")
    page.get_by_role("button", name="确认联名").click()
    expect(page.get_by_text("待审查").first).to_be_visible()
    ctx.close()

    # 3. The proposal committee accepts it and assigns a lead and a co-handler.
    ctx, page = as_user(browser, live_server, world.reviewer.username)
    page.goto(f"{live_server.url}/proposals/{proposal.pk}/")
    page.locator("#form-accept").get_by_role("button", name="立案").click()
    expect(page.get_by_text("已立案").first).to_be_visible()
    assign = page.locator("#form-assign")
    pick(page, "主办单位", "区住房和城乡建设局", within=assign, typed="住房")
    pick(page, "协办／分办单位", "区教育局", within=assign)
    assign.get_by_role("button", name="交办").click()
    expect(page.get_by_text("办理中").first).to_be_visible()
    ctx.close()

    # 4. The lead department records a face-to-face contact and answers with category B.
    ctx, page = as_user(browser, live_server, world.housing_clerk.username)
    page.goto(live_server.url + "/proposals/dept/")
    page.get_by_role("link", name=TITLE).click()
    page.get_by_text("记录联系情况", exact=True).click()  # a folded section of the page
    contact = page.locator("form[action$='/contact/']")
    contact.get_by_label("联系日期").fill(timezone.localdate().isoformat())
    contact.get_by_label("联系方式").select_option(label="面商")
    contact.get_by_label("沟通情况").fill("与提案人面商，听取意见。")
    contact.get_by_role("button", name="保存联系记录").click()
    expect(page.locator("#contacts")).to_contain_text("面商 — 与提案人面商，听取意见。")
    answer(page, "B", "已将加装电梯补贴列入明年计划，正在制定办法。")
    ctx.close()

    # 5. The proposer is not satisfied with the result.
    ctx, page = as_user(browser, live_server, "zhang")
    page.goto(f"{live_server.url}/proposals/{proposal.pk}/")
    rate(page, "满意", "不满意", "补贴标准尚未明确，希望尽快出台。")
    ctx.close()

    # 6. The committee orders re-handling.
    ctx, page = as_user(browser, live_server, world.reviewer.username)
    page.goto(f"{live_server.url}/proposals/{proposal.pk}/")
    rehandle = page.locator("#form-rehandle")
    rehandle.locator("textarea, input[type=text]").first.fill("请明确补贴标准后再次答复。")
    rehandle.get_by_role("button", name="重新办理").click()
    expect(page.get_by_text("办理中").first).to_be_visible()
    ctx.close()

    # 7. The department answers again, this time A.
    ctx, page = as_user(browser, live_server, world.housing_clerk.username)
    page.goto(live_server.url + "/proposals/dept/")
    page.get_by_role("link", name=TITLE).first.click()
    expect(page.locator("#rehandle-order")).to_contain_text("请明确补贴标准后再次答复。")
    answer(page, "A", "已出台补贴办法：每部电梯补贴二十万元。", confirm_no_contact=True)
    ctx.close()

    # 8. Now the proposer is satisfied.
    ctx, page = as_user(browser, live_server, "zhang")
    page.goto(f"{live_server.url}/proposals/{proposal.pk}/")
    rate(page, "满意", "满意")
    ctx.close()
    proposal.refresh_from_db()
    assert proposal.rehandled is True
    assert set(
        proposal.assignments.filter(answers__isnull=False).values_list("round", flat=True)
    ) == {1, 2}

    # 9. Twenty working days after the answer it is public, without contact details.
    published = services.publish_due(today=timezone.localdate() + dt.timedelta(days=40))
    assert published == 1
    ctx = browser.new_context(locale="zh-CN")
    page = ctx.new_page()
    page.goto(f"{live_server.url}/portal/proposals/{proposal.pk}/")
    expect(page.get_by_role("heading", name=re.compile(TITLE))).to_be_visible()
    body = page.content()
    assert "每部电梯补贴二十万元" in body
    assert "0371-66881234" not in body and "赵科长" not in body
    assert "张丽华" in body  # proposers are named in a publication, never their contacts
    ctx.close()

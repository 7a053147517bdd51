import io

import pytest
from django.utils import timezone
from pypdf import PdfReader

from tests.pickers import pick
from xieshang.consultation import services
from xieshang.consultation.models import ActivityForm, ConsultationPlan, Topic

from ..conftest import login
from .conftest import World


def switch_user(page, user) -> None:
    # Leave the site first: a request still in flight would set the session cookie again.
    page.goto("about:blank")
    page.context.clear_cookies()
    login(page, user.username)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
@pytest.mark.clause("C2.3")
@pytest.mark.clause("C2.2")
@pytest.mark.clause("C2.4")
def test_it_takes_a_residents_topic_into_a_published_plan(page):
    world = World()

    # A resident submits a topic on the public site, without logging in.
    page.goto(page.base_url + "/portal/topics/")
    page.get_by_label("向哪一级政协提出").select_option(label="示范区政协")
    page.get_by_label("议题建议").fill("背街小巷停车难问题")
    page.get_by_label("情况说明").fill(
        "城关街道背街小巷停车位严重不足，车辆乱停乱放影响通行和消防安全。"
    )
    page.get_by_label("您的称呼").fill("居民李先生")
    page.get_by_role("button", name="提交议题建议").click()
    ticket = page.locator("#ticket").inner_text()
    assert ticket.startswith("YT")

    # The office accepts it from the moderation queue.
    login(page, world.office.username)
    page.goto(page.base_url + "/consultation/topics/moderation/")
    page.get_by_role("link", name="背街小巷停车难问题").click()
    page.get_by_label("采纳为议题").check()
    page.get_by_label("重点领域").select_option(label="民生实事办理")
    page.get_by_label("议题类型").select_option(label="政治协商")
    page.get_by_role("button", name="提交审核").click()
    assert page.get_by_text("已采纳为议题。").is_visible()
    assert Topic.objects.get(ticket=ticket).status == Topic.Status.OPEN

    # The office drafts the plan, the first item from the resident's topic.
    page.goto(page.base_url + "/consultation/plans/")
    page.get_by_label("所属政协").select_option(label="示范区政协")
    next_year = timezone.localdate().year + 1  # the plan is drafted the year before
    page.get_by_label("年度").fill(str(next_year))
    page.get_by_role("button", name="创建计划草案").click()
    page.get_by_role("link", name="新增事项").click()
    # The open topics are searched on the server: type, then pick.
    pick(page, "来源议题", "背街小巷停车难问题", typed="停车难")
    page.get_by_label("协商形式").select_option(label="专题协商会")
    page.get_by_label("计划月份").select_option(label="3月")
    page.get_by_label("牵头政协领导").fill("刘副主席")
    page.get_by_role("button", name="保存事项").click()
    plan = ConsultationPlan.objects.get(year=next_year)
    for title, form, month in [
        ("民营经济发展协商座谈", ActivityForm.SYMPOSIUM, 5),
        ("河道生态治理对口协商", ActivityForm.COUNTERPART, 7),
        ("教育界界别协商", ActivityForm.SECTOR, 9),
        ("全会协商", ActivityForm.PLENARY, 1),
    ]:
        world.item(plan, title, form=form, month=month)
    page.reload()
    assert page.locator(".xs-check-supervision_share .badge").inner_text() == "未通过"

    # Submitting fails the democratic-supervision check; the office fixes it.
    page.get_by_role("button", name="报送下一环节").click()
    assert page.get_by_text("计划未通过检查，不能报送").is_visible()
    page.goto(page.base_url + f"/consultation/plans/{plan.pk}/")
    page.get_by_role("link", name="修改 河道生态治理对口协商").click()
    page.get_by_label("议题类型").select_option(label="民主监督")
    page.get_by_role("button", name="保存事项").click()
    assert page.locator(".xs-check-supervision_share .badge").inner_text() == "通过"
    page.get_by_label("意见", exact=True).fill("请会签")
    page.get_by_role("button", name="报送下一环节").click()
    assert "会签修改" in page.locator("#plan-status").inner_text()

    # Joint revision by the Party committee office, then the chairman's meeting sends it
    # back once with comments.
    switch_user(page, world.party_office)
    page.goto(page.base_url + f"/consultation/plans/{plan.pk}/")
    page.get_by_role("button", name="报送下一环节").click()
    assert "主席会议审议" in page.locator("#plan-status").inner_text()
    switch_user(page, world.chair)
    page.goto(page.base_url + f"/consultation/plans/{plan.pk}/")
    page.get_by_label("退回意见").fill("请将民营经济座谈调整到第二季度初。")
    page.get_by_role("button", name="退回修改").click()
    assert "会签修改" in page.locator("#plan-status").inner_text()
    switch_user(page, world.party_office)
    page.goto(page.base_url + f"/consultation/plans/{plan.pk}/")
    assert "请将民营经济座谈调整到第二季度初。" in page.locator("#plan-comments").inner_text()
    page.get_by_role("button", name="报送下一环节").click()
    switch_user(page, world.chair)
    page.goto(page.base_url + f"/consultation/plans/{plan.pk}/")
    page.get_by_role("button", name="报送下一环节").click()
    assert "党委常委会审定" in page.locator("#plan-status").inner_text()

    # The Party standing committee's approval publishes it.
    switch_user(page, world.standing)
    page.goto(page.base_url + f"/consultation/plans/{plan.pk}/")
    page.get_by_label("印发文号").fill("区委办发〔2026〕30号")
    asked = []
    page.once("dialog", lambda dialog: (asked.append(dialog.message), dialog.accept()))
    page.get_by_role("button", name="审定并印发").click()
    assert "已印发" in page.locator("#plan-status").inner_text()
    assert asked and "印发后计划内容不能再修改" in asked[0]
    plan.refresh_from_db()
    assert plan.status == ConsultationPlan.Status.PUBLISHED
    assert plan.versions.count() == 6

    # The published plan's PDF, read back.
    href = page.get_by_role("link", name="下载计划文件（PDF）").get_attribute("href")
    response = page.request.get(page.base_url + href)
    assert response.headers["content-type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.body()))
    text = "".join(p.extract_text() for p in reader.pages).replace("\n", "").replace(" ", "")
    assert "背街小巷停车难问题" in text
    assert "区委办发〔2026〕30号" in text
    assert services is not None


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
@pytest.mark.clause("C2.3")
def test_it_keeps_a_residents_text_on_a_phone_when_the_form_is_rejected(phone_page):
    World()
    page = phone_page
    page.goto(page.base_url + "/portal/topics/")
    page.get_by_label("议题建议").fill("公园厕所太少")
    page.get_by_label("情况说明").fill("太短")
    page.get_by_label("联系电话").fill("123")
    page.get_by_role("button", name="提交议题建议").click()
    assert page.locator("#public-error").is_visible()
    assert page.get_by_label("议题建议").input_value() == "公园厕所太少"
    assert page.get_by_label("情况说明").input_value() == "太短"
    assert page.get_by_text("联系电话应为手机号码或带区号的固定电话").is_visible()
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390

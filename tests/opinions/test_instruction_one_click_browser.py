"""Recording a leader's instruction on a 社情民意 item takes one click on 记录批示并交办 right
after choosing a unit, on a phone (a tap) and on a desktop (fix-opin): the units' list used to
stay open after a choice, lying over the button on a desktop (the click chose another unit)
and, on a phone, closing under the tap and moving the button away, so the first click only
closed the list."""

import pytest

from tests.factories import DepartmentFactory
from tests.opinions.factories import make_opinion
from xieshang.followups.models import Instruction
from xieshang.opinions.models import Opinion

from ..conftest import login


@pytest.mark.browser
@pytest.mark.clause("C4.7")
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("width", [390, 1366])
def test_one_click_records_the_instruction(browser, live_server, world, width):
    opinion = make_opinion(world["member"], office=world["office"], state=Opinion.Status.PUBLISHED)
    # Enough units that the list, left open after a choice, reaches past the button.
    for n in range(20):
        DepartmentFactory(organisation=world["district"], name=f"区第{n + 1}办理单位")
    context = browser.new_context(
        locale="zh-CN",
        viewport={"width": width, "height": 844},
        is_mobile=width < 576,
        has_touch=True,
    )
    context.set_default_timeout(15000)
    page = context.new_page()
    page.base_url = live_server.url
    try:
        login(page, world["office"].username)
        page.goto(live_server.url + opinion.get_absolute_url())
        page.locator("summary", has_text="记录领导批示").click()
        form = page.locator("#instruction-form")
        form.get_by_label("批示领导").fill("王海燕")
        form.get_by_label("批示内容").fill("请住建局研究落实。")
        box = form.locator(".ts-control input")
        box.click()
        box.press_sequentially("住房", delay=30)
        option = page.locator(".ts-dropdown .option", has_text="区住房和城乡建设局")
        option.click()
        expect_chosen = form.locator(".ts-control .item", has_text="区住房和城乡建设局")
        expect_chosen.wait_for()
        # A moment, as a person takes before moving to the button: the list refills for the
        # emptied box meanwhile (the server's answer), if it stays open.
        page.wait_for_timeout(600)
        button = form.get_by_role("button", name="记录批示并交办")
        button.scroll_into_view_if_needed()
        b = button.bounding_box()
        x, y = b["x"] + b["width"] / 2, b["y"] + b["height"] / 2
        # Where a person sees the button: one press there, as a finger or a mouse does it.
        if width < 576:
            page.touchscreen.tap(x, y)
        else:
            page.mouse.click(x, y)
        page.wait_for_url(f"**{opinion.get_absolute_url()}")
        page.get_by_text("请住建局研究落实。").first.wait_for()
        instruction = Instruction.objects.get()
        assert [d.name for d in instruction.departments.all()] == ["区住房和城乡建设局"]
    finally:
        context.close()

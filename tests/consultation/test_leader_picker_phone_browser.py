"""On a phone (390 px), the invited leader's account picker keeps its place: choosing a long
account label (姓名（账号，单位）) and leaving the picker does not move the form's button, and
the table of leaders, with its hint about namesake accounts, fits the screen."""

import pytest

from tests.conftest import login
from tests.factories import user_with_role
from tests.pickers import pick
from xieshang.orgs.models import Role

# The button's place on the page (not on the screen, which scrolls), and the page's width.
WHERE = """(button) => ({
  top: Math.round(button.getBoundingClientRect().top + window.scrollY),
  width: document.documentElement.scrollWidth,
})"""


@pytest.mark.browser
@pytest.mark.clause("C2.5")
@pytest.mark.django_db(transaction=True)
def test_the_leader_account_picker_keeps_its_button_in_place_on_a_phone(
    phone_page, world, leader_activity
):
    activity = leader_activity()
    # A namesake of the invited 李书记: the row offers it (a hint and a button) to confirm.
    user_with_role(Role.ORGANISATION_DEPT, world.district, full_name="李书记", username="lisj")
    user_with_role(
        Role.DEPARTMENT,
        world.district,
        department=world.housing,
        full_name="欧阳建国书记",
        username="ouyangjianguo2026",
    )
    world.office.username = "office_x"
    world.office.save()
    page = phone_page
    login(page, "office_x")
    page.goto(f"{page.base_url}/consultation/activities/{activity.pk}/")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    section = page.locator("#leader-accounts")
    button = section.get_by_role("button", name="关联账号")
    box = section.get_by_role("combobox", name="选择账号")
    pick(
        page,
        "选择账号",
        "欧阳建国书记（ouyangjianguo2026，区住房和城乡建设局）",
        within=section,
        typed="欧阳",
    )
    page.wait_for_timeout(300)
    focused = button.evaluate(WHERE)
    box.blur()
    page.wait_for_timeout(300)
    assert button.evaluate(WHERE) == focused
    box.focus()
    page.wait_for_timeout(300)
    page.keyboard.press("Escape")
    assert button.evaluate(WHERE) == focused
    page.mouse.click(200, 10)  # a tap elsewhere
    page.wait_for_timeout(300)
    assert button.evaluate(WHERE) == focused
    assert focused["width"] <= 390

"""The search-as-you-type pickers in a real browser, under the site's strict CSP: a
department found by its pinyin initials and picked with the keyboard, two co-signers found
by part of their names."""

import pytest
from playwright.sync_api import expect

from tests.conftest import login
from tests.factories import DepartmentFactory, MemberFactory, seat
from tests.pickers import pick
from tests.proposals.conftest import PROPOSAL_TEXT, World, accepted
from tests.test_browser_crawl import AXE, RUN_AXE
from xieshang.proposals.models import Proposal

# Enough departments that the single "lead" select is long enough to become a picker.
MORE_DEPARTMENTS = [
    "区发展和改革局",
    "区科学技术局",
    "区民政局",
    "区司法局",
    "区财政局",
    "区交通运输局",
    "区水利局",
    "区农业农村局",
    "区商务局",
    "区文化和旅游局",
    "区卫生健康委员会",
    "区审计局",
]


def watch_console(page) -> list[str]:
    """Errors the page reports: CSP violations land in the console, script failures as
    page errors."""
    problems: list[str] = []

    def console(message):
        # A form sent back with errors answers 400, which the console notes; not a fault.
        if message.type == "error" and "status of 400" not in message.text:
            problems.append(message.text)

    page.on("console", console)
    page.on("pageerror", lambda e: problems.append(str(e)))
    return problems


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_committee_finds_a_department_by_its_initials_and_assigns_with_the_keyboard(page):
    world = World()
    for name in MORE_DEPARTMENTS:
        DepartmentFactory(organisation=world.district, name=name)
    proposal = accepted(world)
    problems = watch_console(page)
    login(page, world.reviewer.username)
    page.goto(f"{page.base_url}/proposals/{proposal.pk}/")
    assign = page.locator("#form-assign")
    # The picker's text box is announced by the field's label; reached with the keyboard.
    assign.get_by_role("combobox", name="主办单位").focus()
    page.keyboard.type("qcz")  # 区财政局: qu cai zheng
    listbox = page.locator("#id_assign-lead-ts-dropdown")
    expect(listbox.get_by_role("option")).to_have_text(["区财政局"])
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    # The form's own select holds the choice (it is what the form posts).
    assert assign.locator("#id_assign-lead").input_value() == str(
        world.district.departments.get(name="区财政局").pk
    )
    page.keyboard.press("Tab")  # on to the next picker
    expect(assign.get_by_role("combobox", name="协办／分办单位")).to_be_focused()
    expect(page.locator("#id_assign-others-ts-dropdown")).to_be_visible()  # opens on focus
    page.keyboard.type("jiaoyu")
    expect(page.locator("#id_assign-others-ts-dropdown").get_by_role("option")).to_have_text(
        ["区教育局"]
    )
    page.keyboard.press("Enter")
    page.keyboard.press("Escape")  # the list stays open for more choices until closed
    assign.get_by_role("button", name="交办").click()
    expect(page.get_by_text("办理中").first).to_be_visible()
    proposal.refresh_from_db()
    assert {a.department.name for a in proposal.assignments.all()} == {"区财政局", "区教育局"}
    assert "区财政局" in page.inner_text("main")
    assert problems == []


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_late_answer_does_not_reopen_a_list_the_user_closed(page):
    """A choice empties the box, and the picker asks the server for the whole list again; on
    a slow server that answer comes after the user pressed Escape and moved to the form's
    button: it must not open the list again over that button."""
    world = World()
    DepartmentFactory(organisation=world.district, name="区财政局")
    proposal = accepted(world)
    login(page, world.reviewer.username)
    held = []

    def hold_the_unfiltered_list(route):
        if "q=&" in route.request.url + "&":  # the whole list, asked for after a choice
            held.append(route)
        else:
            route.continue_()

    page.route("**/pickers/**", hold_the_unfiltered_list)
    page.goto(f"{page.base_url}/proposals/{proposal.pk}/")
    others = page.get_by_role("combobox", name="协办／分办单位")
    dropdown = page.locator("#id_assign-others-ts-dropdown")
    others.focus()
    page.keyboard.type("jiaoyu")
    expect(dropdown.get_by_role("option")).to_have_text(["区教育局"])
    page.keyboard.press("Enter")
    page.keyboard.press("Escape")
    expect(dropdown).to_be_hidden()
    page.wait_for_timeout(500)  # the picker waits 150 ms after the last change to ask
    assert held, "the whole list was not asked for after the choice"
    for route in held:
        route.continue_()
    page.wait_for_load_state("networkidle")
    page.wait_for_timeout(300)
    expect(dropdown).to_be_hidden()
    # Typing again opens it as before.
    page.keyboard.type("caizheng")
    expect(dropdown.get_by_role("option")).to_have_text(["区财政局"])


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_member_picks_two_cosigners_by_typing_part_of_their_names(page):
    world = World()
    # A longer list, as in a real committee: the two wanted are found by typing.
    for name in ["王建军", "李明华", "赵志刚", "钱学文", "孙丽萍"]:
        seat(MemberFactory(organisation=world.district, name=name), world.term)
    problems = watch_console(page)
    page.context.add_init_script(path=str(AXE))  # not subject to the page's CSP
    login(page, "zhang")
    page.goto(page.base_url + "/proposals/new/")
    page.get_by_label("案由").fill(PROPOSAL_TEXT["title"])
    page.get_by_label("现状与问题").fill(PROPOSAL_TEXT["facts"])
    page.get_by_label("原因分析").fill(PROPOSAL_TEXT["analysis"])
    picker = page.get_by_role("combobox", name="联名提案人")
    dropdown = page.locator("#id_cosigners-ts-dropdown")
    picker.click()
    # The list opens with the first answer from the server; wait for it, then type.
    expect(dropdown.get_by_role("option").first).to_be_visible()
    expect(page.locator(".ts-wrapper.loading")).to_have_count(0)
    page.keyboard.type("建国")
    expect(dropdown.get_by_role("option")).to_have_text(["王建国（示范区政协）"])
    page.keyboard.press("Enter")
    page.keyboard.type("lm")  # 李明 and 李明华 by their initials
    # The server answers in its own order (official stroke order): both, whichever first.
    expect(dropdown.get_by_role("option")).to_have_count(2)
    found = sorted(dropdown.get_by_role("option").all_inner_texts())
    assert found == sorted(["李明（示范区政协）", "李明华（示范区政协）"])  # with the member label
    # axe-core, as the accessibility crawl runs it, on the picker with its list open.
    findings = [
        v
        for v in page.evaluate(RUN_AXE)
        if any("ts-" in t or "cosigners" in t for t in v["targets"])
    ]
    assert findings == []
    dropdown.get_by_role("option", name="李明（示范区政协）", exact=True).click()
    page.keyboard.press("Escape")
    chosen = page.locator("#id_cosigners option:checked")
    expect(chosen).to_have_text(["王建国（示范区政协）", "李明（示范区政协）"])
    # Submitted without suggestions: the form comes back, the picker still holds both.
    page.get_by_role("button", name="保存并提交").click()
    expect(page.locator(".alert-danger").first).to_be_visible()
    expect(page.locator("#id_cosigners + .ts-wrapper .item")).to_have_text(
        ["王建国（示范区政协）×", "李明（示范区政协）×"]
    )
    page.get_by_label("具体建议").fill(PROPOSAL_TEXT["suggestions"])
    page.get_by_label("提案分类").select_option(PROPOSAL_TEXT["category"])
    page.get_by_role("button", name="保存并提交").click()
    expect(page.get_by_text("待联名确认").first).to_be_visible()
    proposal = Proposal.objects.get(first_proposer=world.members["zhang"])
    assert sorted(s.member.name for s in proposal.signers.all()) == ["李明", "王建国"]
    assert problems == []


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_assignment_board_picks_a_department_inside_its_table_on_a_phone(phone_page):
    world = World()
    for name in MORE_DEPARTMENTS:
        DepartmentFactory(organisation=world.district, name=name)
    proposal = accepted(world)
    page = phone_page
    problems = watch_console(page)
    login(page, world.reviewer.username)
    page.goto(page.base_url + "/proposals/board/")
    # Opened with nothing typed, the list starts with the choice of no department, then
    # the server's suggestions (the empty choice used to tie with the first answer).
    box = page.get_by_role("combobox", name=f"主办单位 {proposal.number}")
    box.focus()
    listbox = page.locator(f"#{box.get_attribute('aria-controls')}")
    expect(listbox.get_by_role("option").nth(1)).to_be_visible()
    expect(listbox.get_by_role("option").first).to_have_text("（不交办）")
    assert listbox.get_by_role("option").all_inner_texts().count("（不交办）") == 1
    page.keyboard.press("Escape")
    box.blur()
    pick(page, f"主办单位 {proposal.number}", "区财政局", typed="czj")
    page.get_by_role("button", name="全部交办").click()
    expect(page.get_by_role("status").or_(page.locator(".alert-success")).first).to_be_visible()
    proposal.refresh_from_db()
    assert [a.department.name for a in proposal.assignments.all()] == ["区财政局"]
    assert problems == []

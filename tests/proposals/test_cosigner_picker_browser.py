"""A co-signer typed straight after tapping the picker (issue: the wrong co-signer saved).

The picker asks the server for its unfiltered list when it is focused and for the typed text
after a pause in typing; on a phone the answers come back late and in any order. The list
must always be the answer for the text in the box: until that answer is in, Enter and a tap
take nobody, and an answer for an older text (the unfiltered list) never stands in for it.
The network is held in the test (page.route) so the race is the same on every run."""

import pytest
from playwright.sync_api import expect

from tests.conftest import login
from tests.factories import MemberFactory, seat
from tests.proposals.conftest import PROPOSAL_TEXT, World
from xieshang.proposals.models import Proposal

# In the server's (stroke) order 卜 and 于 come first, 赵 further down.
NAMES = ["卜悦嘉", "于信安", "赵楠", "钱学文", "孙丽萍"]


class HeldPickerAnswers:
    """The picker's requests, held until the test lets each one through."""

    def __init__(self, page):
        self.page = page
        self.held = []
        page.route("**/pickers/proposal-cosigners/**", lambda route: self.held.append(route))

    def wait_for(self, typed: str):
        for _ in range(100):
            for route in self.held:
                if self.query(route) == typed:
                    return route
            self.page.wait_for_timeout(50)
        raise AssertionError(f"no request for {typed!r}: {[self.query(r) for r in self.held]}")

    @staticmethod
    def query(route) -> str:
        from urllib.parse import parse_qs, urlsplit

        return parse_qs(urlsplit(route.request.url).query).get("q", [""])[0]

    def answer(self, typed: str):
        route = self.wait_for(typed)
        self.held.remove(route)
        route.continue_()


@pytest.fixture
def cosigners_page(phone_page):
    world = World()
    for name in NAMES:
        seat(MemberFactory(organisation=world.district, name=name), world.term)
    login(phone_page, "zhang")
    phone_page.goto(phone_page.base_url + "/proposals/new/")
    for label, field in [("案由", "title"), ("现状与问题", "facts"), ("具体建议", "suggestions")]:
        phone_page.get_by_label(label).fill(PROPOSAL_TEXT[field])
    return phone_page


def chosen(page):
    return page.locator("#id_cosigners option:checked")


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_name_typed_straight_after_tapping_is_the_one_saved(cosigners_page):
    page = cosigners_page
    network = HeldPickerAnswers(page)
    box = page.get_by_role("combobox", name="联名提案人")
    options = page.locator("#id_cosigners-ts-dropdown").get_by_role("option")
    box.tap()
    network.wait_for("")  # the unfiltered list is on its way
    box.fill("赵楠")  # typed (or pasted) at once
    network.answer("")  # the unfiltered list comes back first
    page.wait_for_timeout(300)  # the picker has had time to draw it
    # Enter takes nobody (it took 卜悦嘉, the top of the unfiltered list): the list is
    # not the answer for what is typed, so it is empty.
    page.keyboard.press("Enter")
    expect(chosen(page)).to_have_count(0)
    expect(options).to_have_count(0)
    # The search for 赵楠 goes out and its answer is the list.
    network.answer("赵楠")
    expect(options).to_have_text(["赵楠（示范区政协）"])
    page.keyboard.press("Enter")
    expect(chosen(page)).to_have_text(["赵楠（示范区政协）"])
    page.keyboard.press("Escape")
    page.get_by_role("button", name="保存草稿").click()
    expect(page.get_by_text("草稿已保存").first).to_be_visible()
    proposal = Proposal.objects.get(title=PROPOSAL_TEXT["title"])
    assert [s.member.name for s in proposal.signers.all()] == ["赵楠"]


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_first_option_tapped_at_once_is_the_typed_name_and_a_late_list_is_ignored(
    cosigners_page,
):
    page = cosigners_page
    network = HeldPickerAnswers(page)
    box = page.get_by_role("combobox", name="联名提案人")
    options = page.locator("#id_cosigners-ts-dropdown").get_by_role("option")
    box.tap()
    network.wait_for("")
    box.fill("赵")
    network.wait_for("赵")
    box.fill("赵楠")
    # The newest text is answered first; the older answers arrive after it.
    network.answer("赵楠")
    expect(options).to_have_text(["赵楠（示范区政协）"])
    network.answer("赵")
    network.answer("")
    page.wait_for_timeout(300)
    expect(options).to_have_text(["赵楠（示范区政协）"])
    options.first.tap()
    expect(chosen(page)).to_have_text(["赵楠（示范区政协）"])

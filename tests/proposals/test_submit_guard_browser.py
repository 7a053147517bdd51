"""A posted form is sent once (site.js): a double click on 保存并提交 while the first post is
still on its way made two proposals. The buttons lock after the submit event, so the clicked
button's name and value still go with the post (保存草稿 / 保存并提交 share name="do");
a search or filter form (GET) never locks; the back button brings the form back usable."""

import re
import time

import pytest

from tests.conftest import login
from xieshang.proposals import services
from xieshang.proposals.models import Proposal

TITLE = "关于增设社区托育点的建议"


@pytest.fixture
def slow_create(monkeypatch):
    """Saving a proposal takes a second, as on a busy server: a second click lands while
    the first post is still being answered."""
    original = services.proposal_create

    def slow(*args, **kwargs):
        time.sleep(1.0)
        return original(*args, **kwargs)

    monkeypatch.setattr(services, "proposal_create", slow)


def fill_draft(page):
    page.goto(page.base_url + "/proposals/new/")
    page.get_by_label("案由").fill(TITLE)
    page.get_by_label("现状与问题").fill("我区普惠托育点少，双职工家庭难以照护。")
    page.get_by_label("具体建议").fill("在每个街道至少设一处普惠托育点。")
    page.get_by_label("提案分类").select_option(label="社会建设")


def buttons(page) -> list[tuple[str, bool]]:
    """The draft form's submit buttons: (text, disabled). Read by a script, which does not
    wait for the navigation a held post leaves pending."""
    return [
        tuple(b)
        for b in page.evaluate(
            "Array.from(document.querySelectorAll('button[name=do]'),"
            " b => [b.textContent.trim(), b.disabled])"
        )
    ]


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_second_click_on_save_and_submit_files_no_second_proposal(page, world, slow_create):
    login(page, "zhang")
    fill_draft(page)
    # Two clicks a moment apart, as an impatient finger makes them (two clicks within the
    # same instant are merged by Chromium into one navigation, guard or not). The mouse
    # is driven by position: Playwright's own click would wait for the button to be usable.
    button = page.get_by_role("button", name="保存并提交")
    button.scroll_into_view_if_needed()
    box = button.bounding_box()
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    page.mouse.click(x, y)
    page.wait_for_timeout(300)
    page.mouse.click(x, y)
    page.wait_for_url(re.compile(r"/proposals/\d+/$"))
    page.wait_for_load_state()
    time.sleep(1.5)  # a second post, had one gone, would be saved by now
    assert Proposal.objects.filter(title=TITLE).count() == 1


def answered_with_nothing(page, pattern: str) -> list[str]:
    """Requests to `pattern` are answered 204 No Content, as a post answered with a file
    is: the browser stays on the page, which the test then reads. Returns the bodies sent
    (a GET's query string), in order."""
    sent: list[str] = []

    def handle(route):
        request = route.request
        sent.append(request.post_data if request.method == "POST" else request.url)
        route.fulfill(status=204)

    page.route(pattern, handle)
    return sent


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_clicked_button_is_sent_and_the_back_button_unlocks(page, world):
    login(page, "zhang")
    fill_draft(page)
    sent = answered_with_nothing(page, "**/proposals/new/")
    page.get_by_role("button", name="保存草稿").click()
    page.wait_for_timeout(300)
    assert len(sent) == 1
    assert "do=save" in sent[0]
    # Until the page is left the buttons say so and take no click; Enter neither.
    assert buttons(page) == [("提交中…", True), ("保存并提交", True)]
    page.get_by_label("案由").press("Enter")
    page.get_by_role("button", name="保存并提交").dispatch_event("click")
    page.wait_for_timeout(300)
    assert len(sent) == 1
    # The page shown again from the browser's back-forward cache (where Chromium keeps it
    # when the member goes back from the proposal): its buttons work again.
    page.evaluate("window.dispatchEvent(new PageTransitionEvent('pageshow', {persisted: true}))")
    assert buttons(page) == [("保存草稿", False), ("保存并提交", False)]
    page.get_by_role("button", name="保存并提交").click()
    page.wait_for_timeout(300)
    assert buttons(page) == [("保存草稿", True), ("提交中…", True)]
    assert len(sent) == 2
    assert "do=submit" in sent[1]


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_filter_form_is_not_locked(page, world):
    login(page, world.office.username)
    page.goto(page.base_url + "/proposals/")
    sent = answered_with_nothing(page, "**/proposals/?*")
    query = page.locator("form.xs-filters").get_by_role("button", name="查询")
    query.click()
    page.wait_for_timeout(300)
    assert len(sent) == 1
    state = page.evaluate(
        "(b => [b.textContent.trim(), b.disabled])"
        "(document.querySelector('form.xs-filters button[type=submit]'))"
    )
    assert state == ["查询", False]

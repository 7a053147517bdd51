"""The reviewer's merge target in a real browser (issue 14): the proposal page carries no list
of open proposals; the reviewer types part of the target's number into the server-searched
picker (core.pickers), picks it with the keyboard and merges."""

import pytest
from playwright.sync_api import expect

from tests.conftest import login
from tests.core.test_pickers_browser import watch_console
from tests.pickers import pick
from tests.proposals.conftest import World, accepted, submitted
from xieshang.proposals.models import Proposal


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_reviewer_finds_the_merge_target_by_typing_and_merges(page):
    world = World()
    main = accepted(world, key="wang", title="关于老旧小区加装电梯的建议")
    accepted(world, key="wang", title="关于社区食堂的建议")
    proposal = submitted(world)
    problems = watch_console(page)
    login(page, world.reviewer.username)
    page.goto(f"{page.base_url}/proposals/{proposal.pk}/")
    form = page.locator("#form-merge")
    # Nothing but the empty choice is in the page: the targets come from the server.
    assert form.locator("#id_merge-into option").count() <= 1
    expect(form.locator(".xs-picker-fallback")).to_have_count(0)  # removed by the script
    pick(page, "并入提案", str(main), within=form, typed=main.number[-3:])
    assert form.locator("#id_merge-into").input_value() == str(main.pk)
    form.get_by_label("并案说明（可选）").fill("同一事项")
    asked = []
    page.once("dialog", lambda dialog: (asked.append(dialog.message), dialog.accept()))
    form.get_by_role("button", name="并案").click()
    expect(page.get_by_text("已并案。")).to_be_visible()
    assert asked and "并入所选提案办理" in asked[0]
    proposal.refresh_from_db()
    assert (proposal.status, proposal.merged_into_id) == (Proposal.Status.MERGED, main.pk)
    assert problems == []


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_refused_merge_keeps_the_note_and_shows_the_proposals_own_address(page):
    """Refused (no target chosen), the page answering the form keeps the note and shows the
    proposal's address, not /act/merge/: a reload or a bookmark of it opens the proposal.
    No "merge into the chosen proposal?" is asked first: nothing is chosen, the server
    refuses and says so."""
    world = World()
    proposal = submitted(world)
    login(page, world.reviewer.username)
    page.goto(f"{page.base_url}/proposals/{proposal.pk}/")
    form = page.locator("#form-merge")
    form.get_by_label("并案说明（可选）").fill("与去年同题提案合并")
    asked = []
    page.on("dialog", lambda dialog: (asked.append(dialog.message), dialog.accept()))
    form.get_by_role("button", name="并案").click()
    expect(page.locator("#form-merge")).to_contain_text("请选择要并入的提案。")
    assert asked == []
    assert page.url == f"{page.base_url}/proposals/{proposal.pk}/"
    assert page.locator("#form-merge").get_by_label("并案说明（可选）").input_value() == (
        "与去年同题提案合并"
    )
    page.reload()
    expect(page.get_by_role("heading", name=proposal.title)).to_be_visible()
    proposal.refresh_from_db()
    assert proposal.status == Proposal.Status.SUBMITTED


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_rejecting_asks_for_confirmation_only_once_a_reason_is_chosen(page):
    """不予立案 cannot be undone, so it asks first; but not while no reason is chosen: the
    server refuses that and names the missing reason, with no question in between."""
    world = World()
    proposal = submitted(world)
    login(page, world.reviewer.username)
    page.goto(f"{page.base_url}/proposals/{proposal.pk}/")
    asked = []
    page.on("dialog", lambda dialog: (asked.append(dialog.message), dialog.dismiss()))
    page.locator("#form-reject").get_by_role("button", name="不予立案").click()
    expect(page.locator("#form-reject")).to_contain_text("请选择不予立案的理由。")
    assert asked == []
    form = page.locator("#form-reject")
    form.get_by_label("不予立案理由").select_option(index=1)
    form.get_by_role("button", name="不予立案").click()
    for _ in range(50):  # the dialog event reaches the handler a moment after the click
        if asked:
            break
        page.wait_for_timeout(100)
    assert len(asked) == 1 and "不予立案" in asked[0]
    proposal.refresh_from_db()
    assert proposal.status == Proposal.Status.SUBMITTED  # the question was answered "no"

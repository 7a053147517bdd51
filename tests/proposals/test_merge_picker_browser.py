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
    proposal's address, not /act/merge/: a reload or a bookmark of it opens the proposal."""
    world = World()
    proposal = submitted(world)
    login(page, world.reviewer.username)
    page.goto(f"{page.base_url}/proposals/{proposal.pk}/")
    form = page.locator("#form-merge")
    form.get_by_label("并案说明（可选）").fill("与去年同题提案合并")
    page.once("dialog", lambda dialog: dialog.accept())
    form.get_by_role("button", name="并案").click()
    expect(
        page.locator("#form-merge .invalid-feedback, #form-merge .text-danger").first
    ).to_be_visible()
    assert page.url == f"{page.base_url}/proposals/{proposal.pk}/"
    assert page.locator("#form-merge").get_by_label("并案说明（可选）").input_value() == (
        "与去年同题提案合并"
    )
    page.reload()
    expect(page.get_by_role("heading", name=proposal.title)).to_be_visible()
    proposal.refresh_from_db()
    assert proposal.status == Proposal.Status.SUBMITTED

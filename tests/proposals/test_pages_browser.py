"""The member's draft form in a real browser on a phone: the live character count, the
similar-proposals panel (htmx) and the co-signer filter work under the strict CSP."""

import pytest

from tests.conftest import login
from tests.pickers import pick
from tests.proposals.test_pages_member import submitted
from xieshang.proposals.models import Proposal


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_it_drafts_and_submits_a_joint_proposal_on_a_phone(phone_page, world):
    submitted(world, key="wang", title="关于老旧小区加装电梯的建议")
    page = phone_page
    login(page, "zhang")
    page.goto(page.base_url + "/proposals/new/")
    page.get_by_label("案由").fill("老旧小区加装电梯")
    # Typed as a Chinese IME commits text: input events, no key events.
    page.get_by_label("现状与问题").press_sequentially("我区老旧小区多为六层无电梯住宅")
    page.wait_for_selector("#similar-list")
    assert "关于老旧小区加装电梯的建议" in page.inner_text("#similar-panel")
    assert "15 / 3000" in page.inner_text("#body-count")
    page.get_by_label("具体建议").fill("简化审批流程，设立财政补贴。")
    page.get_by_label("提案分类").select_option("社会建设")
    pick(page, "联名提案人", "王建国", typed="王")  # the co-signer picker finds by name
    page.get_by_role("button", name="保存并提交").click()
    page.wait_for_load_state()
    assert "已发送联名邀请" in page.content()
    proposal = Proposal.objects.get(first_proposer=world.members["zhang"])
    assert proposal.status == Proposal.Status.COSIGNING
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    # The same page in English: its long button labels wrap inside the phone's width.
    page.context.add_cookies([{"name": "django_language", "value": "en", "url": page.base_url}])
    page.reload()
    assert "Withdraw unanswered invitations" in page.content()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390

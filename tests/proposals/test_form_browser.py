"""The proposal form in a real browser: typing logs no console error while the
similar-proposals panel looks things up, the new fields are labelled and saved, attachments
are uploaded and removed, and the print page keeps its style under the strict CSP."""

import time

import pytest

from tests.conftest import login
from tests.core import samples
from tests.pickers import pick
from tests.proposals.conftest import submitted
from xieshang.proposals import similarity
from xieshang.proposals.models import Attachment, Proposal


def collect_errors(page) -> list[str]:
    errors: list[str] = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    return errors


@pytest.fixture
def slow_lookup(monkeypatch):
    """Each similarity lookup takes longer than the typing pause, as on a busy server:
    the next lookup is asked for while the previous one is still running."""
    original = similarity.similar_proposals

    def slow(*args, **kwargs):
        time.sleep(1.0)
        return original(*args, **kwargs)

    monkeypatch.setattr(similarity, "similar_proposals", slow)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_typing_in_the_new_proposal_form_logs_no_console_error(page, world, slow_lookup):
    submitted(world, key="wang", title="关于老旧小区加装电梯的建议")
    login(page, "zhang")
    errors = collect_errors(page)
    page.goto(page.base_url + "/proposals/new/")
    title = page.get_by_label("案由")
    # Pauses longer than the trigger's delay, shorter than a lookup: each pause starts a
    # lookup while the one before is still running.
    for part in ["关于老旧小区", "加装电梯", "的建议"]:
        title.press_sequentially(part, delay=40)
        page.wait_for_timeout(700)
    page.get_by_label("现状与问题").press_sequentially("多为六层无电梯住宅", delay=40)
    page.wait_for_selector("#similar-list", timeout=10000)
    page.wait_for_timeout(1500)  # let the last queued lookup finish too
    assert "关于老旧小区加装电梯的建议" in page.inner_text("#similar-panel")
    assert errors == []


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_member_files_a_categorised_proposal_with_an_attachment(page, world, tmp_path, settings):
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    login(page, "zhang")
    errors = collect_errors(page)
    page.goto(page.base_url + "/proposals/new/")
    page.get_by_label("案由").fill("关于增设社区托育点的建议")
    page.get_by_label("提案分类").select_option(label="社会建设")
    pick(page, "建议主办单位", "区教育局")
    page.get_by_label("具体建议").fill("在每个街道至少设一处普惠托育点。")
    page.get_by_role("button", name="保存草稿").click()
    page.wait_for_load_state()
    assert "草稿已保存" in page.content()
    assert page.inner_text("#proposal-category") == "社会建设"
    assert page.inner_text("#proposal-suggested-department") == "区教育局"

    upload = tmp_path / "托育需求调研.pdf"
    upload.write_bytes(samples.PDF)
    page.get_by_label("附件文件").set_input_files(str(upload))
    page.get_by_role("button", name="上传附件").click()
    page.wait_for_load_state()
    assert "附件已上传" in page.content()
    link = page.locator("#attachments a", has_text="托育需求调研.pdf")
    with page.expect_download() as info:
        link.click()
    assert info.value.suggested_filename == "托育需求调研.pdf"

    asked = []
    page.once("dialog", lambda dialog: (asked.append(dialog.message), dialog.accept()))
    page.get_by_role("button", name="删除附件托育需求调研.pdf").click()
    page.wait_for_load_state()
    assert asked == ["删除附件“托育需求调研.pdf”？"]
    assert "附件已删除" in page.content()
    assert page.locator("#no-attachments").is_visible()
    assert not Attachment.objects.exists()
    proposal = Proposal.objects.get()
    assert (proposal.category, proposal.suggested_department) == ("社会建设", world.education)
    assert errors == []


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_print_page_is_styled_and_prints_the_signature_column(page, world):
    proposal = submitted(world, cosigners=["wang"], category="经济建设")
    login(page, "zhang")
    errors = collect_errors(page)
    page.goto(page.base_url + f"/proposals/{proposal.pk}/")
    page.get_by_role("link", name="打印提案表").click()
    page.wait_for_load_state()
    assert page.inner_text("#sheet-number") == proposal.number
    # The style sheet is served and applied (no inline style under the CSP).
    collapse = page.eval_on_selector("#proposal-sheet", "t => getComputedStyle(t).borderCollapse")
    assert collapse == "collapse"
    assert page.locator("#sheet-joint th", has_text="签名").is_visible()
    page.emulate_media(media="print")
    assert not page.get_by_role("button", name="打印").is_visible()
    assert errors == []


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_proposal_typed_while_the_login_expired_is_back_after_logging_in(page, world):
    from django.conf import settings

    login(page, "zhang")
    page.goto(page.base_url + "/proposals/new/")
    page.get_by_label("案由").fill("关于社区食堂延长供餐时间的建议")
    page.get_by_label("具体建议").fill("建议社区食堂晚餐供应延长到19点。")
    # The idle timeout ends the session while the member is still typing.
    page.context.clear_cookies(name="sessionid")
    page.get_by_role("button", name="保存草稿").click()
    page.wait_for_load_state()
    assert "/accounts/login/" in page.url
    assert not Proposal.objects.filter(title__contains="社区食堂").exists()
    page.get_by_label("用户名").fill("zhang")
    page.get_by_label("密码").fill(settings.DEMO_PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_load_state()
    assert page.url.endswith("/proposals/new/")
    assert page.get_by_label("案由").input_value() == "关于社区食堂延长供餐时间的建议"
    assert page.get_by_label("具体建议").input_value() == "建议社区食堂晚餐供应延长到19点。"
    assert page.get_by_role("status").filter(has_text="已恢复").is_visible()
    page.get_by_role("button", name="保存草稿").click()
    page.wait_for_load_state()
    assert Proposal.objects.filter(title="关于社区食堂延长供餐时间的建议").count() == 1
    # Once saved, the kept copy is gone: a new form starts empty.
    page.goto(page.base_url + "/proposals/new/")
    assert page.get_by_label("案由").input_value() == ""


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_enter_in_a_picker_does_not_send_the_half_filled_form(page, world):
    """A co-signer picked, then its chip clicked (the list closed, the chip selected), then
    Enter: the form is not sent with one co-signer of two and the rest unwritten."""
    login(page, "zhang")
    page.goto(page.base_url + "/proposals/new/")
    page.get_by_label("案由").fill("关于增设社区托育点的建议")
    pick(page, "联名提案人", "王建国")
    page.locator("#id_cosigners + .ts-wrapper .item").first.click()
    page.keyboard.type("li")
    page.keyboard.press("Enter")
    page.wait_for_timeout(500)
    assert page.url.endswith("/proposals/new/")
    assert not Proposal.objects.exists()
    assert page.get_by_label("案由").input_value() == "关于增设社区托育点的建议"

"""签发 and the letter of record (正式答复函): the department's leader signs the submitted
answer off, then the department uploads the stamped, signed scan (PDF by content), which
the proposers, the department and the committee download through the checked file view."""

import io

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from pypdf import PdfWriter

from tests.factories import user_with_role
from tests.proposals.test_pdf_letter import answered
from xieshang.core.audit import TransitionError
from xieshang.core.files import FILE_CSP, file_url
from xieshang.core.models import Event
from xieshang.orgs.models import Role
from xieshang.proposals import services
from xieshang.proposals.models import Answer, Proposal


@pytest.fixture(autouse=True)
def private_root(tmp_path, settings):
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    return settings.PRIVATE_MEDIA_ROOT


@pytest.fixture
def leader(world):
    return user_with_role(
        Role.DEPARTMENT_LEADER, world.district, department=world.housing, full_name="王局长"
    )


def small_pdf() -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def handle_url(answer: Answer) -> str:
    return f"/proposals/dept/{answer.assignment_id}/"


def upload(client, answer: Answer, name: str, content: bytes, note: str = "8月3日盖章"):
    return client.post(
        f"/proposals/dept/answers/{answer.pk}/record/",
        {"file": SimpleUploadedFile(name, content), "note": note},
    )


def test_the_leader_signs_the_answer_off_once_and_it_is_audited(client, world, leader):
    answer = answered(world)
    client.force_login(leader)
    page = client.get(handle_url(answer)).content.decode()
    assert f'action="/proposals/dept/answers/{answer.pk}/sign-off/"' in page

    response = client.post(
        f"/proposals/dept/answers/{answer.pk}/sign-off/", {"version": answer.version}
    )
    assert response.status_code == 302
    answer.refresh_from_db()
    assert answer.signed_off_by == leader and answer.signed_off_at is not None
    event = Event.objects.get(verb="proposal.answer_sign_off")
    assert event.actor == leader and event.data["department"] == "区住房和城乡建设局"
    page = client.get(handle_url(answer)).content.decode()
    assert "已由王局长于" in page and "尚未签发" not in page
    assert f'action="/proposals/dept/answers/{answer.pk}/sign-off/"' not in page

    # A second sign-off (another tab) is refused with a message, and changes nothing.
    response = client.post(f"/proposals/dept/answers/{answer.pk}/sign-off/")
    assert response.status_code == 400
    assert "不能重复签发" in response.content.decode()
    assert Event.objects.filter(verb="proposal.answer_sign_off").count() == 1
    with pytest.raises(TransitionError):
        services.answer_sign_off(answer=answer, actor=leader)


def test_the_clerk_may_not_sign_off_and_does_not_see_the_button(client, world):
    answer = answered(world)
    client.force_login(world.housing_clerk)
    page = client.get(handle_url(answer)).content.decode()
    assert "/sign-off/" not in page
    # Nobody can sign it off: the department has no leader's account (world).
    assert "本单位尚无负责人账号" in page
    assert client.post(f"/proposals/dept/answers/{answer.pk}/sign-off/").status_code == 403
    with pytest.raises(PermissionDenied):
        services.answer_sign_off(answer=answer, actor=world.housing_clerk)
    # Another department's leader does not even see the answer.
    other = user_with_role(Role.DEPARTMENT_LEADER, world.district, department=world.education)
    client.force_login(other)
    assert client.post(f"/proposals/dept/answers/{answer.pk}/sign-off/").status_code == 404
    answer.refresh_from_db()
    assert answer.signed_off_at is None


def test_a_department_without_a_leaders_account_sends_its_answer_at_once(client, world):
    answer = answered(world)
    assert answer.sent_at is not None and answer.signed_off_at is None
    client.force_login(world.user("zhang"))
    page = client.get(f"/proposals/{answer.assignment.proposal_id}/").content.decode()
    assert "评价本答复" in page  # nobody could sign it off: it is not held back


def test_the_answer_panel_names_no_signer_where_nobody_has_signed_it_off(client, world):
    """Without a leader's account the answer goes at once, unsigned: the panel does not say
    签发：王局长 beside 尚未签发, but whom the clerk named, as the sent letter does (签发人),
    and that the department has no leader's account to sign it off."""
    answer = answered(world)
    client.force_login(world.housing_clerk)
    page = client.get(handle_url(answer)).content.decode()
    card = page[page.index(f'id="answer-{answer.pk}"') :]
    card = card[: card.index(f'id="sign-off-{answer.pk}"') + 400]
    assert "签发人：王局长" in card and " 签发：王局长" not in card and "拟签发" not in card
    assert "本单位尚无负责人账号，答复提交后直接送达提案人。" in card
    assert "单位负责人签发后，可上传" not in card
    # Once the department has a leader's account, they sign it off, and the panel says so.
    leader = user_with_role(
        Role.DEPARTMENT_LEADER, world.district, department=world.housing, full_name="王局长"
    )
    page = client.get(handle_url(answer)).content.decode()
    assert "尚未签发：单位负责人签发后，可上传盖章签字的扫描件" in page
    services.answer_sign_off(answer=answer, actor=leader)
    page = client.get(handle_url(answer)).content.decode()
    assert " 签发：王局长" in page and "签发人：王局长" not in page


def test_an_upload_before_the_sign_off_is_refused(client, world):
    answer = answered(world)
    client.force_login(world.housing_clerk)
    assert "上传盖章扫描件" not in client.get(handle_url(answer)).content.decode()
    response = upload(client, answer, "答复函.pdf", small_pdf())
    assert response.status_code == 400
    assert "尚未经单位负责人签发" in response.content.decode()
    answer.refresh_from_db()
    assert not answer.record_scan
    assert not Event.objects.filter(verb="proposal.answer_record_upload").exists()


@pytest.mark.parametrize(
    "name, content",
    [
        ("答复函.pdf", b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 64),
        ("答复函.pdf", b"<!doctype html><html><script>alert(1)</script></html>"),
        ("答复函.html", b"<html><body>letter</body></html>"),
    ],
)
def test_a_file_that_is_not_a_pdf_is_refused_by_content_and_the_note_is_kept(
    client, world, leader, name, content
):
    answer = answered(world)
    services.answer_sign_off(answer=answer, actor=leader)
    client.force_login(world.housing_clerk)
    response = upload(client, answer, name, content, note="盖章日期：8月3日")
    assert response.status_code == 400
    page = response.content.decode()
    assert "不接受此类文件" in page and "允许上传PDF文件" in page
    assert 'value="盖章日期：8月3日"' in page
    answer.refresh_from_db()
    assert not answer.record_scan


def test_a_pdf_scan_is_stored_and_served_to_the_proposers_and_the_department(client, world, leader):
    answer = answered(world, cosigners=["wang"])
    services.answer_sign_off(answer=answer, actor=leader)
    content = small_pdf()
    client.force_login(world.housing_clerk)
    response = upload(client, answer, "区住建函〔2026〕12号.pdf", content)
    assert response.status_code == 302
    answer.refresh_from_db()
    assert answer.record_scan_name == "区住建函〔2026〕12号.pdf"
    assert answer.record_scan.name.startswith("answers/") and "住建" not in answer.record_scan.name
    event = Event.objects.get(verb="proposal.answer_record_upload")
    assert event.actor == world.housing_clerk and event.note == "8月3日盖章"
    url = file_url(answer, "record_scan")
    assert url in client.get(handle_url(answer)).content.decode()

    for user in (world.housing_clerk, leader, world.user("zhang"), world.user("wang")):
        client.force_login(user)
        download = client.get(url)
        assert download.status_code == 200, user
        assert b"".join(download.streaming_content) == content
        assert download["Content-Type"] == "application/pdf"
        assert download["Content-Disposition"].startswith("attachment;")
        assert download["Content-Security-Policy"] == FILE_CSP
    for user in (world.other_reviewer, world.education_clerk, world.user("li")):
        client.force_login(user)
        assert client.get(url).status_code == 404, user


def test_the_member_sees_both_letters_on_the_proposal_page(client, world, leader):
    answer = answered(world)
    letter_url = f"/proposals/dept/answers/{answer.pk}/letter.pdf"
    proposal_url = f"/proposals/{answer.assignment.proposal_id}/"
    client.force_login(world.user("zhang"))
    # Waiting for the leader's sign-off, the letter is the department's draft.
    assert letter_url not in client.get(proposal_url).content.decode()
    assert client.get(letter_url).status_code == 404

    services.answer_sign_off(answer=answer, actor=leader)
    page = client.get(proposal_url).content.decode()
    assert letter_url in page and "系统生成稿" in page
    assert "正式答复函（盖章扫描件）" not in page
    assert client.get(letter_url).status_code == 200

    services.answer_record_upload(
        answer=answer,
        actor=leader,
        file=SimpleUploadedFile("scan.pdf", small_pdf()),
    )
    answer.refresh_from_db()
    for user in (world.user("zhang"), world.reviewer, world.housing_clerk):
        client.force_login(user)
        page = client.get(proposal_url).content.decode()
        assert "正式答复函（盖章扫描件）" in page, user
        assert file_url(answer, "record_scan") in page, user


def test_a_scan_may_be_replaced_until_the_proposer_rates_the_answer(world, leader):
    answer = answered(world)
    services.answer_sign_off(answer=answer, actor=leader)
    first = services.answer_record_upload(
        answer=answer, actor=leader, file=SimpleUploadedFile("first.pdf", small_pdf())
    )
    services.answer_record_upload(
        answer=answer,
        actor=world.housing_clerk,
        file=SimpleUploadedFile("second.pdf", small_pdf()),
        note="重新扫描",
    )
    answer.refresh_from_db()
    assert answer.record_scan_name == "second.pdf" and answer.record_scan != first.record_scan
    last = Event.objects.filter(verb="proposal.answer_record_upload").latest("pk")
    assert last.data["replaced"] == "first.pdf"

    services.evaluation_submit(
        answer=answer, actor=world.user("zhang"), process="satisfied", result="satisfied"
    )
    with pytest.raises(TransitionError, match="不能再更换"):
        services.answer_record_upload(
            answer=answer, actor=leader, file=SimpleUploadedFile("third.pdf", small_pdf())
        )


def test_the_public_portal_shows_neither_the_scan_nor_the_signer(client, world, leader):
    answer = answered(world)
    services.answer_sign_off(answer=answer, actor=leader)
    services.answer_record_upload(
        answer=answer, actor=leader, file=SimpleUploadedFile("scan.pdf", small_pdf())
    )
    answer.refresh_from_db()
    proposal = answer.assignment.proposal
    Proposal.objects.filter(pk=proposal.pk).update(
        published_at=timezone.now(), is_public_interest=True
    )
    client.logout()
    response = client.get(f"/portal/proposals/{proposal.pk}/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "已将老旧小区加装电梯纳入年度民生实事" in page  # the published answer, as before
    assert file_url(answer, "record_scan") not in page and "盖章扫描件" not in page
    assert "王局长" not in page and "签发" not in page
    # Nor can an anonymous visitor fetch the scan.
    assert client.get(file_url(answer, "record_scan")).status_code == 302

"""The proposal as it is printed (提案表): a print page and a PDF, for those who see it."""

import io
from urllib.parse import unquote

import pytest
from django.utils import timezone
from pypdf import PdfReader

from tests.proposals.conftest import draft, submitted
from xieshang.orgs.models import Sector
from xieshang.proposals import services

A4_POINTS = (595.28, 841.89)


def read(content: bytes) -> tuple[PdfReader, str]:
    reader = PdfReader(io.BytesIO(content))
    text = "".join(page.extract_text() for page in reader.pages)
    # Lines break anywhere in Chinese text: compare without the line breaks.
    return reader, "".join(text.split())


def joint_proposal(world):
    seat = world.members["zhang"].memberships.get()
    seat.sector = Sector.objects.create(organisation=world.district, name="教育界")
    seat.save(update_fields=["sector"])
    return submitted(
        world,
        cosigners=["wang", "li"],
        category="社会建设",
        suggested_department=world.housing,
    )


@pytest.mark.clause("C4.6")
def test_the_pdf_is_an_a4_proposal_sheet_with_everything_on_it(client, world):
    proposal = joint_proposal(world)
    client.force_login(world.reviewer)
    response = client.get(f"/proposals/{proposal.pk}/proposal.pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert "filename*=UTF-8''" in response["Content-Disposition"]
    assert response["Cache-Control"] == "private, no-store"
    reader, text = read(response.content)
    assert proposal.number == f"{timezone.localdate().year}年平时提案第0001号"
    for expected in (
        "示范区政协提案",
        proposal.number,
        "案由关于加快老旧小区加装电梯的建议",
        "第一提案人张丽华界别教育界",
        "党派中国民主同盟",
        "提案分类社会建设",
        "建议主办单位区住房和城乡建设局",
        "我区2000年以前建成的老旧小区共有住宅楼1200余栋",  # facts
        "加装电梯涉及资金分摊",  # analysis
        "一是简化审批流程；二是设立财政补贴；三是建立协商议事机制。",  # suggestions
        "联名提案人",
        "签名",
        "王建国",
        "中国共产党",
        "李明",
        "无党派人士",
    ):
        assert expected in text, expected
    for page in reader.pages:
        width, height = float(page.mediabox.width), float(page.mediabox.height)
        assert (round(width, 2), round(height, 2)) == A4_POINTS


def test_a_declined_co_signer_is_not_on_the_sheet(client, world):
    proposal = draft(world, cosigners=["wang", "li"])
    services.proposal_submit(proposal=proposal, actor=world.user("zhang"))
    services.signer_respond(proposal=proposal, actor=world.user("wang"), confirm=True)
    services.signer_respond(proposal=proposal, actor=world.user("li"), confirm=False)
    client.force_login(world.user("zhang"))
    _reader, text = read(client.get(f"/proposals/{proposal.pk}/proposal.pdf").content)
    assert "王建国" in text and "李明" not in text


def test_a_co_signer_whose_invitation_was_withdrawn_is_not_on_the_sheet(client, world):
    """Issue: a proposal sent on as 委员个人 after its first proposer withdrew the invitation
    nobody answered still printed a 联名提案人 table: 王建国 … 已撤回邀请, with a 签名 cell."""
    proposal = draft(world, cosigners=["wang"])
    services.proposal_submit(proposal=proposal, actor=world.user("zhang"))
    services.cosign_withdraw_pending(proposal=proposal, actor=world.user("zhang"))
    client.force_login(world.user("zhang"))
    _reader, text = read(client.get(f"/proposals/{proposal.pk}/proposal.pdf").content)
    assert "委员个人" in text
    assert "王建国" not in text and "已撤回邀请" not in text
    html = client.get(f"/proposals/{proposal.pk}/print/").content.decode()
    joint = html[html.index('class="sheet-joint"') :]
    assert 'id="sheet-joint"' not in joint and "王建国" not in joint
    assert '<p class="flush">无</p>' in joint


def test_the_print_page_shows_the_sheet_with_a_signature_column(client, world):
    proposal = joint_proposal(world)
    client.force_login(world.user("wang"))
    response = client.get(f"/proposals/{proposal.pk}/print/")
    assert response.status_code == 200
    html = response.content.decode()
    number = f"{timezone.localdate().year}年平时提案第0001号"
    assert f'<td id="sheet-number">{number}</td>' in html
    assert (
        '<td colspan="3" class="title" id="sheet-title">关于加快老旧小区加装电梯的建议</td>' in html
    )
    assert '<td id="sheet-category">社会建设</td>' in html
    assert 'id="sheet-department">区住房和城乡建设局</td>' in html
    assert '<th scope="col" class="signature-col">签名</th>' in html
    joint = html[html.index('id="sheet-joint"') :]
    assert joint.count('<td class="signature-col"></td>') == 2
    assert "data-print" in html and "/static/xs/proposal_sheet.css" in html
    assert f'href="/proposals/{proposal.pk}/proposal.pdf"' in html


def test_a_draft_prints_for_its_proposer_only(client, world):
    proposal = draft(world)
    client.force_login(world.user("zhang"))
    response = client.get(f"/proposals/{proposal.pk}/print/")
    assert response.status_code == 200
    assert "（提交后编号）" in response.content.decode()
    for outsider in (world.reviewer, world.user("wang"), world.other_reviewer):
        client.force_login(outsider)
        assert client.get(f"/proposals/{proposal.pk}/print/").status_code == 404
        assert client.get(f"/proposals/{proposal.pk}/proposal.pdf").status_code == 404


def downloaded_as(client, proposal) -> str:
    response = client.get(f"/proposals/{proposal.pk}/proposal.pdf")
    assert response.status_code == 200
    return unquote(response["Content-Disposition"].split("filename*=UTF-8''")[1])


def test_the_pdf_is_named_as_a_draft_only_while_it_is_one(client, world):
    client.force_login(world.user("zhang"))
    proposal = draft(world, cosigners=["wang"])
    assert downloaded_as(client, proposal) == f"提案-草稿{proposal.pk}.pdf"
    # Sent to the co-signers: no longer a draft, not numbered yet.
    services.proposal_submit(proposal=proposal, actor=world.user("zhang"))
    proposal.refresh_from_db()
    assert proposal.status == proposal.Status.COSIGNING and not proposal.number
    assert downloaded_as(client, proposal) == f"提案-未编号-{proposal.pk}.pdf"
    services.signer_respond(proposal=proposal, actor=world.user("wang"), confirm=True)
    proposal.refresh_from_db()
    assert downloaded_as(client, proposal) == f"提案-{proposal.number}.pdf"

"""Co-signers are asked again after a revision: a proposal returned for revision (退回修改)
whose text (案由, 现状与问题, 原因分析, 具体建议) was changed goes back to its confirmed
co-signers before review, as at a first submission. A change of category, suggested
department or attachments alone does not ask them again."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.core import samples
from tests.proposals.conftest import PROPOSAL_TEXT, draft, submitted
from xieshang.core.audit import history
from xieshang.core.models import Notification
from xieshang.proposals import services
from xieshang.proposals.models import Proposal, Signer

S = Proposal.Status
NEW_SUGGESTIONS = "一是由区财政按每台15万元补贴；二是推行“一站式”审批；三是成立居民协商小组。"


def returned(world, cosigners=("wang",)):
    """A joint proposal its co-signers confirmed, in review, returned for revision."""
    proposal = submitted(world, cosigners=list(cosigners))
    assert proposal.status == S.SUBMITTED
    services.proposal_return(proposal=proposal, actor=world.reviewer, note="建议部分请具体化。")
    proposal.refresh_from_db()
    return proposal


def revise(world, proposal, **fields):
    services.proposal_update(
        proposal=proposal,
        actor=world.user("zhang"),
        expected_version=proposal.version,
        **{**PROPOSAL_TEXT, **fields},
    )
    proposal.refresh_from_db()
    return proposal


def status_of(proposal, key="wang"):
    return proposal.signers.get(member__user__username=key).status


def invitations(world, key="wang"):
    return list(
        Notification.objects.filter(recipient=world.user(key), title__startswith="联名提案待您")
        .order_by("pk")
        .values_list("title", flat=True)
    )


@pytest.mark.clause("C4.6")
def test_a_rewritten_proposal_goes_back_to_its_co_signer_before_review(world):
    proposal = returned(world)
    number = proposal.number
    revise(world, proposal, suggestions=NEW_SUGGESTIONS)
    # Her confirmation was of the old text: it no longer stands, and the history says why.
    assert status_of(proposal) == Signer.Status.INVITED
    edit = next(e for e in history(proposal) if e.verb == "proposal.edit")
    assert edit.note == "确认已重置：提案内容已修改（联名人：王建国）"

    services.proposal_submit(proposal=proposal, actor=world.user("zhang"))
    proposal.refresh_from_db()
    assert proposal.status == S.COSIGNING  # not back in review yet
    submit = next(e for e in history(proposal) if e.verb == "proposal.submit")
    assert submit.note == "提案内容已修改，联名人须重新确认：王建国"
    # Asked again, with a notice of its own (the first invitation's does not swallow it).
    assert invitations(world) == [
        f"联名提案待您确认：{PROPOSAL_TEXT['title']}",
        f"联名提案待您重新确认：{PROPOSAL_TEXT['title']}",
    ]
    notice = Notification.objects.get(recipient=world.user("wang"), title__contains="重新确认")
    assert "您此前的联名确认已重置" in notice.body
    assert notice.dedupe_key.endswith(":cosign:1")

    services.signer_respond(proposal=proposal, actor=world.user("wang"), confirm=True)
    proposal.refresh_from_db()
    assert proposal.status == S.SUBMITTED
    assert proposal.number == number  # the number of the first submission stays
    assert status_of(proposal) == Signer.Status.CONFIRMED


@pytest.mark.parametrize("field", ["title", "facts", "analysis", "suggestions"])
def test_each_part_of_the_text_asks_again(world, field):
    proposal = returned(world)
    revise(world, proposal, **{field: PROPOSAL_TEXT[field] + "（已修改）"})
    assert status_of(proposal) == Signer.Status.INVITED


def test_category_department_and_attachments_alone_keep_the_confirmations(world):
    proposal = returned(world)
    revise(world, proposal, category="经济建设", suggested_department=world.housing)
    services.attachment_add(
        proposal=proposal,
        actor=world.user("zhang"),
        file=SimpleUploadedFile("材料.pdf", samples.PDF),
    )
    # Spacing and line breaks alone are no change of substance either.
    revise(
        world,
        proposal,
        category="经济建设",
        suggested_department=world.housing,
        suggestions=PROPOSAL_TEXT["suggestions"] + "\n",
    )
    assert status_of(proposal) == Signer.Status.CONFIRMED
    assert all(e.note == "" for e in history(proposal) if e.verb == "proposal.edit")
    services.proposal_submit(proposal=proposal, actor=world.user("zhang"))
    proposal.refresh_from_db()
    assert proposal.status == S.SUBMITTED
    assert invitations(world) == [f"联名提案待您确认：{PROPOSAL_TEXT['title']}"]


def test_only_those_who_confirmed_are_asked_again(world):
    # 王建国 confirms, 李明 declines; the proposal goes to review with 王建国, and is returned.
    proposal = draft(world, cosigners=["wang", "li"])
    services.proposal_submit(proposal=proposal, actor=world.user("zhang"))
    services.signer_respond(proposal=proposal, actor=world.user("wang"), confirm=True)
    services.signer_respond(proposal=proposal, actor=world.user("li"), confirm=False)
    services.proposal_return(proposal=proposal, actor=world.reviewer, note="请修改。")
    proposal.refresh_from_db()
    revise(world, proposal, title="关于加快老旧小区加装电梯和适老化改造的建议")
    assert status_of(proposal, "wang") == Signer.Status.INVITED
    assert status_of(proposal, "li") == Signer.Status.DECLINED
    services.proposal_submit(proposal=proposal, actor=world.user("zhang"))
    assert len(invitations(world, "li")) == 1  # the first invitation only
    services.signer_respond(proposal=proposal, actor=world.user("wang"), confirm=False)
    proposal.refresh_from_db()
    # Nobody agreed to the new text: it goes on as the member's own.
    assert proposal.status == S.SUBMITTED
    assert proposal.proposer_type == Proposal.ProposerType.MEMBER


def test_the_proposer_is_told_and_the_co_signer_can_confirm_on_the_page(client, world):
    proposal = returned(world)
    client.force_login(world.user("zhang"))
    response = client.post(
        f"/proposals/{proposal.pk}/edit/",
        {
            **PROPOSAL_TEXT,
            "suggestions": NEW_SUGGESTIONS,
            "is_public_interest": "on",
            "version": proposal.version,
            "do": "submit",
        },
        follow=True,
    )
    assert "全部联名人确认后提案进入审查" in response.content.decode()
    proposal.refresh_from_db()
    assert proposal.status == S.COSIGNING

    client.force_login(world.user("wang"))
    page = client.get("/proposals/cosign/").content.decode()
    assert "确认联名" in page
    client.post(f"/proposals/{proposal.pk}/act/cosign_confirm/", {"next": "/proposals/cosign/"})
    proposal.refresh_from_db()
    assert proposal.status == S.SUBMITTED
    assert proposal.suggestions == NEW_SUGGESTIONS

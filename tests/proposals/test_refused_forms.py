"""A refused form on the proposal pages is shown again with its reason and what was typed,
even when the proposal has moved on meanwhile and its page no longer offers that form (a
colleague, or the user in another window, acted first)."""

from django.core.files.uploadedfile import SimpleUploadedFile

from tests.core import samples
from tests.proposals.conftest import PROPOSAL_TEXT, answered, draft
from xieshang.proposals import services
from xieshang.proposals.models import Attachment, Evaluation, Proposal, Rating


def rating(answer_pk: int, comment: str) -> dict:
    prefix = f"rate{answer_pk}"
    return {
        f"{prefix}-process": Rating.SATISFIED,
        f"{prefix}-result": Rating.UNSATISFIED,
        f"{prefix}-comment": comment,
    }


def test_a_refused_rating_keeps_the_comment_when_the_answer_was_rated_or_closed_meanwhile(
    client, world
):
    """The rating form went with the page's offer to rate: a rating refused because it was
    already given in another window, or because the committee closed the proposal, lost
    the member's comment."""
    proposal = answered(world, cosigners=["wang"])
    answer_pk = proposal.assignments.get().answers.get().pk
    url = f"/proposals/{proposal.pk}/answers/{answer_pk}/rate/"
    client.force_login(world.user("zhang"))
    assert client.post(url, rating(answer_pk, "第一次评价")).status_code == 302
    response = client.post(url, rating(answer_pk, "第二个窗口：资金补贴尚未落实"))
    body = response.content.decode()
    assert response.status_code == 400
    assert "您已评价过该答复。" in body
    assert "第二个窗口：资金补贴尚未落实" in body
    assert Evaluation.objects.count() == 1

    services.proposal_close(proposal=proposal, actor=world.reviewer, note="")
    client.force_login(world.user("wang"))
    response = client.post(url, rating(answer_pk, "审批流程仍然繁琐"))
    body = response.content.decode()
    assert response.status_code == 400
    assert "当前不在评价阶段。" in body
    assert "审批流程仍然繁琐" in body
    assert not Evaluation.objects.filter(member=world.members["wang"]).exists()


def test_a_refused_upload_says_why_when_the_proposal_was_submitted_meanwhile(client, world):
    """The upload form went with the page's offer to edit: a file refused by the upload
    rules on a proposal submitted from another window gave a bare page, without the form
    or the reason."""
    proposal = draft(world)
    services.attachment_add(
        proposal=proposal,
        actor=world.user("zhang"),
        file=SimpleUploadedFile("调研报告.pdf", samples.PDF),
    )
    client.force_login(world.user("zhang"))
    services.proposal_submit(proposal=proposal, actor=world.user("zhang"))
    response = client.post(
        f"/proposals/{proposal.pk}/attachments/",
        {"attachment-file": SimpleUploadedFile("材料.html", samples.HTML)},
    )
    body = response.content.decode()
    assert response.status_code == 400
    assert 'id="attachment-form"' in body
    assert "重新选择" in body and "20MB" in body
    assert Attachment.objects.count() == 1
    assert "删除附件" not in body  # submitted: nothing can be removed any more


def test_an_edit_refused_because_the_proposal_was_submitted_meanwhile_keeps_the_text(client, world):
    """The edit page sent a POST on a proposal no longer editable back to the proposal
    page: the member's changes were gone."""
    proposal = draft(world)
    client.force_login(world.user("zhang"))
    assert client.get(f"/proposals/{proposal.pk}/edit/").status_code == 200
    services.proposal_submit(proposal=proposal, actor=world.user("zhang"))
    response = client.post(
        f"/proposals/{proposal.pk}/edit/",
        {
            **PROPOSAL_TEXT,
            "title": "关于加装电梯的建议（另一窗口的修改稿）",
            "is_public_interest": "on",
            "version": "1",
            "do": "save",
        },
    )
    body = response.content.decode()
    assert response.status_code == 400
    assert "提案已提交，不能再修改。" in body
    assert 'value="关于加装电梯的建议（另一窗口的修改稿）"' in body
    proposal.refresh_from_db()
    assert (proposal.title, proposal.status) == (PROPOSAL_TEXT["title"], Proposal.Status.SUBMITTED)

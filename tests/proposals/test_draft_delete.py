"""A member deletes a draft never submitted; nothing else can be deleted, and nobody else
may delete it. In the browser, the page asks first."""

import os

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.conftest import login
from tests.proposals.conftest import PROPOSAL_TEXT, draft, submitted
from xieshang.core.audit import TransitionError
from xieshang.core.models import Event
from xieshang.proposals import services
from xieshang.proposals.models import Proposal


def test_the_member_deletes_a_draft_and_the_log_keeps_its_title(
    client, world, settings, tmp_path, django_capture_on_commit_callbacks
):
    settings.PRIVATE_MEDIA_ROOT = tmp_path
    proposal = draft(world, title="关于试一试的建议")
    attachment = services.attachment_add(
        proposal=proposal,
        actor=world.user("zhang"),
        file=SimpleUploadedFile("说明.pdf", b"%PDF-1.4\n%%EOF\n"),
    )
    stored = attachment.file.path
    client.force_login(world.user("zhang"))
    page = client.get(proposal.get_absolute_url()).content.decode()
    assert "删除草稿" in page and "删除后不能恢复" in page
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/proposals/{proposal.pk}/act/delete_draft/")
    assert response.status_code == 302 and response.url == "/proposals/mine/"
    assert not Proposal.objects.filter(pk=proposal.pk).exists()
    event = Event.objects.get(verb="proposal.draft_delete")
    assert (event.actor, event.note) == (world.user("zhang"), "关于试一试的建议")
    assert "关于试一试的建议" not in client.get("/proposals/mine/").content.decode()
    assert not os.path.exists(stored)  # the attachment's file went with it


def test_only_an_unsubmitted_draft_of_ones_own_can_be_deleted(client, world):
    mine = draft(world)
    with pytest.raises(PermissionDenied):
        services.proposal_delete_draft(proposal=mine, actor=world.user("wang"))
    sent = submitted(world, title="关于已提交的建议")
    with pytest.raises(TransitionError, match="从未提交过的草稿"):
        services.proposal_delete_draft(proposal=sent, actor=world.user("zhang"))
    client.force_login(world.user("zhang"))
    assert "删除草稿" not in client.get(sent.get_absolute_url()).content.decode()
    assert Proposal.objects.count() == 2


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_page_asks_before_deleting_a_draft(page, world):
    proposal = draft(world, title="关于试一试的建议")
    login(page, world.user("zhang").username)
    page.goto(page.base_url + proposal.get_absolute_url())
    asked = []

    def dismiss(dialog):
        asked.append(dialog.message)
        dialog.dismiss()

    page.once("dialog", dismiss)
    page.get_by_role("button", name="删除草稿").click()
    page.wait_for_timeout(300)
    assert asked == ["删除这份草稿？删除后不能恢复。"]
    assert Proposal.objects.filter(pk=proposal.pk).exists()  # cancelled: nothing sent

    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="删除草稿").click()
    page.wait_for_url("**/proposals/mine/")
    assert page.get_by_text("草稿已删除。").is_visible()
    assert not Proposal.objects.filter(pk=proposal.pk).exists()


def test_saving_a_draft_deleted_in_another_window_keeps_the_text_as_a_new_draft(client, world):
    proposal = draft(world, title="关于试一试的建议")
    client.force_login(world.user("zhang"))
    url = f"/proposals/{proposal.pk}/edit/"
    assert client.get(url).status_code == 200  # the edit page is open in one window
    client.post(f"/proposals/{proposal.pk}/act/delete_draft/")  # deleted in another
    typed = {
        **PROPOSAL_TEXT,
        "title": "关于社区助餐点的建议",
        "facts": "我区独居老人吃饭难，社区里没有助餐点。",
        "is_public_interest": "on",
        "do": "save",
        "version": str(proposal.version),
    }
    response = client.post(url, typed)
    assert response.status_code == 409
    page = response.content.decode()
    assert "已在其他窗口删除" in page
    assert "关于社区助餐点的建议" in page and "独居老人吃饭难" in page
    assert 'action="/proposals/new/"' in page  # saving it makes a new draft
    assert not Proposal.objects.exists()  # nothing saved until the member says so

    typed.pop("version")
    saved = client.post("/proposals/new/", {**typed, "draft_key": ""})
    assert saved.status_code == 302
    assert Proposal.objects.get().title == "关于社区助餐点的建议"

    # Anybody else posting to the deleted draft's address learns nothing of it.
    client.force_login(world.user("wang"))
    assert client.post(url, typed).status_code == 404

"""A member saves a new draft, taps the phone's back button (the new-proposal page comes
back with the text still typed in), changes something and saves again: the change goes into
the draft already saved, not into a second copy of it."""

import uuid

import pytest

from tests.proposals.conftest import PROPOSAL_TEXT
from xieshang.proposals.models import Proposal


def page_key(client) -> str:
    """The key proposals.js writes into the new-proposal page's empty key field."""
    page = client.get("/proposals/new/").content.decode()
    assert '<input type="text" hidden name="draft_key" value="" data-draft-key' in page
    return uuid.uuid4().hex


def form_data(key, **overrides):
    data = {**PROPOSAL_TEXT, "is_public_interest": "on", "do": "save", "draft_key": key}
    data.update(overrides)
    return data


@pytest.mark.clause("C4.6")
def test_saving_the_new_proposal_page_again_updates_its_draft_not_a_second_one(client, world):
    client.force_login(world.user("zhang"))
    key = page_key(client)
    assert client.post("/proposals/new/", form_data(key)).status_code == 302
    draft = Proposal.objects.get()

    # Back to the page as it was, one more change, saved again.
    response = client.post("/proposals/new/", form_data(key, title="改过的案由"))
    assert response.status_code == 302
    assert response["Location"] == draft.get_absolute_url()
    assert Proposal.objects.count() == 1
    draft.refresh_from_db()
    assert draft.title == "改过的案由"
    # And once more: the key follows the draft's new version.
    client.post("/proposals/new/", form_data(key, title="再改的案由"))
    assert Proposal.objects.count() == 1 and Proposal.objects.get().title == "再改的案由"

    # A fresh new-proposal page is a new proposal.
    other = page_key(client)
    assert other != key
    client.post("/proposals/new/", form_data(other, title="另一件提案"))
    assert Proposal.objects.count() == 2


@pytest.mark.clause("C4.6")
def test_the_old_page_saved_after_the_draft_was_edited_elsewhere_is_refused_and_kept(client, world):
    client.force_login(world.user("zhang"))
    key = page_key(client)
    client.post("/proposals/new/", form_data(key))
    draft = Proposal.objects.get()
    edited = client.post(
        f"/proposals/{draft.pk}/edit/", form_data("", title="在编辑页改的", version=draft.version)
    )
    assert edited.status_code == 302

    response = client.post("/proposals/new/", form_data(key, title="返回旧页面改的"))
    assert response.status_code == 400
    page = response.content.decode()
    assert "返回旧页面改的" in page and "其他窗口" in page
    assert Proposal.objects.count() == 1 and Proposal.objects.get().title == "在编辑页改的"

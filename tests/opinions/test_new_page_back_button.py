"""A member submits a new 社情民意 item, taps the phone's back button (the new-item page comes
back with the text still typed in) and taps 提交 again: the office gets one item, not two.
Saved as a draft and changed on the page brought back, the change goes into that draft."""

import uuid

import pytest

from xieshang.opinions.models import Opinion

pytestmark = pytest.mark.django_db
S = Opinion.Status


def page_key(client) -> str:
    """The key proposals.js writes into the new-item page's empty key field."""
    page = client.get("/opinions/new/").content.decode()
    assert 'name="draft_key" value="" data-draft-key' in page
    return uuid.uuid4().hex


def form_data(key, action, **overrides):
    data = {
        "title": "关于老旧小区加装电梯资金分摊的建议",
        "facts": "进展缓慢。",
        "analysis": "分摊办法不明确。",
        "suggestions": "出台分摊指导意见。",
        "action": action,
        "draft_key": key,
    }
    data.update(overrides)
    return data


@pytest.mark.clause("C3.2")
def test_submitting_the_page_again_after_the_back_button_sends_no_second_item(client, world):
    client.force_login(world["member"].user)
    key = page_key(client)
    first = client.post("/opinions/new/", form_data(key, "submit"))
    assert first.status_code == 302
    item = Opinion.objects.get()
    assert item.status == S.SUBMITTED

    again = client.post("/opinions/new/", form_data(key, "submit"))
    assert again.status_code == 400
    assert "已提交" in again.content.decode()  # says why, with the text kept
    assert Opinion.objects.count() == 1


@pytest.mark.clause("C3.2")
def test_a_draft_saved_then_changed_on_the_page_brought_back_is_the_same_item(client, world):
    client.force_login(world["member"].user)
    key = page_key(client)
    client.post("/opinions/new/", form_data(key, "save"))
    draft = Opinion.objects.get()

    changed = client.post("/opinions/new/", form_data(key, "save", title="改过的标题"))
    assert changed.status_code == 302 and changed["Location"] == f"/opinions/{draft.pk}/"
    client.post("/opinions/new/", form_data(key, "submit", title="再改的标题"))
    assert Opinion.objects.count() == 1
    draft.refresh_from_db()
    assert draft.title == "再改的标题" and draft.status == S.SUBMITTED

    # A fresh new-item page is a new item.
    client.post("/opinions/new/", form_data(page_key(client), "save", title="另一篇"))
    assert Opinion.objects.count() == 2


def test_another_members_key_is_not_theirs(client, world):
    """A key is kept in the member's own session: another member's post with the same key
    creates their own item."""
    key = uuid.uuid4().hex
    client.force_login(world["member"].user)
    client.post("/opinions/new/", form_data(key, "save"))
    client.force_login(world["other_member"].user)
    assert client.post("/opinions/new/", form_data(key, "save")).status_code == 302
    assert Opinion.objects.count() == 2

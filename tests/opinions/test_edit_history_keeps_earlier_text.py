"""An office's edit of a member's item is on the item's history with the fields it changed
(in the reader's language) and the member's earlier wording, readable there (F8): a short
field as before → after, a long text folded with both versions. A draft's own working text
is its author's alone: its edits name the fields only."""

import pytest
from django.utils import translation

from tests.opinions.factories import make_opinion
from xieshang.core.audit import history
from xieshang.opinions import services
from xieshang.opinions.models import Opinion

pytestmark = pytest.mark.django_db
S = Opinion.Status

OLD_TITLE = "关于老旧小区电动自行车充电设施不足的建议"
NEW_TITLE = "关于破解老旧小区电动自行车充电难题的建议"
OLD_SUGGESTIONS = "建议在每个小区增设集中充电棚，由物业统一管理。"
NEW_SUGGESTIONS = "建议将充电设施纳入老旧小区改造清单，分批建设。"


def _edited_by_office(world) -> Opinion:
    opinion = make_opinion(
        world["member"], state=S.SUBMITTED, title=OLD_TITLE, suggestions=OLD_SUGGESTIONS
    )
    opinion.refresh_from_db()
    services.opinion_update(
        opinion=opinion,
        actor=world["office"],
        expected_version=opinion.version,
        title=NEW_TITLE,
        suggestions=NEW_SUGGESTIONS,
    )
    return opinion


def test_the_items_history_shows_what_the_office_changed_and_the_earlier_text(world, client):
    opinion = _edited_by_office(world)
    for reader in (world["office"], world["member"].user):
        client.force_login(reader)
        page = client.get(f"/opinions/{opinion.pk}/").content.decode()
        history_panel = page[page.index('id="history"') :]
        assert "修改：标题、意见建议" in history_panel
        assert f"标题：{OLD_TITLE} → {NEW_TITLE}" in history_panel
        # The member's own suggestions stay readable, folded, beside the office's wording.
        assert "意见建议：查看修改前后" in history_panel
        assert OLD_SUGGESTIONS in history_panel and NEW_SUGGESTIONS in history_panel
        assert "基本情况：查看修改前后" not in history_panel  # unchanged parts are not listed


def test_the_changed_fields_read_in_english(world):
    opinion = _edited_by_office(world)
    event = history(opinion).get(verb="opinion.edit")
    assert event.note == "修改：标题、意见建议"  # the trail as written, in the site's language
    # The fields' names are the form's labels, read in the reader's language ("Changed:
    # Title, Opinion" once the catalogue has the note's own two messages).
    with translation.override("en"):
        shown = event.shown_note
    assert "Title" in shown and "Opinion" in shown and "标题" not in shown


def test_a_drafts_edit_names_the_fields_but_keeps_no_earlier_text(world, client):
    draft = make_opinion(world["member"], suggestions=OLD_SUGGESTIONS)
    draft.refresh_from_db()
    services.opinion_update(
        opinion=draft,
        actor=world["member"].user,
        expected_version=draft.version,
        suggestions=NEW_SUGGESTIONS,
    )
    event = history(draft).get(verb="opinion.edit")
    assert event.data["changed"] == ["suggestions"]
    client.force_login(world["member"].user)
    page = client.get(f"/opinions/{draft.pk}/").content.decode()
    assert "修改：意见建议" in page and OLD_SUGGESTIONS not in page

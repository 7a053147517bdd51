"""The "too long" warning after saving a draft describes the text just saved (F6): not the
version before it, which told the member nothing when the text became too long and told them
to shorten it right after they had."""

import pytest

from tests.opinions.factories import make_opinion
from xieshang.opinions.models import Opinion

pytestmark = pytest.mark.django_db


def _save(client, opinion, analysis: str) -> str:
    opinion.refresh_from_db()
    response = client.post(
        f"/opinions/{opinion.pk}/edit/",
        {
            "title": opinion.title,
            "facts": opinion.facts,
            "analysis": analysis,
            "suggestions": opinion.suggestions,
            "version": opinion.version,
            "action": "save",
        },
        follow=True,
    )
    assert response.status_code == 200
    return response.content.decode()


def test_the_warning_after_saving_a_draft_counts_what_was_just_saved(client, world):
    draft = make_opinion(world["member"])
    client.force_login(world["member"].user)
    short = draft.body_length

    # Made too long: warned at once, with the new count.
    page = _save(client, draft, "析" * 1500)
    long = len(draft.facts) + 1500 + len(draft.suggestions)
    assert f"已保存。正文共{long}字，超过1500字的上限，提交前请删减。" in page

    # Cut down again: just "Saved", no warning about the earlier text.
    page = _save(client, draft, "短")
    assert "已保存。" in page
    assert "超过1500字的上限" not in page
    assert Opinion.objects.get(pk=draft.pk).body_length < short

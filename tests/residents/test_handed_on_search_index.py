"""The upgrade that masked the numbers a resident typed in the topics and 社情民意 items made
from their issues (residents 0005) leaves no whole number in the text index either: a staff
search for the resident's phone or ID number no longer finds the item (residents 0006)."""

import importlib

import pytest
from django.apps import apps

from tests.residents.conftest import accepted
from xieshang.consultation.models import Topic
from xieshang.opinions.models import Opinion
from xieshang.residents import services
from xieshang.textsim import index
from xieshang.textsim.models import SearchEntry, SimilarityVector
from xieshang.textsim.search import search

pytestmark = [pytest.mark.django_db, pytest.mark.clause("C2.11")]

TITLE = "路灯不亮 13812345678"
TYPED = "北门路灯坏了，请联系我13812345678，身份证110101199003071234。"


def _found(model, fields, query):
    return list(search(model.objects.all(), fields, query).values_list("pk", flat=True))


def test_items_masked_by_the_upgrade_are_no_longer_found_by_the_whole_number(world):
    issue, _code = accepted(world, title=TITLE, description=TYPED)
    services.issue_to_topic(issue=issue, actor=world["liaison"])
    other, _code = accepted(world, title=TITLE, description=TYPED)
    services.issue_to_opinion(issue=other, actor=world["liaison"])
    issue.refresh_from_db()
    other.refresh_from_db()
    topic, opinion = issue.topic, other.opinion
    # As written and indexed before the fix: the resident's words whole.
    Topic.objects.filter(pk=topic.pk).update(title=TITLE, description=TYPED)
    Opinion.objects.filter(pk=opinion.pk).update(title=TITLE, facts=TYPED)
    index.index_object(Opinion.objects.get(pk=opinion.pk))
    # (A topic's index masks numbers since consultation 0008: its old entry is written
    # as it was.)
    entry = SearchEntry.objects.filter(content_type__model="topic", object_id=topic.pk)
    entry.update(**index.fields_from_text([TITLE, topic.ticket], [topic.proposer_name], [TYPED]))
    assert _found(Topic, ["title"], "13812345678") == [topic.pk]
    assert _found(Opinion, ["title"], "110101199003071234") == [opinion.pk]
    untouched = SearchEntry.objects.exclude(object_id__in=[topic.pk, opinion.pk]).count()

    for name in ("0005_mask_handed_on_numbers", "0006_reindex_masked_handed_on"):
        upgrade = importlib.import_module(f"xieshang.residents.migrations.{name}")
        runner = upgrade.Migration.operations[0].code
        runner(apps, None)

    for number in ("13812345678", "110101199003071234"):
        assert _found(Topic, ["title"], number) == []
        assert _found(Opinion, ["title"], number) == []
    # Still found by their words, and by the masked number's ends as their pages show it.
    assert _found(Topic, ["title"], "路灯") == [topic.pk]
    assert _found(Opinion, ["title"], "路灯") == [opinion.pk]
    # The titles kept for similar items hold no whole number either.
    kept = SimilarityVector.objects.filter(object_id__in=[topic.pk, opinion.pk])
    texts = list(kept.exclude(content_type__model="residentissue").values_list("text", flat=True))
    assert texts and not any("13812345678" in text for text in texts)
    # Only the handed-on items were written again.
    assert SearchEntry.objects.exclude(object_id__in=[topic.pk, opinion.pk]).count() == untouched

"""A phone or ID number a resident typed into their issue is masked on every staff page;
the text index and the header search hold it masked too, so a staff search for the whole
number no longer tells which issue holds it (residents 0007 rewrites the old entries)."""

import importlib

import pytest
from django.apps import apps

from tests.residents.conftest import accepted
from xieshang.core import search as header_search
from xieshang.residents.models import ResidentIssue
from xieshang.textsim import index
from xieshang.textsim.models import SearchEntry, SimilarityVector
from xieshang.textsim.search import search

pytestmark = [pytest.mark.django_db, pytest.mark.clause("C2.11")]

TITLE = "路灯不亮 请回电13812345678"
TYPED = "北门路灯坏了，请联系我13812345678，身份证110101199003071234。"


def _found(query):
    rows = search(ResidentIssue.objects.all(), ["title", "ticket"], query)
    return list(rows.values_list("pk", flat=True))


def test_a_search_for_the_whole_number_finds_no_issue_and_the_hit_reads_masked(world):
    issue, _code = accepted(world, title=TITLE, description=TYPED, location="北门13812345678号")
    assert _found("13812345678") == []
    assert _found("110101199003071234") == []
    assert _found("路灯") == [issue.pk]
    groups = header_search.search(world["office"], "路灯")
    hits = [h for g in groups if g.kind == "residents" for h in g.hits]
    assert [h.number for h in hits] == [issue.ticket]
    assert hits[0].title == "路灯不亮 请回电138****5678"
    kept = SimilarityVector.objects.get(content_type__model="residentissue", object_id=issue.pk)
    assert "13812345678" not in kept.text


def test_the_upgrade_rewrites_the_entries_that_held_a_whole_number(world):
    issue, _code = accepted(world, title=TITLE, description=TYPED)
    plain, _code = accepted(world, title="小区垃圾清运不及时", description="每天下午才来")
    # As indexed before: the resident's words whole.
    entry = SearchEntry.objects.get(content_type__model="residentissue", object_id=issue.pk)
    raw = index.fields_from_text([TITLE, issue.ticket], [], ["", TYPED])
    SearchEntry.objects.filter(pk=entry.pk).update(**raw)
    assert _found("13812345678") == [issue.pk]
    before = SearchEntry.objects.get(content_type__model="residentissue", object_id=plain.pk)

    upgrade = importlib.import_module("xieshang.residents.migrations.0007_reindex_issue_numbers")
    upgrade.Migration.operations[0].code(apps, None)

    assert _found("13812345678") == [] and _found("110101199003071234") == []
    assert _found("路灯") == [issue.pk]
    after = SearchEntry.objects.get(content_type__model="residentissue", object_id=plain.pk)
    assert after.digest == before.digest  # an issue with no number is left as it was

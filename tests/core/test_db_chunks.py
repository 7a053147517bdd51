"""core.db.in_chunks: a background export reads its rows a chunk at a time, in the list's
order, and honours the list's limit."""

import pytest

from xieshang.core.audit import record_event
from xieshang.core.db import in_chunks
from xieshang.core.models import Event

pytestmark = pytest.mark.django_db


def test_it_gives_every_row_in_the_querysets_order_across_chunks():
    for i in range(7):
        record_event(actor=None, verb="member.update", note=f"第{i}条")

    def qs():
        return Event.objects.filter(verb="member.update").order_by("-note")

    assert [e.note for e in in_chunks(qs(), size=3)] == [e.note for e in qs()]
    assert [e.note for e in in_chunks(qs()[:4], size=3)] == ["第6条", "第5条", "第4条", "第3条"]


def test_no_read_is_open_while_the_caller_handles_a_row(django_assert_num_queries):
    for i in range(5):
        record_event(actor=None, verb="member.update", note=f"第{i}条")
    rows = in_chunks(Event.objects.order_by("id"), size=2)
    # The ids, then one query per chunk of two, each read whole before its rows are given.
    with django_assert_num_queries(2):
        first = next(rows)
        second = next(rows)
    with django_assert_num_queries(1):
        third = next(rows)
    assert [first.note, second.note, third.note] == ["第0条", "第1条", "第2条"]

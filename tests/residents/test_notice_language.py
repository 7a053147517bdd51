"""The history note of a resident's deleted phone number is read in the reader's language,
in whichever the purge ran."""

import datetime as dt

import time_machine
from django.utils import translation

from tests.residents.conftest import raise_issue
from xieshang.core.audit import history
from xieshang.orgs import config
from xieshang.residents import privacy, services


def test_the_phone_deletion_note_reads_in_each_readers_language(world):
    with time_machine.travel(dt.datetime(2026, 3, 2, 10, 0, tzinfo=dt.UTC), tick=False):
        config.set_value(world["district"], "residents.phone_keep_days", 30, actor=world["office"])
        issue, _code = raise_issue(world)
        services.issue_close(issue=issue, actor=world["liaison"], reply="已处理。")
    with (
        time_machine.travel(dt.datetime(2026, 4, 2, 10, 0, tzinfo=dt.UTC), tick=False),
        translation.override("en"),
    ):
        assert privacy.purge_phones() == 1
    event = history(issue).get(verb="resident_issue.phone_delete")
    assert event.note == "办结满30天，已删除群众联系电话。"
    with translation.override("en"):
        assert event.shown_note == (
            "Closed for 30 days; the resident's phone number has been deleted."
        )


def test_the_channel_noted_when_an_issue_is_raised_reads_in_the_readers_language(world):
    with translation.override("en"):  # the liaison's page is in English
        issue, _code = raise_issue(world)
    event = history(issue).get(verb="resident_issue.create")
    label = issue.get_channel_display()
    assert event.note == label  # the trail as written, in the site's language
    with translation.override("en"):
        english = event.shown_note
    assert english and english != label and not any("\u4e00" <= c <= "\u9fff" for c in english)

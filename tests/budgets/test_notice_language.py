"""The over-budget notice is read in the reader's language, whoever spent in which: a clerk
working in English leaves the Chinese chair a Chinese notice, and an English reader reads
English."""

from django.utils import translation

from xieshang.core.models import Notification

from .conftest import YEAR, make_line, spend


def test_going_over_budget_from_an_english_page_tells_the_chair_in_each_readers_language(world):
    line = make_line(world, planned="1000")
    with translation.override("en"):
        spend(world, line, "1200")
    told = Notification.objects.get(recipient=world["chair"])
    assert told.title == "经费超预算：委员履职手册印制"  # stored in the site's language
    assert told.body == f"{YEAR}年预算 1,000.00 元，已支出 1,200.00 元。"
    with translation.override("zh-hans"):
        assert told.shown_title == "经费超预算：委员履职手册印制"
    with translation.override("en"):
        assert told.shown_title == "Over budget: 委员履职手册印制"
        assert told.shown_body.startswith(f"Budget for {YEAR}: 1,000.00 yuan; spent: 1,200.00")


def test_the_lines_history_reads_the_amount_in_brackets_of_the_readers_language(world):
    from xieshang.core.models import Event

    line = make_line(world)
    spend(world, line, "3600", purpose="会场租用")
    event = Event.objects.get(verb="budget.spend")
    assert event.note == "会场租用（3,600.00）"  # the trail as written, in the site's language
    with translation.override("en"):
        assert event.shown_note == "会场租用 (3,600.00)"

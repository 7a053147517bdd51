"""Dates on pages: 2026年12月17日 in Chinese (official convention), the English way in the
English interface ("Request leave by Dec. 17, 2026", not "by 2026年12月17日")."""

import datetime as dt

from django.template import Context, Template
from django.utils import translation

PAGE = Template("{% load xs %}{{ day|cndate }} | {{ moment|cndatetime }} | {{ none|cndate }}")
DAY = dt.date(2026, 12, 17)
MOMENT = dt.datetime(2026, 12, 17, 1, 5, tzinfo=dt.UTC)  # 09:05 in Beijing


def render(language: str) -> str:
    with translation.override(language):
        return PAGE.render(Context({"day": DAY, "moment": MOMENT, "none": None}))


def test_chinese_pages_write_dates_the_official_way():
    assert render("zh-hans") == "2026年12月17日 | 2026年12月17日 09:05 | "


def test_english_pages_write_dates_the_english_way():
    assert render("en") == "Dec. 17, 2026 | Dec. 17, 2026 09:05 | "


def test_a_message_dates_itself_in_the_readers_language():
    """A refusal from a service reads "…(Jan. 10, 2022)" to an English reader, while text kept
    for later (the audit trail) stays in the official Chinese form."""
    from xieshang.core.text import chinese_date, reader_date

    with translation.override("en"):
        assert reader_date(MOMENT) == "Dec. 17, 2026"
        assert chinese_date(DAY) == "2026年12月17日"
    with translation.override("zh-hans"):
        assert reader_date(DAY) == "2026年12月17日"
    assert reader_date(None) == ""

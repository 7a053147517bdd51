"""Brackets and colons the code puts between two values follow the reader's language."""

from django.utils import translation

from xieshang.core.text import aside, labelled


def test_a_note_in_brackets_is_chinese_for_chinese_readers_and_english_for_english_ones():
    assert aside("民政局", "主办") == "民政局（主办）"
    assert labelled("标题", "加装电梯") == "标题：加装电梯"
    with translation.override("en"):
        assert aside("民政局", "Lead") == "民政局 (Lead)"
        assert labelled("Title", "加装电梯") == "Title: 加装电梯"

import datetime as dt

import pytest

from xieshang.core.text import chinese_date, chinese_number, stroke_count, stroke_sort_key
from xieshang.orgs.models import Session, Term


@pytest.mark.parametrize(
    ("n", "text"),
    [
        (1, "一"),
        (3, "三"),
        (10, "十"),
        (12, "十二"),
        (15, "十五"),
        (20, "二十"),
        (21, "二十一"),
        (100, "一百"),
        (105, "一百零五"),
        (110, "一百一十"),
        (123, "一百二十三"),
    ],
)
def test_it_writes_chinese_numerals(n, text):
    assert chinese_number(n) == text


def test_it_writes_official_dates():
    assert chinese_date(dt.date(2026, 11, 5)) == "2026年11月5日"
    assert chinese_date(dt.datetime(2026, 1, 1, 17, 0, tzinfo=dt.UTC)) == "2026年1月2日"  # Beijing


def test_session_names_use_chinese_numerals():
    term = Term(number=15)
    assert str(term) == "第十五届"
    assert str(Session(term=term, number=3)) == "第十五届第三次会议"


def test_stroke_counts_of_common_surnames():
    assert [stroke_count(c) for c in "丁王李张陈黄"] == [2, 4, 7, 7, 7, 11]


def test_same_stroke_count_orders_by_first_stroke():
    # 王 (横起笔) before 毛 (撇起笔) before 方 (点起笔) before 邓 (折起笔): all four strokes.
    names = ["邓小平", "方明", "毛伟", "王芳"]
    assert sorted(names, key=stroke_sort_key) == ["王芳", "毛伟", "方明", "邓小平"]


def test_a_shorter_name_sorts_before_a_longer_one_with_the_same_start():
    assert sorted(["张三丰", "张三"], key=stroke_sort_key) == ["张三", "张三丰"]

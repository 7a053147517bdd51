"""A chart's value axis in a real browser: "2篇" in Chinese, "2 item(s)" in English (a word
after a number takes a space; static/xs/charts.js)."""

import re

import pytest
from django.urls import reverse

from tests.conftest import login
from tests.opinions.factories import make_opinion
from xieshang.opinions.models import Opinion

AXIS = "(el) => [...el.querySelectorAll('svg text')].map(t => t.textContent)"


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_value_axis_puts_a_space_before_an_english_unit(page, world):
    for i in range(3):
        make_opinion(world["member"], state=Opinion.Status.SUBMITTED, title=f"关于第{i}件事的建议")
    login(page, world["office"].username)
    url = page.base_url + reverse("opinions:stats")
    page.goto(url)
    chart = page.locator("#chart-opinion-adoption [data-chart]")
    chart.locator("svg").first.wait_for()
    chinese = chart.evaluate(AXIS)
    assert "1篇" in chinese or "2篇" in chinese, chinese

    page.context.add_cookies([{"name": "django_language", "value": "en", "url": page.base_url}])
    page.goto(url)
    chart.locator("svg").first.wait_for()
    labels = chart.evaluate(AXIS)
    assert any(re.fullmatch(r"\d+ item\(s\)", t) for t in labels), labels
    assert not any(re.search(r"\ditem", t) for t in labels), labels


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_count_axis_ticks_whole_numbers(page, world):
    """One item: ECharts would tick 0, 0.2, … 1 篇; counts tick whole numbers only."""
    make_opinion(world["member"], state=Opinion.Status.SUBMITTED, title="关于一件事的建议")
    login(page, world["office"].username)
    page.goto(page.base_url + reverse("opinions:stats"))
    chart = page.locator("#chart-opinion-adoption [data-chart]")
    chart.locator("svg").first.wait_for()
    ticks = [t for t in chart.evaluate(AXIS) if t.endswith("篇")]
    assert ticks and all(re.fullmatch(r"\d+篇", t) for t in ticks), ticks

"""A bar chart of many names (the work report's 23 handling units, on the wall screen and the
report page) in a real browser: every name is written, none dropped for overlapping, and
each bar says its value (static/xs/charts.js lays such bars down)."""

import json

import pytest
from django.templatetags.static import static

from xieshang.core import charts

UNITS = [f"区第{i}号承办单位街道办事处" for i in range(1, 24)]
TEXTS = "(el) => [...el.querySelectorAll('svg text')].map(t => t.textContent)"


def chart_page(page, spec: dict, *, dark: bool, width: int) -> None:
    """A page of one chart as charts/chart.html draws it, served from the live server."""
    url = page.base_url + "/chart-test/"
    html = f"""<!doctype html><html><head><meta charset="utf-8">
<script src="{page.base_url}{static("vendor/echarts/echarts.min.js")}" defer></script>
<script src="{page.base_url}{static("xs/charts.js")}" defer></script>
<link rel="stylesheet" href="{page.base_url}{static("xs/site.css")}"></head>
<body{' class="xs-screen" data-chart-theme="dark"' if dark else ""}>
<div style="width:{width}px"><div class="xs-chart-canvas" data-chart="c-data"></div></div>
<script type="application/json" id="c-data">{json.dumps(spec)}</script></body></html>"""
    page.route(url, lambda route: route.fulfill(body=html, content_type="text/html"))
    page.goto(url)
    page.locator("[data-chart] svg").first.wait_for()


@pytest.mark.browser
@pytest.mark.parametrize(("dark", "width"), [(True, 600), (False, 1200), (False, 360)])
def test_every_unit_is_named_and_every_bar_says_its_value(page, dark, width):
    spec = charts.bar(
        "c",
        "承办单位按时答复率和满意率",
        UNITS,
        [
            {"name": "按时答复率", "data": [50 + i for i in range(23)], "missing": "未交办"},
            {"name": "结果满意率", "data": [70 + i for i in range(23)], "missing": "未评价"},
        ],
        unit="%",
    )
    chart_page(page, spec, dark=dark, width=width)
    # A long name may break onto a second line: the written pieces, joined, are the names.
    texts = "".join(page.locator("[data-chart]").evaluate(TEXTS))
    missing = [name for name in UNITS if name not in texts]
    assert not missing, missing
    assert "72%" in texts and "92%" in texts  # 22nd unit's bars: their values are written
    # The canvas grew to give each unit its row (a fixed 280 px would squeeze 23 rows).
    height = page.locator("[data-chart]").evaluate("(el) => el.clientHeight")
    assert height >= 23 * 30, height


@pytest.mark.browser
def test_a_few_names_stay_upright_bars(page):
    series = [{"name": "件", "data": [3, 2, 1]}]
    spec = charts.bar("c", "结果", ["立案", "并案", "不予立案"], series)
    chart_page(page, spec, dark=False, width=800)
    height = page.locator("[data-chart]").evaluate("(el) => el.clientHeight")
    assert height == 280, height


@pytest.mark.browser
def test_twelve_months_with_room_stay_upright(page):
    months = [f"{m}月" for m in range(1, 13)]
    spec = charts.bar("c", "协商计划按月进度", months, [{"name": "计划", "data": [1] * 12}])
    chart_page(page, spec, dark=True, width=1800)
    texts = page.locator("[data-chart]").evaluate(TEXTS)
    assert all(m in texts for m in months), texts
    # Upright: the wall screen's own canvas height (32vh of 900 px), not grown by rows.
    height = page.locator("[data-chart]").evaluate("(el) => el.clientHeight")
    assert height < 400, height


@pytest.mark.browser
def test_the_wall_screen_writes_axis_names_at_its_own_text_size(page):
    """ECharts draws axis labels at 12 px whatever the theme; the wall is read from afar."""
    months = [f"{m}月" for m in range(1, 13)]
    spec = charts.bar("c", "协商计划按月进度", months, [{"name": "计划", "data": [1] * 12}])
    chart_page(page, spec, dark=True, width=1800)
    sizes = page.locator("[data-chart]").evaluate(
        "(el) => [...el.querySelectorAll('svg text')].filter(t => t.textContent === '5月')"
        ".map(t => getComputedStyle(t).fontSize)"
    )
    assert sizes == ["16px"], sizes


@pytest.mark.browser
def test_names_with_room_side_by_side_are_written_whole(page):
    """Eleven meeting kinds on a wide wall: upright, not slanted and cut at 120 px."""
    kinds = ["全体会议", "常务委员会会议", "委员活动小组活动", "委员工作室活动", *"ABCDEFG"]
    spec = charts.bar("c", "委员出席情况", kinds, [{"name": "出席", "data": list(range(11))}])
    chart_page(page, spec, dark=True, width=1800)
    texts = page.locator("[data-chart]").evaluate(TEXTS)
    assert "委员活动小组活动" in texts, texts

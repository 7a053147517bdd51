"""Chart specs (core.charts): what ECharts draws, the table fallback and the summary
sentence all carry the same numbers; a chart without data says so instead of drawing."""

from django.template.loader import render_to_string

from xieshang.core import charts


def test_a_bar_chart_has_its_numbers_as_table_rows_and_a_summary():
    spec = charts.bar(
        "c1",
        "按时答复率",
        ["区教育局", "区住建局"],
        [{"name": "按时答复率", "data": [80.0, None]}],
        unit="%",
    )
    assert spec["series"] == [{"name": "按时答复率", "data": [80.0, 0]}]
    assert spec["rows"] == [["区教育局", 80.0], ["区住建局", 0]]
    assert spec["summary"] == "按时答复率：区教育局最高，为80.0%。"


def test_a_pie_chart_sums_its_parts():
    spec = charts.pie("c2", "审查结果", ["立案", "并案"], [3, 1], unit="件")
    assert spec["summary"] == "审查结果：共4件，其中立案最多，为3件。"


def test_an_empty_chart_renders_its_summary_and_no_drawing():
    spec = charts.line("c3", "逐月收到提案", ["1月", "2月"], [{"name": "收到", "data": [0, 0]}])
    html = render_to_string("charts/chart.html", {"chart": spec})
    assert "逐月收到提案：暂无数据。" in html
    assert "data-chart" not in html and "c3-data" not in html


def test_the_chart_is_labelled_and_its_data_is_a_json_block():
    spec = charts.bar("c4", "出席", ["全体会议"], [{"name": "出席", "data": [5]}])
    html = render_to_string("charts/chart.html", {"chart": spec})
    assert 'role="img" aria-label="出席：全体会议最高，为5。"' in html
    assert '<script id="c4-data" type="application/json">' in html
    assert 'data-label="出席"' in html  # the fallback table goes through {% listtable %}

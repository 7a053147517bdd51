"""Charts in a real browser (issue 12): ECharts draws the figures page's and the big
screen's charts as SVG under the strict CSP with no console error, and each chart keeps its
table fallback."""

import pytest

from tests.conftest import login
from tests.proposals.conftest import accepted, submitted

pytestmark = [pytest.mark.clause("C4.6")]


def watch_console(page) -> list[str]:
    """Script failures and CSP violations (they land in the console as errors)."""
    problems: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: problems.append(str(e)))
    return problems


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_charts_render_under_the_csp_without_console_errors(page, world):
    accepted(world, title="关于优化公交线路的建议")
    submitted(world, title="关于增设社区养老食堂的建议")
    problems = watch_console(page)
    login(page, world.office.username)
    page.goto(page.base_url + f"/proposals/figures/?organisation={world.district.pk}")
    canvas = page.locator("#chart-review [data-chart]")
    canvas.locator("svg").first.wait_for()
    # One accepted, one waiting: tied, both named.
    tied = "审查结果：共2件，其中立案、待审查并列最多，均为1件。"
    assert canvas.get_attribute("aria-label") == tied
    # Hovering shows the tooltip inside the drawing, not as HTML with inline styles.
    canvas.hover()
    page.locator("#chart-review details summary").click()
    assert page.locator("#chart-review details table").is_visible()
    # The big screen: dark theme, the same chart, no console error either.
    page.goto(page.base_url + "/dashboard/screen/")
    page.locator("#chart-review [data-chart] svg").first.wait_for()
    assert page.locator("h1").inner_text().startswith("示范区政协")
    assert problems == []

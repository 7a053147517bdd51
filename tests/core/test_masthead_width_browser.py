"""The masthead at a laptop's 1366 px: the office's menu (the longest a committee staff
member has) fits in at most two rows in both languages, and the search box keeps room to
type in."""

import pytest

from tests.conftest import login
from tests.factories import make_org, user_with_role
from xieshang.orgs.models import Role

MEASURE = """() => {
  const bar = document.querySelector('.xs-masthead');
  const links = [...bar.querySelectorAll('#mainnav .navbar-nav.me-auto .nav-link')];
  const rows = new Set(links.map(a => Math.round(a.getBoundingClientRect().top)));
  return {height: bar.getBoundingClientRect().height, rows: rows.size,
          search: document.getElementById('header-search').getBoundingClientRect().width,
          overflow: document.documentElement.scrollWidth - window.innerWidth};
}"""


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_the_offices_masthead_fits_in_two_rows_at_1366_px(browser, live_server, language):
    office = user_with_role(Role.OFFICE, make_org())
    context = browser.new_context(locale="zh-CN", viewport={"width": 1366, "height": 768})
    context.set_default_timeout(15000)
    page = context.new_page()
    page.base_url = live_server.url
    try:
        login(page, office.username)
        page.context.add_cookies(
            [{"name": "django_language", "value": language, "url": page.base_url}]
        )
        page.goto(page.base_url + "/")
        found = page.evaluate(MEASURE)
    finally:
        context.close()
    assert found["rows"] <= 2, found
    assert found["height"] <= 2 * 56 + 16, found
    assert found["search"] >= 160, found
    assert found["overflow"] <= 0, found

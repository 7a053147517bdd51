"""A search-box picker in a filter row reads its choice on one line (site.css, one rule
for every GET form): on the members list at a desktop's width, 全部专委会 broke over two
lines in its column and the control stood a line taller than the name box beside it."""

import pytest

from tests.conftest import login
from tests.duty.factories import setting


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_members_list_filters_read_their_choices_on_one_line(page):
    _org, _term, office, _member = setting()
    login(page, office.username)
    page.goto(page.base_url + "/members/")
    line = page.locator("#id_q").bounding_box()["height"]
    for name, text in (("sector", "全部界别"), ("committee", "全部专委会"), ("group", "全部小组")):
        control = page.locator(f"#id_{name} + .ts-wrapper .ts-control")
        assert control.locator(".item").inner_text().strip() == text
        assert control.bounding_box()["height"] <= line + 2, name

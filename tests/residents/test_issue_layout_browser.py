"""In English on a phone, the labels of a resident's issue page ("Street/community") sit
beside their values without running into them: on the resident's lookup page and on the
staff page."""

import pytest

from tests.conftest import login
from tests.residents.conftest import accepted
from xieshang.residents import services

OVERLAPS = """() => {
  const out = [];
  document.querySelectorAll('dl.row dt').forEach(dt => {
    const dd = dt.nextElementSibling;
    if (!dd) return;
    const r = document.createRange(); r.selectNodeContents(dt);
    const t = r.getBoundingClientRect(), d = dd.getBoundingClientRect();
    const sameLine = Math.abs(t.top - d.top) < 5;
    if (dt.scrollWidth > dt.clientWidth + 1 || (sameLine && t.right > d.left + 1))
      out.push(dt.innerText);
  });
  return out;
}"""


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_labels_do_not_run_into_their_values_in_english_on_a_phone(phone_page, world):
    issue, code = accepted(world)
    services.issue_close(issue=issue, actor=world["liaison"], reply="已修复。")
    page = phone_page
    page.context.add_cookies([{"name": "django_language", "value": "en", "url": page.base_url}])
    page.goto(page.base_url + "/portal/issues/lookup/")
    page.locator("input[name=ticket]").fill(issue.ticket)
    page.locator("input[name=code]").fill(code)
    page.locator("form button[type=submit]").first.click()
    page.wait_for_load_state()
    assert page.locator("#public-place").is_visible()
    assert "Street/community" in page.content()
    assert page.evaluate(OVERLAPS) == []
    # The staff page at a tablet's width, where labels and values share a line.
    page.set_viewport_size({"width": 700, "height": 900})
    page.context.clear_cookies()
    login(page, world["liaison"].username)  # the login form in Chinese
    page.context.add_cookies([{"name": "django_language", "value": "en", "url": page.base_url}])
    page.goto(page.base_url + f"/residents/{issue.pk}/")
    assert page.evaluate(OVERLAPS) == []

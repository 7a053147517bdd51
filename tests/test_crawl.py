"""Every demo account clicks through the pages it can reach: none may fail.

A newcomer's first half hour, automated: log in as each role of the demo district, follow
the links of the home page and the navigation, then the links on those pages, and require
that every page answers without a server error, in Chinese and in English. Forms are not
submitted; this is about pages that break when the data is real and varied. The same pages
are read for stored codes shown raw (test_no_raw_codes says what that means).
"""

import re

import pytest

from tests.crawling import (  # noqa: F401 - demo is a fixture
    choice_codes,
    crawl,
    demo,
    label_faults,
    raw_code_check,
)
from xieshang.demo import accounts

MIXED_PUNCTUATION = re.compile(r".{0,12}(?:[A-Za-z][（：，；]|[（：，；] ?[A-Za-z]).{0,12}")


@pytest.mark.django_db
@pytest.mark.usefixtures("demo")
@pytest.mark.parametrize("username", [u for u, _label in accounts()])
def test_every_page_a_role_can_reach_opens(client, username):
    from xieshang.core.models import User

    user = User.objects.get(username=username)
    client.force_login(user)
    mislabelled = {}
    raw_codes: list[str] = []
    check_codes = raw_code_check(username, choice_codes(), raw_codes)

    def visit(url, html):
        if faults := label_faults(html):
            mislabelled[url] = faults
        check_codes(url, html)

    pages = crawl(client, visit=visit)
    assert mislabelled == {}, mislabelled
    assert raw_codes == [], "\n".join(raw_codes)
    broken = {url: code for url, code in pages.items() if code >= 500}
    assert broken == {}, broken
    # A link shown to a role must open for it: no link to a page that says "not found".
    dead = {url: code for url, code in pages.items() if code in (403, 404)}
    assert dead == {}, dead
    assert len(pages) > 3, pages  # the role has somewhere to go


@pytest.mark.django_db
@pytest.mark.usefixtures("demo")
@pytest.mark.parametrize("username", ["office", "dept"])
def test_a_roles_pages_open_in_english(client, username):
    from xieshang.core.models import User

    client.force_login(User.objects.get(username=username))
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    mixed = {}

    def visit(url, html):
        # The interface's own brackets and colons next to English words: "Plan items：8"
        # or "区民政局（Fairly sure 93%）" read as untranslated. The demo's Chinese data
        # keeps its own punctuation, which never touches a Latin letter.
        text = re.sub(r"<(option|textarea|script)\b.*?</\1>|<[^>]+>", " ", html, flags=re.S)
        if found := MIXED_PUNCTUATION.findall(text):
            mixed[url] = found[:3]

    pages = crawl(client, visit=visit)
    assert {url: code for url, code in pages.items() if code >= 500} == {}
    assert '<html lang="en">' in client.get("/").content.decode()
    assert mixed == {}, mixed


@pytest.mark.django_db
@pytest.mark.usefixtures("demo")
def test_the_public_portal_opens_for_anyone(client):
    raw_codes: list[str] = []
    pages = crawl(client, "/portal/", visit=raw_code_check("visitor", choice_codes(), raw_codes))
    assert {url: code for url, code in pages.items() if code >= 500} == {}
    assert raw_codes == [], "\n".join(raw_codes)
    assert any(url.startswith("/portal/proposals/") for url in pages)

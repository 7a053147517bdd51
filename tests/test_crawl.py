"""Every demo account clicks through the pages it can reach: none may fail.

A newcomer's first half hour, automated: log in as each role of the demo district, follow
the links of the home page and the navigation, then the links on those pages, and require
that every page answers without a server error, in Chinese and in English. Forms are not
submitted; this is about pages that break when the data is real and varied.
"""

import io
import re
from collections import deque

import pytest
from django.core.management import call_command
from django.db import transaction

from xieshang.demo import accounts

LINK = re.compile(r'href="(/[^"#?]*(?:\?[^"#]*)?)"')
# Downloads and actions that are not pages, and pages that end the session.
SKIP = re.compile(r"(\.xlsx|\.pdf|\.ics|/logout|/static/|/media/|/i18n/|/jsi18n/|/export|/qr)")
MAX_PAGES = 40


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("seed_demo", profile="district", seed=11, stdout=io.StringIO())
        yield
        transaction.set_rollback(True)


def crawl(client, start: str = "/") -> dict[str, int]:
    seen: dict[str, int] = {}
    queue = deque([(start, 0)])
    while queue and len(seen) < MAX_PAGES:
        url, depth = queue.popleft()
        if url in seen:
            continue
        response = client.get(url)
        seen[url] = response.status_code
        if response.status_code != 200 or depth >= 2:
            continue
        if "text/html" not in response.get("Content-Type", ""):
            continue
        for link in LINK.findall(response.content.decode()):
            link = link.replace("&amp;", "&")
            if not SKIP.search(link) and link not in seen:
                queue.append((link, depth + 1))
    return seen


@pytest.mark.django_db
@pytest.mark.parametrize("username", [u for u, _label in accounts()])
def test_every_page_a_role_can_reach_opens(client, demo, username):
    from xieshang.core.models import User

    user = User.objects.get(username=username)
    client.force_login(user)
    pages = crawl(client)
    broken = {url: code for url, code in pages.items() if code >= 500}
    assert broken == {}, broken
    # A link shown to a role must open for it: no link to a page that says "not found".
    dead = {url: code for url, code in pages.items() if code in (403, 404)}
    assert dead == {}, dead
    assert len(pages) > 3, pages  # the role has somewhere to go


@pytest.mark.django_db
def test_the_office_pages_open_in_english(client, demo):
    from xieshang.core.models import User

    client.force_login(User.objects.get(username="office"))
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    pages = crawl(client)
    assert {url: code for url, code in pages.items() if code >= 500} == {}
    assert "Members" in client.get("/").content.decode()


@pytest.mark.django_db
def test_the_public_portal_opens_for_anyone(client, demo):
    pages = crawl(client, "/portal/")
    assert {url: code for url, code in pages.items() if code >= 500} == {}
    assert any(url.startswith("/portal/proposals/") for url in pages)

"""The demo data set and the link crawl shared by the crawl tests (test_crawl,
test_crawl_city, test_no_raw_codes, test_browser_crawl).

`crawl` follows the links of a start page breadth first, two clicks deep, as a newcomer
would; forms are not submitted and downloads are not fetched. `raw_code_check` is the
visit that looks for stored codes shown where a reader expects words (issue 10); the crawls
run it on the pages they open anyway, so no page is fetched twice for it.
"""

import re
from collections import Counter, deque
from collections.abc import Callable
from html.parser import HTMLParser

from django.apps import apps
from django.db import models

from tests.demodata import DEMO_SEED, city_demo, demo, seed_demo_data  # noqa: F401 - shared

LINK = re.compile(r'href="(/[^"#?]*(?:\?[^"#]*)?)"')
# Downloads and actions that are not pages, and pages that end the session.
SKIP = re.compile(r"(\.xlsx|\.pdf|\.ics|/logout|/static/|/media/|/i18n/|/jsi18n/|/export|/qr)")
MAX_PAGES = 40


def crawl(
    client,
    start: str = "/",
    *,
    visit: Callable[[str, str], None] | None = None,
    max_pages: int = MAX_PAGES,
) -> dict[str, int]:
    """{url: status code} of the pages reachable from `start`; `visit(url, html)` is called
    for every HTML page that answered 200."""
    seen: dict[str, int] = {}
    queue = deque([(start, 0)])
    while queue and len(seen) < max_pages:
        url, depth = queue.popleft()
        if url in seen:
            continue
        response = client.get(url)
        seen[url] = response.status_code
        if response.status_code != 200:
            continue
        if "text/html" not in response.get("Content-Type", ""):
            continue
        html = response.content.decode()
        if visit is not None:
            visit(url, html)
        if depth >= 2:
            continue
        for link in LINK.findall(html):
            link = link.replace("&amp;", "&")
            if not SKIP.search(link) and link not in seen:
                queue.append((link, depth + 1))
    return seen


def label_faults(html: str) -> dict | None:
    """Ids used twice and labels naming no field on a page, or None. A label must name its
    own field: two fields with one id (two forms with a "note" side by side) leave a screen
    reader, and a click on the label, at the wrong box."""
    ids = Counter(re.findall(r'\sid="([^"]+)"', html))
    twice = sorted(i for i, n in ids.items() if n > 1)
    named = set(re.findall(r'\sfor="([^"]+)"', html))
    # aria-labelledby and aria-describedby name one id or several, space-separated.
    for refs in re.findall(r'\saria-(?:labelledby|describedby)="([^"]+)"', html):
        named.update(refs.split())
    orphans = sorted(named - set(ids))
    return {"twice": twice, "for nothing": orphans} if twice or orphans else None


class _VisibleText(HTMLParser):
    SKIPPED = {"script", "style", "template"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skipping = 0

    def handle_starttag(self, tag, attrs):
        if tag in self.SKIPPED:
            self._skipping += 1

    def handle_endtag(self, tag):
        if tag in self.SKIPPED and self._skipping:
            self._skipping -= 1

    def handle_data(self, data):
        if not self._skipping:
            self.parts.append(data)


def visible_text(html: str) -> str:
    """What a reader sees of a page: the text without scripts, styles, attributes and
    comments."""
    parser = _VisibleText()
    parser.feed(html)
    parser.close()
    return " ".join(parser.parts)


# --- stored codes shown raw (issue 10) ------------------------------------------------------
TOKEN = re.compile(r"[A-Za-z0-9_]+")
CODE = re.compile(r"[A-Za-z][A-Za-z0-9_]{2,}")
# Pages that list login names, which are data an administrator typed (the demo accounts
# are named after their roles: "office", "chair"…), not codes.
LOGIN_NAME_PAGES = re.compile(r"^/admin-duties/users/")


def choice_codes() -> set[str]:
    """The ASCII codes (3+ characters) of every choice list of every model, and the roles."""
    from xieshang.orgs.models import Role

    codes = {str(value) for value in Role.values}
    for model in apps.get_models():
        for field in model._meta.get_fields():
            if not isinstance(field, models.Field) or not field.choices:
                continue
            for value, label in field.flatchoices:
                # A choice whose label is its code (a year, "PDF") shows nothing raw.
                if isinstance(value, str) and str(label) != value:
                    codes.add(value)
    return {code for code in codes if code.isascii() and CODE.fullmatch(code)}


def raw_codes_in(html: str, codes: set[str]) -> list[str]:
    text = visible_text(html)
    found = []
    for match in TOKEN.finditer(text):
        if match.group() in codes and match.group() not in found:
            found.append(match.group())
    return found


def context_of(html: str, code: str) -> str:
    text = " ".join(visible_text(html).split())
    at = re.search(rf"(?<![A-Za-z0-9_]){re.escape(code)}(?![A-Za-z0-9_])", text)
    return text[max(0, at.start() - 30) : at.end() + 30] if at else ""


def raw_code_check(who: str, codes: set[str], findings: list[str]) -> Callable[[str, str], None]:
    """A crawl visit that adds to `findings` every code of `codes` a page shows as text."""
    from xieshang.core.models import User

    login_names = set(User.objects.values_list("username", flat=True))

    def visit(url: str, html: str) -> None:
        looked_for = codes - login_names if LOGIN_NAME_PAGES.match(url) else codes
        for code in raw_codes_in(html, looked_for):
            findings.append(f"{url} ({who}): {code!r} in …{context_of(html, code)}…")

    return visit

"""The demo city's accounts click through the pages they can reach: none may fail, and no
link shown to them may lead to a page that refuses them.

tests/test_crawl.py crawls every role on the demo district. The city demo has more data and
more levels: the city office above ten districts, the street liaisons of the other
districts, and in the demo district data that showed some roles links to pages closed to
them (a briefings tab for the committee staff, overdue follow-ups of consultation outcomes
for the committee staff and the United Front department, the residents' street desk for
the chair and the supervising office). Its own module: a module holds one demo at a time.
"""

import re

import pytest

from tests.crawling import (  # noqa: F401 - city_demo is a fixture
    choice_codes,
    city_demo,
    crawl,
    label_faults,
    raw_code_check,
)

# The whole district crawl again would cost a minute for little: these are the accounts
# outside the demo district and the roles whose dead links the city's data showed.
# OTHER_LIAISON stands for the liaison of a street in another district (the seed makes
# their usernames).
OTHER_LIAISON = "another district's liaison"
CITY_LOGINS = [
    "city_office",
    OTHER_LIAISON,
    "committee",
    "ufwd",
    "chair",
    "supervisor",
    "proposal",
    # The district's system administrator and auditor: the organisation tree, the rules
    # switcher and the audit log's organisation filter were lists of every organisation.
    "sysadmin",
    "auditor",
]
# Deeper than the district crawl's 40 pages: the dead links sat behind a section's tabs
# and lists, which a 40-page crawl never opened. 150 covers every page of most of these
# accounts (the chair and the city office reach some 300) in about a minute in all.
CITY_MAX_PAGES = 150
# Issue 14: no page carries an option list that grows with the data; those are pickers that
# search on the server (`data-picker-source`). On the city demo a list of every unit, street,
# sector or member in scope runs to 50–250 options (tens of thousands for a province), a
# fixed catalogue stays well under this.
MAX_OPTIONS = 40
SELECT = re.compile(r"<select([^>]*)>(.*?)</select>", re.S)
# (path, select name) of the fixed catalogues longer than MAX_OPTIONS: the audit log's `verb`
# lists the event kinds the apps register (some 220), the same at any scale of data.
FIXED_CATALOGUES = {("/audit/", "verb")}


def _login(username):
    from xieshang.core.models import User
    from xieshang.demo.data import DISTRICT_NAME
    from xieshang.orgs.models import Level, Organisation, Role

    if username != OTHER_LIAISON:
        return User.objects.get(username=username)
    district = Organisation.objects.get(name=DISTRICT_NAME, level=Level.DISTRICT)
    user = (
        User.objects.filter(role_assignments__role=Role.LIAISON)
        .exclude(role_assignments__organisation__path__startswith=district.path)
        .order_by("username")
        .first()
    )
    assert user is not None, "the city demo has liaisons in its other districts"
    return user


@pytest.mark.django_db
@pytest.mark.usefixtures("city_demo")
@pytest.mark.parametrize("username", CITY_LOGINS)
def test_every_page_a_city_account_can_reach_opens(client, username):
    client.force_login(_login(username))
    long_lists = {}
    mislabelled = {}
    raw_codes: list[str] = []
    check_codes = raw_code_check(username, choice_codes(), raw_codes)

    def visit(url, html):
        if faults := label_faults(html):
            mislabelled[url] = faults
        check_codes(url, html)
        for attrs, options in SELECT.findall(html):
            n = options.count("<option")
            if n > MAX_OPTIONS and "data-picker-source" not in attrs:
                name = re.search(r'name="([^"]*)"', attrs)
                if name and (url.split("?")[0], name.group(1)) in FIXED_CATALOGUES:
                    continue
                long_lists[(url, name.group(1) if name else attrs)] = n

    pages = crawl(client, visit=visit, max_pages=CITY_MAX_PAGES)
    broken = {url: code for url, code in pages.items() if code >= 500}
    assert broken == {}, broken
    dead = {url: code for url, code in pages.items() if code in (403, 404)}
    assert dead == {}, dead
    assert len(pages) > 3, pages  # the account has somewhere to go
    assert long_lists == {}, long_lists
    assert mislabelled == {}, mislabelled
    assert raw_codes == [], "\n".join(raw_codes)

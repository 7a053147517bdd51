"""Lists inside a sentence are joined with 、 in Chinese and ", " in English: a page in
English read "周奇 (Awaiting confirmation)、袁滢 (Awaiting confirmation)" because the
templates wrote the Chinese enumeration comma as a bare literal between the items."""

import re
from pathlib import Path

import xieshang

PACKAGE = Path(xieshang.__file__).parent
# A bare 、 right between two template tags or a tag and a value: `{% endif %}、{{ x }}`,
# `{% if not forloop.last %}、{% endif %}`, `|join:"、"`.
BARE = re.compile(r'%\}、\{[%{]|join:"、"')


def test_no_template_joins_items_with_a_bare_enumeration_comma():
    found = sorted(
        str(path.relative_to(PACKAGE))
        for path in PACKAGE.rglob("*.html")
        if BARE.search(path.read_text(encoding="utf-8"))
    )
    assert found == [], 'use {% translate "、" %} (", " in English)'


# Pages and forms speak in the reader's language; services' stored phrases, the PDFs (official
# documents, always Chinese) and the Excel templates (a data-exchange format) do not.
PAGE_CODE = ("views.py", "views_*.py", "forms.py", "forms_*.py", "selectors.py")
BARE_JOIN = re.compile(r'(?<![_\w)])"、"\.join\(')


def test_no_page_or_form_joins_items_with_a_bare_enumeration_comma():
    found = sorted(
        f"{path.relative_to(PACKAGE)}:{number}"
        for pattern in PAGE_CODE
        for path in PACKAGE.rglob(pattern)
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if BARE_JOIN.search(line) and "# typed back" not in line
    )
    assert found == [], 'use _("、").join(…) (", " in English)'


def test_the_member_list_joins_a_members_committees_in_the_readers_language(client, db):
    from tests.factories import (
        CommitteeFactory,
        MemberFactory,
        TermFactory,
        make_org,
        seat,
        user_with_role,
    )
    from xieshang.orgs.models import Level, Role

    org = make_org("东湖区政协", Level.DISTRICT)
    committees = [CommitteeFactory(organisation=org, name=n) for n in ("经济委员会", "提案委员会")]
    seat(MemberFactory(organisation=org), TermFactory(organisation=org), committees=committees)
    client.force_login(user_with_role(Role.OFFICE, org))
    assert "经济委员会、提案委员会" in client.get("/members/").content.decode()
    client.cookies["django_language"] = "en"
    assert "经济委员会, 提案委员会" in client.get("/members/").content.decode()

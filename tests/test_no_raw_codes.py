"""No page shows a stored code where a reader expects words (issue 10).

Every demo role clicks through the pages it can reach (the crawl of test_crawl); the
visible text of each page must not contain any code of the product's choice lists (the
states, kinds and roles stored in the database: "draft", "government_office"…). On the
Chinese interface any such code standing as a whole ASCII word fails; on the English one
only the codes with an underscore do, because there the labels are English words too.
"""

import re

import pytest
from django.apps import apps
from django.db import models

from tests.crawling import MAX_PAGES, crawl, demo, visible_text  # noqa: F401 - demo is a fixture
from xieshang.demo import accounts

TOKEN = re.compile(r"[A-Za-z0-9_]+")
CODE = re.compile(r"[A-Za-z][A-Za-z0-9_]{2,}")
ENGLISH_PAGES = 25


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


def test_the_code_list_holds_states_kinds_and_roles():
    codes = choice_codes()
    assert {"draft", "open", "government_office", "office"} <= codes
    assert not any(code.isdigit() for code in codes)


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


def test_the_check_sees_a_code_in_text_but_not_in_attributes_or_scripts():
    codes = {"government_office", "draft"}
    html = (
        '<p class="draft" title="draft">草稿</p><script>let s = "draft";</script>'
        "<!-- government_office --><td>承办：government_office</td>"
    )
    assert raw_codes_in(html, codes) == ["government_office"]


# Pages that list login names, which are data an administrator typed (the demo accounts
# are named after their roles: "office", "chair"…), not codes.
LOGIN_NAME_PAGES = re.compile(r"^/admin-duties/users/")


def crawl_for_codes(
    client, who: str, codes: set[str], start: str = "/", max_pages: int = MAX_PAGES
) -> list[str]:
    from xieshang.core.models import User

    findings: list[str] = []
    login_names = set(User.objects.values_list("username", flat=True))

    def visit(url: str, html: str) -> None:
        looked_for = codes - login_names if LOGIN_NAME_PAGES.match(url) else codes
        for code in raw_codes_in(html, looked_for):
            findings.append(f"{url} ({who}): {code!r} in …{context_of(html, code)}…")

    pages = crawl(client, start, visit=visit, max_pages=max_pages)
    assert len(pages) > 3, pages
    return findings


@pytest.mark.django_db
@pytest.mark.usefixtures("demo")
def test_every_verb_in_the_demo_histories_has_a_label():
    """A history line reads "提交" or "交办", never "proposal.submit"."""
    from xieshang.core.audit import verb_label
    from xieshang.core.models import Event

    verbs = set(Event.objects.values_list("verb", flat=True).distinct())
    assert len(verbs) > 10
    assert sorted(verb for verb in verbs if verb_label(verb) == verb) == []


@pytest.mark.django_db
@pytest.mark.usefixtures("demo")
@pytest.mark.parametrize("username", [u for u, _label in accounts()])
def test_no_page_shows_a_raw_code(client, username):
    from xieshang.core.models import User

    client.force_login(User.objects.get(username=username))
    codes = choice_codes()
    findings = crawl_for_codes(client, username, codes)

    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    # The English pass repeats the first pages only: a code shown raw shows in both languages,
    # except where a template or label differs by language.
    english = {code for code in codes if "_" in code}
    findings += crawl_for_codes(client, f"{username}, English", english, max_pages=ENGLISH_PAGES)
    assert findings == [], "\n".join(findings)


@pytest.mark.django_db
@pytest.mark.usefixtures("demo")
def test_the_public_portal_shows_no_raw_code(client):
    findings = crawl_for_codes(client, "visitor", choice_codes(), "/portal/")
    assert findings == [], "\n".join(findings)


@pytest.mark.django_db
@pytest.mark.usefixtures("demo")
def test_an_outcome_names_the_office_asked_by_its_label(client):
    """A consultation outcome sent to the government office lists "政府办公室" among the
    bodies asked for feedback, not "government_office"."""
    from django.contrib.contenttypes.models import ContentType

    from xieshang.consultation.models import Outcome
    from xieshang.core.models import User
    from xieshang.followups.models import Task

    task = Task.objects.filter(
        content_type=ContentType.objects.get_for_model(Outcome),
        department__isnull=True,
        assignee_role="government_office",
    ).first()
    assert task is not None, "the demo asks the government office about an outcome"
    client.force_login(User.objects.get(username="office"))
    text = visible_text(client.get(f"/consultation/outcomes/{task.object_id}/").content.decode())
    assert "政府办公室" in text
    assert "government_office" not in text

"""No page shows a stored code where a reader expects words (issue 10).

The visible text of a page must not contain any code of the product's choice lists (the
states, kinds and roles stored in the database: "draft", "government_office"…). On the
Chinese interface any such code standing as a whole ASCII word fails; on the English one
only the codes with an underscore do, because there the labels are English words too.

The Chinese pages are checked by the crawls that open them anyway (every demo role in
test_crawl, the city's accounts in test_crawl_city, the public portal); this module holds
the check's own tests and the English pass.
"""

import pytest

from tests.crawling import (  # noqa: F401 - demo is a fixture
    choice_codes,
    crawl,
    demo,
    raw_code_check,
    raw_codes_in,
    visible_text,
)
from xieshang.demo import accounts

ENGLISH_PAGES = 25


def test_the_code_list_holds_states_kinds_and_roles():
    codes = choice_codes()
    assert {"draft", "open", "government_office", "office"} <= codes
    assert not any(code.isdigit() for code in codes)


def test_the_check_sees_a_code_in_text_but_not_in_attributes_or_scripts():
    codes = {"government_office", "draft"}
    html = (
        '<p class="draft" title="draft">草稿</p><script>let s = "draft";</script>'
        "<!-- government_office --><td>承办：government_office</td>"
    )
    assert raw_codes_in(html, codes) == ["government_office"]


@pytest.mark.django_db
@pytest.mark.usefixtures("demo")
def test_every_verb_in_the_demo_histories_has_a_label():
    """A history line reads "提交" or "交办", never "proposal.submit"."""
    from xieshang.core.audit import verb_label
    from xieshang.core.models import Event

    verbs = set(Event.objects.values_list("verb", flat=True).distinct())
    assert len(verbs) > 10
    assert sorted(verb for verb in verbs if verb_label(verb) == verb) == []
    # The province profile's history, bulk-loaded on PostgreSQL only, writes its own verb.
    assert verb_label("proposal.import_history") == "导入历史办理记录"


@pytest.mark.django_db
@pytest.mark.usefixtures("demo")
@pytest.mark.parametrize("username", [u for u, _label in accounts()])
def test_no_page_shows_a_raw_code_in_english(client, username):
    """The first pages of every role again in English: a code shown raw shows in both
    languages (the Chinese crawl of test_crawl catches it), except where a template or a
    label differs by language."""
    from xieshang.core.models import User

    client.force_login(User.objects.get(username=username))
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    english = {code for code in choice_codes() if "_" in code}
    findings: list[str] = []
    pages = crawl(
        client,
        visit=raw_code_check(f"{username}, English", english, findings),
        max_pages=ENGLISH_PAGES,
    )
    assert len(pages) > 3, pages
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

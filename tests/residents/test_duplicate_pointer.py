"""An issue rejected as 重复提交 tells its resident which ticket is theirs to follow: the
first ticket's number (never its code), only when that ticket is the resident's own (the
same mobile number, or sent from the same browser), never another resident's."""

import pytest
from django.test import Client
from django.utils import translation

from tests.residents.conftest import raise_issue
from tests.residents.test_pages import LOOKUP, SUBMIT, form_data
from xieshang.residents import services
from xieshang.residents.models import ResidentIssue

pytestmark = [pytest.mark.django_db, pytest.mark.clause("C2.11")]


def status_page(issue, code, client=None) -> str:
    client = client or Client()
    assert client.post(LOOKUP, {"ticket": issue.ticket, "code": code}).status_code == 302
    return client.get(LOOKUP).content.decode()


def reject_as_duplicate(world, issue, language="zh-hans"):
    with translation.override(language):
        reason = str(services.DUPLICATE_REASON)
    services.issue_reject(issue=issue, actor=world["liaison"], reason=reason)


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_a_duplicate_of_the_same_number_points_to_the_first_ticket(world, language):
    first, first_code = raise_issue(world, phone="13900001111")
    again, code = raise_issue(world, phone="13900001111", title="小区门口路灯还是不亮")
    reject_as_duplicate(world, again, language)
    page = status_page(again, code)
    assert 'id="public-duplicate"' in page and first.ticket in page
    assert first_code not in page
    assert "经审核不予受理" in page


def test_another_residents_ticket_is_never_named(world):
    other, other_code = raise_issue(world, phone="13800002222")  # someone else, same words
    again, code = raise_issue(world, phone="13900001111")
    reject_as_duplicate(world, again)
    page = status_page(again, code)
    assert other.ticket not in page and other_code not in page
    assert 'id="public-duplicate"' not in page and "经审核不予受理" in page
    # Without any number nothing can say whose the earlier one is.
    anonymous, code = raise_issue(world, phone="")
    reject_as_duplicate(world, anonymous)
    assert other.ticket not in status_page(anonymous, code)


def test_other_rejections_say_only_not_accepted(world):
    first, _ = raise_issue(world, phone="13900001111")
    again, code = raise_issue(world, phone="13900001111")
    services.issue_reject(issue=again, actor=world["liaison"], reason="广告或垃圾信息")
    page = status_page(again, code)
    assert first.ticket not in page and 'id="public-duplicate"' not in page


def test_without_a_number_the_same_browser_is_told_its_first_ticket(client, world):
    assert client.post(SUBMIT, form_data(world, phone="")).status_code == 302
    first = ResidentIssue.objects.get()
    first_code = client.session["resident_issue_thanks"]["code"]
    changed = form_data(world, phone="", description="北门路灯坏了一个多月了，还没人修。")
    assert client.post(SUBMIT, changed).status_code == 302
    again = ResidentIssue.objects.exclude(pk=first.pk).get()
    code = client.session["resident_issue_thanks"]["code"]
    reject_as_duplicate(world, again)
    page = status_page(again, code, client)
    assert 'id="public-duplicate"' in page and first.ticket in page and first_code not in page
    # Another browser with the same ticket and code is not told (nothing ties it to it).
    elsewhere = status_page(again, code)
    assert first.ticket not in elsewhere and 'id="public-duplicate"' not in elsewhere

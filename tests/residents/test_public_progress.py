"""What a resident reads of their own issue: the page opens from the thanks page without
typing the ticket and code again, and a routed issue says by when the department answers."""

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse

from tests.residents.conftest import routed
from xieshang.followups import services as followups

pytestmark = [pytest.mark.django_db, pytest.mark.clause("C2.11")]

SUBMIT = reverse("residents_public:submit")
LOOKUP = reverse("residents_public:lookup")


def test_the_thanks_page_leads_to_the_issue_without_typing_it_again(client, world):
    sent = client.post(
        SUBMIT,
        {
            "organisation": world["community"].pk,
            "title": "小区门口路灯不亮",
            "description": "北门路灯坏了一个月。",
            "location": "",
            "resident_name": "",
            "phone": "",
            "website": "",
        },
    )
    assert sent.status_code == 302
    ticket = client.session["resident_issue_thanks"]["ticket"]
    page = client.get(LOOKUP).content.decode()
    assert 'id="public-status"' in page and ticket in page and "小区门口路灯不亮" in page
    # Another browser gets the empty form, and 查询其他事项 empties it here too.
    assert 'id="public-status"' not in Client().get(LOOKUP).content.decode()
    assert 'id="public-status"' not in client.get(LOOKUP + "?new=1").content.decode()


def test_a_routed_issue_tells_the_resident_by_when_the_department_answers(client, world):
    issue, code = routed(world)
    due = issue.task.due_date
    client.post(LOOKUP, {"ticket": issue.ticket, "code": code})
    page = client.get(LOOKUP).content.decode()
    assert f"区住房和城乡建设局应于{due.year}年{due.month}月{due.day}日前答复" in page
    # An approved extension moves the date the resident reads.
    later = due + dt.timedelta(days=10)
    extension = followups.extension_request(
        task=issue.task, actor=world["clerk"], requested_due=later, reason="需要招标"
    )
    followups.extension_decide(extension=extension, actor=world["office"], approve=True)
    page = client.get(LOOKUP).content.decode()
    assert f"应于{later.year}年{later.month}月{later.day}日前答复" in page
    # Once answered, the deadline is no longer shown.
    followups.feedback_submit(task=issue.task, text="已更换路灯。", actor=world["clerk"])
    assert 'id="public-due"' not in client.get(LOOKUP).content.decode()


def test_the_whole_number_shown_on_request_can_be_called_from_a_phone(client, world):
    issue, _code = routed(world)
    client.force_login(world["liaison"])
    url = reverse("residents:detail", args=[issue.pk])
    assert "tel:" not in client.get(url).content.decode()
    assert 'href="tel:13900001111"' in client.get(url + "?phone=1").content.decode()


def test_a_deadline_gone_by_is_said_to_be_overdue(client, world):
    issue, code = routed(world)
    client.post(LOOKUP, {"ticket": issue.ticket, "code": code})
    assert 'id="public-overdue"' not in client.get(LOOKUP).content.decode()
    issue.task.due_date = dt.date.today() - dt.timedelta(days=3)
    issue.task.save(update_fields=["due_date"])
    page = client.get(LOOKUP).content.decode()
    assert "已超过答复期限，已督促承办单位尽快答复。" in page


def test_the_thanks_page_opened_elsewhere_leads_to_the_lookup_not_to_a_404(client, world):
    response = Client().get(reverse("residents_public:thanks"))
    assert response.status_code == 302 and response.url == LOOKUP


def test_the_steps_name_the_platform_once_not_followed_by_another_yishihui(client, world):
    """A platform is named 幸福社区居民议事会: the resident's steps read 已列入幸福社区居民议事会的
    议程, not 已列入幸福社区居民议事会议事会议程."""
    from tests.residents.conftest import accepted
    from xieshang.core.templatetags.xs import cndatetime
    from xieshang.residents import services
    from xieshang.residents.selectors import public_steps

    world["session"].platform.name = "幸福社区居民议事会"
    world["session"].platform.save(update_fields=["name"])
    issue, code = accepted(world)
    services.issue_schedule(issue=issue, actor=world["liaison"], session=world["session"])
    steps = [text for _at, text in public_steps(issue)]
    assert "已列入幸福社区居民议事会的议程" in steps
    assert not any("议事会议事会" in text for text in steps)
    # The resident's page says when and where, so they can come.
    client.post(LOOKUP, {"ticket": issue.ticket, "code": code})
    page = client.get(LOOKUP).content.decode()
    when = page.split('id="public-session"', 1)[1].split("</dd>", 1)[0]
    assert cndatetime(world["session"].starts_at) in when


def test_the_rating_line_reads_in_english_without_a_chinese_full_stop(client, world):
    issue, code = routed(world)
    followups.feedback_submit(task=issue.task, text="已更换路灯。", actor=world["clerk"])
    client.cookies["django_language"] = "en"
    client.post(LOOKUP, {"ticket": issue.ticket, "code": code})
    client.post(reverse("residents_public:rate"), {"rating": "satisfied", "comment": ""})
    page = client.get(LOOKUP).content.decode()
    rated = page[page.index('id="public-rating"') :]
    rated = rated[: rated.index("</p>")]
    assert "</strong>. Thank you" in rated and "。" not in rated

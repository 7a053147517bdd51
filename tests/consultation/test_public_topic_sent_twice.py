"""A resident suggests a topic on the portal, taps Back (the form comes back with everything
typed in) and submits again: the thanks page shows the first ticket and check code again,
and the staff get one topic, not two identical ones to review. The same guard as the
residents' issue form (portal.resend)."""

import re

import pytest

from tests.consultation.test_public_form import URL, form_data
from xieshang.consultation.models import Topic

pytestmark = pytest.mark.clause("C2.3")


def _once(html: str) -> str:
    return re.search(r'name="once" value="([^"]+)"', html).group(1)


def test_back_and_submit_again_shows_the_first_ticket_and_makes_no_second_topic(world, client):
    once = _once(client.get(URL).text)
    data = form_data(world, title="建议协商老旧小区电动车充电桩建设🔋", once=once)
    first = client.post(URL, data, follow=True)
    topic = Topic.objects.get()
    code = first.context["code"]
    assert topic.ticket in first.text and code in first.text

    again = client.post(URL, data, follow=True)
    assert Topic.objects.count() == 1
    assert topic.ticket in again.text and code in again.text


def test_the_same_words_from_a_form_fetched_anew_are_the_same_suggestion(world, client):
    # A phone's browser may fetch the page again on Back: a new mark, the words put back.
    data = form_data(world, title="建议协商老旧小区电动车充电桩建设🔋")
    client.post(URL, {**data, "once": _once(client.get(URL).text)})
    again = client.post(URL, {**data, "once": _once(client.get(URL).text)}, follow=True)
    topic = Topic.objects.get()
    assert topic.ticket in again.text


def test_a_different_suggestion_from_the_same_browser_is_a_new_topic(world, client):
    client.post(URL, form_data(world, once=_once(client.get(URL).text)))
    client.post(URL, form_data(world, title="社区食堂建设", once=_once(client.get(URL).text)))
    assert Topic.objects.count() == 2

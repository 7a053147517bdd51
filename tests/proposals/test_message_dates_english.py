"""A date inside a message shown on a page follows the reader's language (docs/decisions.md,
`core.text.reader_date`): a tester browsing in English read "after the current due date
(2026年12月24日)", "no later than 2027年5月24日", "signed off on 2026年12月7日" and "the
deadline is now 2026年12月31日". Chinese readers keep the Chinese dates."""

import datetime as dt

import pytest
import time_machine
from django.utils import translation

from tests.factories import user_with_role
from tests.proposals.test_department_pages import ANSWER_POST, ASSIGN_DAY, assigned, lead_of
from xieshang.core.text import reader_date
from xieshang.followups.models import Extension
from xieshang.orgs.models import Role
from xieshang.proposals import services


def in_english(day: dt.date) -> str:
    with translation.override("en"):
        return reader_date(day)


def request_extension(client, assignment, day: str):
    return client.post(
        f"/proposals/dept/{assignment.pk}/extension/",
        {"requested_due": day, "reason": "涉及跨部门资金安排，需延期答复"},
    )


def test_an_extension_refused_in_english_names_its_dates_in_english(client, world):
    client.cookies["django_language"] = "en"
    with time_machine.travel(ASSIGN_DAY, tick=False):
        lead = lead_of(assigned(world))
        client.force_login(world.housing_clerk)
        due = lead.task.due_date
        # Before the current due date: the refusal names that date.
        early = request_extension(client, lead, (due - dt.timedelta(days=3)).isoformat())
        # Past the six months' cap (2026-09-02): the refusal names the cap.
        late = request_extension(client, lead, "2026-09-03")
    assert early.status_code == late.status_code == 400
    early, late = early.content.decode(), late.content.decode()
    assert in_english(due) in early
    assert f"{due.year}年{due.month}月{due.day}日" not in early
    assert "Sept. 2, 2026" in late and "2026年9月2日" not in late
    assert not Extension.objects.exists()


def test_a_second_sign_off_in_english_names_the_day_in_english(client, world):
    leader = user_with_role(
        Role.DEPARTMENT_LEADER, world.district, department=world.housing, full_name="王局长"
    )
    with time_machine.travel(ASSIGN_DAY, tick=False):
        answer = services.answer_submit(
            assignment=lead_of(assigned(world)), actor=world.housing_clerk, **ANSWER_POST
        )
        services.answer_sign_off(answer=answer, actor=leader)
        # The second tab, still showing the button.
        client.cookies["django_language"] = "en"
        client.force_login(leader)
        response = client.post(
            f"/proposals/dept/answers/{answer.pk}/sign-off/", {"version": answer.version}
        )
    page = response.content.decode()
    assert "March 2, 2026" in page
    assert "2026年3月2日签发" not in page and "2026年3月2日" not in page


def test_an_extension_approved_in_english_says_the_new_deadline_in_english(client, world):
    with time_machine.travel(ASSIGN_DAY, tick=False):
        lead = lead_of(assigned(world))
        extension = services.assignment_extension_request(
            assignment=lead,
            actor=world.housing_clerk,
            requested_due=dt.date(2026, 7, 15),
            reason="涉及跨部门资金安排，需延期答复",
        )
        client.cookies["django_language"] = "en"
        client.force_login(world.reviewer)
        response = client.post(
            f"/followups/{lead.task_id}/extension/{extension.pk}/decide/",
            {"decision": "approve", "note": ""},
            follow=True,
        )
    page = response.content.decode()
    assert "July 15, 2026" in page and "2026年7月15日" not in page


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_the_cap_is_named_in_each_readers_language(world, language):
    """The service's refusal is in the language of whoever acts; Chinese keeps 2026年9月2日."""
    from django.core.exceptions import ValidationError

    with time_machine.travel(ASSIGN_DAY, tick=False):
        lead = lead_of(assigned(world))
        with translation.override(language), pytest.raises(ValidationError) as refused:
            services.assignment_extension_request(
                assignment=lead,
                actor=world.housing_clerk,
                requested_due=dt.date(2026, 9, 3),
                reason="理由",
            )
    [message] = refused.value.message_dict["requested_due"]
    assert ("2026年9月2日" if language == "zh-hans" else "Sept. 2, 2026") in message

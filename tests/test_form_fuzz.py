"""Odd input on the main forms: never a server error, and nothing the user typed is lost.

Each form is posted through the test client as the demo role that uses it, with text that
people (and scripts) really send: Chinese, emoji, very long strings, control characters,
HTML and script, SQL-ish fragments, spreadsheet formulas, odd numbers and dates. A refused
form must come back with what was typed still in it. Input holding NUL may be refused with
400 outright (the NUL middleware). Every example runs in a savepoint that is rolled back, so
examples never see each other's drafts, leave requests or rate limits.
"""

import datetime as dt
from dataclasses import dataclass

import pytest
from django.db import transaction
from django.test import Client
from django.utils import timezone
from django.utils.html import escape
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.demodata import rolled_back, seed_demo_data

SPECIAL = [
    "",
    " ",
    "中华人民共和国政协提案",
    "😀🎉👍🏽 家人们",
    "<script>alert('x')</script>",
    '"><img src=x onerror=alert(1)>',
    "{{ request.user }} {% csrf_token %}",
    "'; DROP TABLE proposals_proposal; --",
    "1' OR '1'='1",
    '=HYPERLINK("http://example.com","点我")',
    "=1+1",
    "+86-138",
    "@SUM(A1:A9)",
    "\x00",
    "前\x00后",
    "\x1b[31m红\x1b[0m",
    "\u202e反向\u202c",
    "零宽\u200b空格",
    "行一\r\n行二\n行三\r",
    "\t制表",
    "１２３４５",
    "-1",
    "0",
    "99999999999999999999999",
    "1e309",
    "NaN",
    "2024-02-30",
    "0000-00-00",
    "9999-12-31",
    "1900-01-01",
    "%s %d %n",
    "../../etc/passwd",
    "国" * 3000,
    "a" * 20000,
]
CHARS = st.characters(blacklist_categories=("Cs",))  # lone surrogates cannot be UTF-8
TEXT = st.one_of(
    st.sampled_from(SPECIAL),
    st.text(CHARS, max_size=40),
    st.text(st.sampled_from("提案社情民意😀<>&\"'=\x07\n"), min_size=1, max_size=600),
)
NUMBER = st.one_of(
    st.sampled_from(["", "-1", "0", "1.5", "1e9", "99999999999999999999", "NaN", "١٢", "x"]),
    st.integers(min_value=-(2**70), max_value=2**70).map(str),
)
DATE = st.one_of(
    st.sampled_from(["", "2024-02-30", "0001-01-01", "9999-12-31", "2024/13/01", "昨天", "1e3"]),
    st.dates(min_value=dt.date(1, 1, 1)).map(str),
)
# Text long enough to pass a minimum length, with the odd part in front.
PADDED = st.one_of(
    TEXT, TEXT.map(lambda t: t + "：老旧小区加装电梯涉及资金分摊与审批，需各方协商。")
)
PHONE = st.one_of(st.sampled_from(["", "13800138000"]), TEXT)


def maybe(strategy):
    """None (keep what the form already holds) or a fuzzed value."""
    return st.one_of(st.none(), strategy)


FUZZ = settings(
    max_examples=40,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@dataclass
class Targets:
    org: object
    meeting: object
    task: object
    member: object


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), rolled_back():
        seed_demo_data()
        yield _targets()


def _targets() -> Targets:
    from xieshang.followups.models import Task
    from xieshang.meetings.models import Invitation
    from xieshang.members.models import Member
    from xieshang.orgs.models import Department, Level, Organisation, RoleAssignment

    org = Organisation.objects.filter(level=Level.DISTRICT).order_by("pk").first()
    member = Member.objects.get(user__username="member")
    invitation = (
        Invitation.objects.filter(
            member=member, meeting__start__gt=timezone.now() + dt.timedelta(days=1)
        )
        .select_related("meeting")
        .order_by("meeting__start")
        .first()
    )
    dept = RoleAssignment.objects.get(user__username="dept", department__isnull=False)
    task = (
        Task.objects.filter(department=Department.objects.get(pk=dept.department_id))
        .exclude(status__in=["closed", "answered", "done"])
        # A proposal's part and a co-handler's view are answered on the proposal's page.
        .exclude(kind__in=["proposal", "co_handling"])
        .order_by("pk")
        .first()
    )
    other = Member.objects.filter(organisation=org, user__isnull=True).order_by("pk").first()
    return Targets(org=org, meeting=invitation and invitation.meeting, task=task, member=other)


def login(username: str | None) -> Client:
    from xieshang.core.models import User

    client = Client(raise_request_exception=False)
    if username:
        client.force_login(User.objects.get(username=username))
    return client


def post_and_check(client: Client, url: str, data: dict, shown: list[str]) -> None:
    """POST in a savepoint; no 5xx; a refused form shows every `shown` field's value again."""
    with transaction.atomic():
        response = client.post(url, data, REMOTE_ADDR="203.0.113.7")
        transaction.set_rollback(True)
    has_nul = any("\x00" in str(v) for v in data.values())
    assert response.status_code < 500, (url, data, response.status_code)
    if has_nul and response.status_code == 400:
        return
    if response.status_code in (301, 302, 303):
        return  # accepted (or refused with a message on the next page)
    assert response.status_code in (200, 400, 409, 422, 429), response.status_code
    page = response.content.decode()
    lost = [name for name in shown if data[name] and escape(data[name]) not in page]
    assert lost == [], f"{url}: the page no longer shows what was typed in {lost}"


@pytest.mark.django_db
@FUZZ
@given(title=TEXT, facts=TEXT, analysis=TEXT, suggestions=TEXT)
def test_proposal_draft(demo, title, facts, analysis, suggestions):
    data = {"title": title, "facts": facts, "analysis": analysis, "suggestions": suggestions}
    post_and_check(login("member"), "/proposals/new/", data, list(data))


@pytest.mark.django_db
@FUZZ
@given(title=PADDED, description=PADDED, name=TEXT, phone=PHONE)
def test_public_topic(demo, title, description, name, phone):
    data = {"title": title, "description": description, "name": name, "phone": phone}
    post_and_check(
        login(None),
        "/portal/topics/",
        {"organisation": str(demo.org.pk), "website": "", **data},
        list(data),
    )


@pytest.mark.django_db
@FUZZ
@given(reason=TEXT)
def test_leave_request(demo, reason):
    assert demo.meeting is not None, "the demo member has no upcoming meeting"
    post_and_check(
        login("member"), f"/meetings/{demo.meeting.pk}/leave/", {"reason": reason}, ["reason"]
    )


@pytest.mark.django_db
@FUZZ
@given(title=TEXT, facts=TEXT, analysis=TEXT, suggestions=TEXT)
def test_opinion(demo, title, facts, analysis, suggestions):
    data = {"title": title, "facts": facts, "analysis": analysis, "suggestions": suggestions}
    post_and_check(login("member"), "/opinions/new/", data, list(data))


@pytest.mark.django_db
@FUZZ
@given(text=TEXT)
def test_followup_feedback(demo, text):
    assert demo.task is not None, "the demo department has no open follow-up"
    post_and_check(login("dept"), f"/followups/{demo.task.pk}/feedback/", {"text": text}, ["text"])


def _initial(form) -> dict:
    """What the edit page's form would post back unchanged."""
    data = {}
    for name in form.fields:
        value = form[name].value()
        if value is None or value is False:
            continue
        if value is True:
            data[name] = "on"
        elif isinstance(value, list | tuple):
            data[name] = [str(getattr(v, "pk", v)) for v in value]
        else:
            data[name] = str(getattr(value, "pk", value))
    return data


@pytest.mark.django_db
@FUZZ
@given(
    name=maybe(TEXT),
    ethnicity=maybe(TEXT),
    address=maybe(TEXT),
    employer=maybe(TEXT),
    position=maybe(TEXT),
    phone=maybe(PHONE),
    birth_date=maybe(DATE),
    version=maybe(NUMBER),
)
def test_member_edit(
    demo, name, ethnicity, address, employer, position, phone, birth_date, version
):
    client = login("office")
    url = f"/members/{demo.member.pk}/edit/"
    page = client.get(url)
    assert page.status_code == 200
    typed = {
        "name": name,
        "ethnicity": ethnicity,
        "address": address,
        "employer": employer,
        "position": position,
        "phone": phone,
        "birth_date": birth_date,
        "version": version,
    }
    typed = {k: v for k, v in typed.items() if v is not None}
    data = {**_initial(page.context["form"]), **typed}
    post_and_check(client, url, data, [k for k in typed if k != "version"])

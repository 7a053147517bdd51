"""A ticket typed as people read it out: without the leading zeros, the dash, in
lower case or full-width characters, it still finds the issue (with its check code)."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.residents.conftest import raise_issue, world  # noqa: F401
from xieshang.portal.tickets import ticket_forms


@pytest.mark.parametrize(
    ("typed", "first"),
    [
        ("MQ2026-000034", "MQ2026000034"),
        ("mq2026-34", "MQ2026000034"),
        ("ＭＱ２０２６－３４", "MQ2026000034"),
        ("YT202620", "YT2026000020"),
        ("MQ2026-1234567", "MQ20261234567"),
    ],
)
def test_a_ticket_without_its_leading_zeros_is_the_same_ticket(typed, first):
    assert ticket_forms(typed)[0] == first


@pytest.mark.django_db
def test_the_lookup_finds_an_issue_by_its_short_ticket(client, world):  # noqa: F811
    issue, code = raise_issue(world)
    number = int(issue.ticket.split("-")[1])
    short = f"{issue.ticket.split('-')[0].lower()}-{number}"
    response = client.post(
        reverse("residents_public:lookup"), {"ticket": short, "code": code.lower()}
    )
    assert response.status_code == 302
    page = client.get(reverse("residents_public:lookup")).content.decode()
    assert issue.ticket in page and 'id="public-status"' in page


FULL_WIDTH = str.maketrans(
    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-",
    "ＡＢＣＤＥＦＧＨＩＪＫＬＭＮＯＰＱＲＳＴＵＶＷＸＹＺ０１２３４５６７８９－",
)


@pytest.mark.django_db
def test_the_lookup_takes_a_check_code_typed_in_full_width(client, world):  # noqa: F811
    """A Chinese IME in 全角 mode gives ＶＥＧＦＫＤ: the ticket so typed was found, the code
    not ("没有找到该事项…")."""
    issue, code = raise_issue(world)
    response = client.post(
        reverse("residents_public:lookup"),
        {"ticket": issue.ticket.translate(FULL_WIDTH), "code": f" {code.translate(FULL_WIDTH)} "},
    )
    assert response.status_code == 302
    page = client.get(reverse("residents_public:lookup")).content.decode()
    assert issue.ticket in page and 'id="public-status"' in page


@pytest.mark.django_db
def test_the_certificate_check_takes_a_code_typed_in_full_width(client):
    from tests.duty.factories import setting
    from xieshang.duty.services import certificate_issue

    _org, _term, _office, member = setting()
    today = timezone.localdate()
    cert, _records = certificate_issue(
        member=member, actor=member.user, start=today - dt.timedelta(days=60), end=today
    )
    typed = f"{cert.code[:4]} {cert.code[4:]}".translate(FULL_WIDTH)
    page = client.get("/portal/verify/", {"code": typed}).content.decode()
    assert "真实有效" in page and member.name in page

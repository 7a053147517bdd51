"""A ticket typed as people read it out: without the leading zeros, the dash, in
lower case or full-width characters, it still finds the issue (with its check code)."""

import pytest
from django.urls import reverse

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

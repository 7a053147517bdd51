"""The progress lookup (受理编号 + 查询码) is limited where guessing aims, not where people
share an address: wrong codes count against the ticket, from every address together, and
against the address; right lookups from a community centre's PC are not held against it.
Residents' issues (MQ…) and topic suggestions (YT…) share the rule (`tickets.find_limited`)."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.residents.conftest import raise_issue, world  # noqa: F401
from xieshang.consultation import services as consultation
from xieshang.portal import tickets
from xieshang.portal.models import RateHit

CENTRE = "203.0.113.10"  # a community service centre's PC
TICKET_LOCKED = "该受理编号查询码输错次数过多"
CLIENT_LOCKED = "查询次数过多"


class Kind:
    """One lookup page with one item on it, and how it says "found"."""

    def __init__(self, url: str, ticket: str, code: str, found_status: int):
        self.url, self.ticket, self.code, self.found_status = url, ticket, code, found_status

    def ask(self, client, ticket=None, code=None, ip=CENTRE):
        data = {"ticket": ticket or self.ticket, "code": code or self.code}
        return client.post(self.url, data, REMOTE_ADDR=ip)

    def found(self, response) -> bool:
        if response.status_code != self.found_status:
            return False
        return self.found_status == 302 or 'id="lookup-result"' in response.text


@pytest.fixture(params=["MQ", "YT"])
def kind(request, world):  # noqa: F811
    if request.param == "MQ":
        issue, code = raise_issue(world)
        return Kind(reverse("residents_public:lookup"), issue.ticket, code, 302)
    topic = consultation.topic_public_submit(
        organisation=world["district"],
        title="公园健身器材老化",
        description="",
        name="",
        phone="",
        ip="198.51.100.1",
    )
    return Kind(reverse("consultation_public:lookup"), topic.ticket, topic.check_code, 200)


def _an_hour_later():
    RateHit.objects.update(created_at=timezone.now() - dt.timedelta(minutes=61))


@pytest.mark.django_db
def test_right_lookups_from_one_address_are_never_held_against_it(client, kind):
    # The old limit refused everyone at a shared address after 30 lookups an hour.
    assert all(kind.found(kind.ask(client)) for _ in range(40))


@pytest.mark.django_db
def test_wrong_codes_lock_the_ticket_for_the_hour_from_any_address(client, kind):
    for i in range(tickets.WRONG_CODES_PER_TICKET):
        response = kind.ask(client, code="AAAAAA", ip=f"198.51.100.{i + 10}")
        assert response.status_code in (200, 404) and not kind.found(response)
    # Now even the right code, from yet another address, is refused for the hour.
    refused = kind.ask(client, ip="192.0.2.77")
    page = refused.content.decode()
    assert refused.status_code == 429 and TICKET_LOCKED in page
    assert f'value="{kind.ticket}"' in page and kind.code not in page  # ticket kept, code not
    # The same ticket typed another way is the same ticket.
    assert kind.ask(client, ticket=kind.ticket.lower(), ip="192.0.2.78").status_code == 429
    _an_hour_later()
    assert kind.found(kind.ask(client, ip="192.0.2.77"))


@pytest.mark.django_db
def test_an_unknown_ticket_is_refused_alike_so_a_refusal_tells_nothing(client, kind):
    unknown = f"{kind.ticket[:2]}2000999999"
    known = [kind.ask(client, code="AAAAAA", ip=f"198.51.100.{i}") for i in range(10)]
    typed = [kind.ask(client, ticket=unknown, ip=f"198.51.100.{i}") for i in range(10)]
    assert {r.status_code for r in known} == {r.status_code for r in typed} != {429}
    assert kind.ask(client).status_code == kind.ask(client, ticket=unknown).status_code == 429
    assert TICKET_LOCKED in kind.ask(client, ticket=unknown).content.decode()


@pytest.mark.django_db
def test_an_address_hopping_tickets_is_stopped_after_its_wrong_codes(client, kind):
    # Each ticket wrong once only: no ticket is locked, the address is.
    for n in range(tickets.WRONG_CODES_PER_CLIENT):
        assert kind.ask(client, ticket=f"{kind.ticket[:2]}2001{n:06d}").status_code != 429
    refused = kind.ask(client)  # even the right code
    assert refused.status_code == 429 and CLIENT_LOCKED in refused.content.decode()
    # Another address is served, the ticket itself was never guessed at.
    assert kind.found(kind.ask(client, ip="192.0.2.5"))


@pytest.mark.django_db
def test_wrong_codes_on_either_page_count_for_the_address_together(client, world):  # noqa: F811
    pages = {"MQ": reverse("residents_public:lookup"), "YT": reverse("consultation_public:lookup")}
    for n in range(tickets.WRONG_CODES_PER_CLIENT):
        prefix = "MQ" if n % 2 else "YT"
        data = {"ticket": f"{prefix}2001{n:06d}", "code": "AAAAAA"}
        assert client.post(pages[prefix], data, REMOTE_ADDR=CENTRE).status_code in (200, 404)
    for prefix, page in pages.items():
        data = {"ticket": f"{prefix}2002000001", "code": "AAAAAA"}
        response = client.post(page, data, REMOTE_ADDR=CENTRE)
        assert response.status_code == 429 and CLIENT_LOCKED in response.content.decode()


@pytest.mark.django_db
def test_an_address_has_a_ceiling_on_all_its_lookups(client, kind, monkeypatch):
    monkeypatch.setattr(tickets, "LOOKUPS_PER_CLIENT", 5)
    assert all(kind.found(kind.ask(client)) for _ in range(5))
    refused = kind.ask(client)
    assert refused.status_code == 429 and CLIENT_LOCKED in refused.content.decode()
    assert kind.found(kind.ask(client, ip="192.0.2.5"))

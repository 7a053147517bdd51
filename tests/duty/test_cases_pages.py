"""The office's discipline cases list pages its rows (50 a page) instead of stopping at the
first 500; the status filter stays in the page links."""

import re

import pytest
from django.urls import reverse

from tests.duty.factories import setting
from tests.factories import make_org, user_with_role
from xieshang.duty.models import DisciplineCase
from xieshang.orgs.models import Role

pytestmark = pytest.mark.django_db


@pytest.mark.clause("C5.11")
def test_the_cases_list_pages_its_rows_and_keeps_the_filter(client):
    from xieshang.duty.views import CASES_PER_PAGE

    org, _term, office, member = setting()
    Status, Rule = DisciplineCase.Status, DisciplineCase.Rule
    wanted = CASES_PER_PAGE + 7
    DisciplineCase.objects.bulk_create(
        [
            DisciplineCase(organisation=org, member=member, rule=Rule.LOW_SCORE, year=1900 + i)
            for i in range(wanted)
        ]
        + [
            DisciplineCase(
                organisation=org, member=member, rule=Rule.NO_CONTRIBUTION, year=1900,
                status=Status.DISMISSED,
            )
        ]
    )  # fmt: skip
    client.force_login(office)
    url = reverse("duty:cases")

    link = re.escape(reverse("duty:case", args=[0])).replace("0", r"(\d+)", 1)

    def rows(page):
        body = page[page.index('id="duty-cases"') :]
        return re.findall(link, body[: body.index("</table>")])

    first = client.get(url, {"status": Status.OPEN}).content.decode()
    assert len(rows(first)) == CASES_PER_PAGE
    assert "?status=open&amp;page=2" in first
    second = client.get(url, {"status": Status.OPEN, "page": 2}).content.decode()
    seen = rows(first) + rows(second)
    assert len(seen) == wanted and len(set(seen)) == wanted

    # A member reads their own cases paged as well.
    client.force_login(member.user)
    mine = client.get(url).content.decode()
    assert len(rows(mine)) == CASES_PER_PAGE and "page=2" in mine


def test_the_cases_lists_member_column_reads_member_in_english(client):
    org, _term, office, member = setting()
    DisciplineCase.objects.create(
        organisation=org, member=member, rule=DisciplineCase.Rule.LOW_SCORE, year=2000
    )
    client.force_login(office)
    client.cookies["django_language"] = "en"
    page = client.get(reverse("duty:cases")).content.decode()
    head = page[page.index('id="duty-cases"') :]
    head = head[: head.index("</thead>")]
    assert ">Member</th>" in head and "Members" not in head


@pytest.mark.clause("C5.11")
def test_the_chairmans_meeting_lists_the_cases_it_may_open_and_no_others(client):
    """The chair is told of a proposed revocation and opens the case from the notice; the
    cases list showed them 暂无事项 all the same (tester finding, year-end round)."""
    org, _term, _office, member = setting()
    other = make_org("另一区政协")
    ours = DisciplineCase.objects.create(
        organisation=org, member=member, rule=DisciplineCase.Rule.LOW_SCORE, year=2001
    )
    theirs = DisciplineCase.objects.create(
        organisation=other, member=member, rule=DisciplineCase.Rule.LOW_SCORE, year=2002
    )
    client.force_login(user_with_role(Role.CHAIR, org))
    page = client.get(reverse("duty:cases")).content.decode()
    assert reverse("duty:case", args=[ours.pk]) in page
    assert reverse("duty:case", args=[theirs.pk]) not in page
    assert client.get(reverse("duty:case", args=[ours.pk])).status_code == 200
    # Someone who neither confirms nor is a member still finds no list.
    client.force_login(user_with_role(Role.DEPARTMENT, org))
    assert client.get(reverse("duty:cases")).status_code == 404

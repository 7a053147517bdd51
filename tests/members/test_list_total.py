"""The member list counts its total with another query than its page
(`selectors.membership_count`), and reads its page ids first (`membership_pages`): both
check the scope on the seats' terms, not on every member's organisation. The two agree
because a seat is always in a term of its member's own organisation, which
`services.member_create` holds to."""

import pytest

from tests.factories import user_with_role
from xieshang.members import selectors, services
from xieshang.members.models import Membership
from xieshang.members.selectors import MemberFilter
from xieshang.orgs.models import Level, Role

from .factories import committee

pytestmark = pytest.mark.django_db


def test_the_total_is_the_number_of_seats_the_list_shows():
    city = committee("示范市政协", level=Level.CITY)
    east = committee("东湖区政协", parent=city.org)
    west = committee("西山区政协", parent=city.org)
    city.member("王市委员")
    east.member("李东委员", sector=east.sector2)
    east.member("张东委员", committees=[east.committee2])
    east.member("赵东委员", status=Membership.Status.RESIGNED)
    west.member("刘西委员")
    city_office = user_with_role(Role.OFFICE, city.org)
    filters = [
        MemberFilter(),
        MemberFilter(term=east.term.pk),
        MemberFilter(term=west.term.pk),
        MemberFilter(sector=east.sector2.pk),
        MemberFilter(committee=east.committee2.pk),
        MemberFilter(status=Membership.Status.RESIGNED),
        MemberFilter(q="东委员"),
    ]
    for user in (city_office, east.clerk, west.clerk):
        for f in filters:
            listed = list(selectors.membership_rows(user, f))
            assert selectors.membership_count(user, f) == len(listed), (user.username, f)
            # The page the list shows, read ids first, holds the same seats in the same order.
            assert selectors.membership_pages(user, f)[0:50] == listed, (user.username, f)
            assert selectors.membership_pages(user, f)[1:3] == listed[1:3], (user.username, f)
    assert len(selectors.membership_rows(city_office)) == 5
    assert len(selectors.membership_rows(east.clerk)) == 3
    # Another district's term shows nothing to the east's clerk, in the list or the total.
    assert selectors.membership_count(east.clerk, MemberFilter(term=west.term.pk)) == 0


def test_a_member_is_seated_only_in_a_term_of_their_own_organisation():
    east, west = committee("东湖区政协"), committee("西山区政协")
    data = services.MemberInput(member={"name": "错配委员", "gender": "M"}, seat={})
    with pytest.raises(ValueError):
        services.member_create(organisation=east.org, term=west.term, data=data, actor=east.clerk)
    member = east.member("李东委员")
    with pytest.raises(ValueError):
        services.member_update(
            member=member,
            term=west.term,
            expected_version=member.version,
            data=services.MemberInput(member={"name": "李东委员"}, seat={}),
            actor=east.clerk,
        )
    assert not Membership.objects.filter(term=west.term).exists()

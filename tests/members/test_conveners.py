"""Conveners (召集人, C5.5): the convener of the provincial and city members living in the
district (by default the district chair), each street's CPPCC work convener, the check of
streets without one, and the conveners' activities."""

import datetime as dt

import pytest
from django.urls import reverse

from xieshang.core.models import Event
from xieshang.members.models import (
    ConvenerActivity,
    ConvenerGroup,
    HigherLevelMember,
    StreetConvener,
)
from xieshang.orgs.models import Level, Role

from ..factories import MemberFactory, TermFactory, make_org, seat, user_with_role
from .factories import committee

pytestmark = pytest.mark.django_db


def district_with_residents():
    city = make_org("示范市政协", level="city")
    city_term = TermFactory(organisation=city, number=15)
    c = committee(parent=city)
    chair = c.member("王主席", position="主席")
    vice = c.member("李副主席", position="副主席")
    residents = []
    for name in ("赵市委员", "钱市委员"):
        person = MemberFactory(organisation=city, name=name)
        seat(person, city_term)
        residents.append(HigherLevelMember.objects.create(organisation=c.org, member=person))
    return c, chair, vice, residents


@pytest.mark.clause("C5.5")
def test_the_chair_convenes_the_higher_level_members_until_another_convener_is_recorded(client):
    c, chair, vice, residents = district_with_residents()
    client.force_login(c.clerk)
    page = client.get(reverse("members:conveners"))
    assert page.context["convener"] == chair and page.context["convener_is_default"]
    assert [r.member.name for r in page.context["residents"]] == ["赵市委员", "钱市委员"]
    assert "默认由区政协主席担任" in page.content.decode()

    response = client.post(
        reverse("members:convener_set"), {"convener": vice.pk, "note": "主席外出学习期间"}
    )
    assert response.status_code == 302
    group = ConvenerGroup.objects.get()
    assert (group.organisation, group.term, group.convener) == (c.org, c.term, vice)
    assert {r.convener_id for r in HigherLevelMember.objects.all()} == {vice.pk}
    event = Event.objects.get(verb="convener.set")
    assert (event.from_state, event.to_state) == ("王主席", "李副主席")
    page = client.get(reverse("members:conveners"))
    assert page.context["convener"] == vice and not page.context["convener_is_default"]


@pytest.mark.clause("C5.5")
def test_the_check_lists_streets_without_a_convener_until_one_is_set(client):
    c, *_rest = district_with_residents()
    east = make_org("东街道", level=Level.STREET, parent=c.org)
    west = make_org("西街道", level=Level.STREET, parent=c.org)
    make_org("北街道", level=Level.STREET, parent=committee("他区政协").org)  # not ours
    StreetConvener.objects.create(street=east, name="周书记", title="东街道党工委副书记")
    client.force_login(c.clerk)
    page = client.get(reverse("members:conveners"))
    assert [s.name for s in page.context["missing"]] == ["西街道"]
    assert "以下街道尚未设置政协工作召集人：西街道" in page.content.decode()

    account = user_with_role(Role.LIAISON, west)
    response = client.post(
        reverse("members:street_convener_set"),
        {"street": west.pk, "name": "吴书记", "title": "西街道党工委副书记", "user": account.pk},
    )
    assert response.status_code == 302
    row = StreetConvener.objects.get(street=west)
    assert (row.name, row.title, row.user) == ("吴书记", "西街道党工委副书记", account)
    assert client.get(reverse("members:conveners")).context["missing"] == []
    event = Event.objects.get(verb="street_convener.set")
    assert event.organisation == west and "吴书记" in event.to_state

    # A new convener replaces the old one: still one per street, the change in the history.
    client.post(reverse("members:street_convener_set"), {"street": east.pk, "name": "郑书记"})
    assert StreetConvener.objects.get(street=east).name == "郑书记"
    assert (
        "周书记"
        in Event.objects.filter(verb="street_convener.set").order_by("id").last().from_state
    )


@pytest.mark.clause("C5.5")
def test_a_street_convener_without_a_name_is_refused_and_the_typed_title_kept(client):
    c, *_rest = district_with_residents()
    west = make_org("西街道", level=Level.STREET, parent=c.org)
    client.force_login(c.clerk)
    response = client.post(
        reverse("members:street_convener_set"),
        {"street": west.pk, "name": " ", "title": "独特的职务名称"},
    )
    assert response.status_code == 400
    assert "请填写召集人姓名" in response.content.decode()
    assert 'value="独特的职务名称"' in response.content.decode()
    assert not StreetConvener.objects.exists()


@pytest.mark.clause("C5.5")
def test_conveners_activities_are_recorded_for_the_group_or_a_street(client):
    c, *_rest = district_with_residents()
    west = make_org("西街道", level=Level.STREET, parent=c.org)
    client.force_login(c.clerk)
    day = dt.date(2026, 3, 5)
    for street in ("", west.pk):
        response = client.post(
            reverse("members:convener_activity"),
            {"street": street, "date": day, "title": f"座谈会{street}", "participants": "8"},
        )
        assert response.status_code == 302
    rows = {(a.street_id, a.title, a.participants) for a in ConvenerActivity.objects.all()}
    assert rows == {(None, "座谈会", 8), (west.pk, f"座谈会{west.pk}", 8)}
    assert Event.objects.filter(verb="convener_activity.record").count() == 2
    page = client.get(reverse("members:conveners")).content.decode()
    assert "西街道政协工作召集人" in page and "住区上级政协委员召集人" in page
    # No title: refused, the rest kept.
    response = client.post(
        reverse("members:convener_activity"),
        {"street": "", "date": day, "title": "", "place": "独特的地点"},
    )
    assert response.status_code == 400 and 'value="独特的地点"' in response.content.decode()
    assert ConvenerActivity.objects.count() == 2


@pytest.mark.clause("C5.5")
def test_another_districts_office_cannot_set_our_streets_convener(client):
    c, *_rest = district_with_residents()
    west = make_org("西街道", level=Level.STREET, parent=c.org)
    other = committee("他区政协")
    for user in (other.clerk, user_with_role(Role.MEMBER, c.org)):
        client.force_login(user)
        response = client.post(
            reverse("members:street_convener_set") + f"?organisation={c.org.pk}",
            {"street": west.pk, "name": "冒名"},
        )
        assert response.status_code in (400, 403)
    assert not StreetConvener.objects.exists()
    client.force_login(other.clerk)
    assert client.get(reverse("members:conveners")).context["streets"] == []


@pytest.mark.clause("C5.5")
def test_the_office_adds_and_removes_higher_level_members_living_in_the_district(client):
    c, chair, vice, residents = district_with_residents()
    city = c.org.parent
    newcomer = MemberFactory(organisation=city, name="孙市委员")
    seat(newcomer, city.terms.get())
    own = c.member("周区委员")  # a member of the district itself is not a higher-level one
    client.force_login(c.clerk)
    choices = client.get(reverse("members:conveners")).context["resident_form"]
    assert list(choices.fields["member"].queryset) == [newcomer]
    response = client.post(reverse("members:resident_add"), {"member": own.pk})
    assert response.status_code == 400
    response = client.post(reverse("members:resident_add"), {"member": newcomer.pk})
    assert response.status_code == 302
    row = HigherLevelMember.objects.get(member=newcomer)
    assert (row.organisation, row.convener) == (c.org, chair)  # under the default convener
    assert Event.objects.filter(verb="convener.resident_add", organisation=c.org).count() == 1
    response = client.post(reverse("members:resident_remove"), {"row": residents[0].pk})
    assert response.status_code == 302
    names = {r.member.name for r in HigherLevelMember.objects.all()}
    assert names == {"钱市委员", "孙市委员"}
    assert Event.objects.filter(verb="convener.resident_remove").count() == 1

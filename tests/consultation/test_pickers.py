"""The activity's participants form searches members and department heads on the server
(issue 14): the page lists none, the picker finds them in the activity's organisation, and a
choice from elsewhere is refused with what was typed kept."""

import datetime as dt

import pytest

from tests.factories import DepartmentFactory, MemberFactory, TermFactory, seat
from xieshang.consultation import services
from xieshang.consultation.models import ActivityForm


def ask(client, source, status=200, **params):
    response = client.get(f"/pickers/{source}/", params)
    assert response.status_code == status, response.status_code
    return [row["text"] for row in response.json()["results"]] if status == 200 else None


@pytest.mark.django_db
def test_the_participants_form_searches_members_and_units_of_the_activitys_organisation(
    client, world
):
    activity = services.activity_create(
        organisation=world.district,
        actor=world.office,
        title="民营经济发展协商座谈",
        form=ActivityForm.SYMPOSIUM,
        place="政协三楼会议室",
        date=dt.date(2026, 9, 28),
    )
    outsider = MemberFactory(organisation=world.other, name="王外区")
    seat(outsider, TermFactory(organisation=world.other))
    foreign_unit = DepartmentFactory(organisation=world.other, name="另一区教育局")
    client.force_login(world.office)
    url = f"/consultation/activities/{activity.pk}/"
    page = client.get(url).content.decode()
    org = world.district.pk
    assert f'data-picker-source="/pickers/consultation-members/?organisation={org}"' in page
    assert "赵敏" not in page and "区教育局" not in page
    # Each labelled with its sector and committee, as everywhere a member is chosen.
    found = ask(client, "consultation-members", organisation=org, q="zm")
    assert found == ["赵敏（经济界·示范区政协）"]
    found = ask(client, "consultation-members", organisation=org, q="王")
    assert found == ["王建国（教育界·示范区政协）"]
    found = ask(client, "departments", perm="consultation.activities", organisation=org, q="教育")
    assert found == ["区教育局"]
    client.force_login(world.other_office)
    ask(client, "consultation-members", status=403, organisation=org)
    # A member or a unit of another district is refused; the leaders typed are kept.
    client.force_login(world.office)
    for field, value in (("members", outsider.pk), ("departments", foreign_unit.pk)):
        response = client.post(
            f"{url}participants/", {field: value, "leaders": "周书记，区委副书记"}
        )
        assert response.status_code == 400, field
        page = response.content.decode()
        assert "选择一个有效的选项" in page and "周书记，区委副书记" in page, field
    assert activity.participants.count() == 0
    # Without JavaScript: names typed, separated by 、, are looked up.
    client.post(f"{url}participants/", {"members__q": "赵敏、陈静"})
    assert sorted(p.name for p in activity.participants.all()) == ["赵敏", "陈静"]

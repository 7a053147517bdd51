"""The outcome form on an activity's page searches its feedback units on the server (issue
14): the form lists none, core's `departments` source finds the activity organisation's
units for whoever runs its activities, and a unit of another district is refused with what
was typed kept."""

import re

import pytest

from tests.consultation.test_outcomes import held_activity
from tests.factories import DepartmentFactory
from xieshang.consultation.models import Outcome


def ask(client, status=200, **params):
    response = client.get("/pickers/departments/", params)
    assert response.status_code == status
    return [row["text"] for row in response.json()["results"]] if status == 200 else None


@pytest.mark.django_db
def test_the_outcome_form_searches_the_feedback_units_on_the_server(client, world):
    activity = held_activity(world)
    foreign = DepartmentFactory(organisation=world.other, name="另一区教育局")
    client.force_login(world.office)
    url = f"/consultation/activities/{activity.pk}/"
    page = client.get(url).content.decode()
    form = re.search(r'<form[^>]*action="[^"]*/outcomes/new/".*?</form>', page, re.S).group(0)
    org = world.district.pk
    source = f"/pickers/departments/?perm=consultation.activities&amp;organisation={org}"
    block = re.search(r'<select[^>]*name="departments".*?</select>', form, re.S).group(0)
    assert f'data-picker-source="{source}"' in block
    assert "<option" not in block and "区教育局" not in form

    scope = {"perm": "consultation.activities", "organisation": org}
    assert ask(client, **scope, q="jiaoyu") == ["区教育局"]
    assert ask(client, **scope, q="教育") == ["区教育局"]  # not 另一区教育局
    client.force_login(world.other_office)
    assert ask(client, **scope, q="教育") == []  # another district's office sees none of them

    client.force_login(world.office)
    data = {"kind": Outcome.Kind.RECOMMENDATION, "title": "关于课后服务的建议", "body": "……"}
    response = client.post(f"{url}outcomes/new/", {**data, "departments": [foreign.pk]})
    assert response.status_code == 400
    page = response.content.decode()
    assert "选择一个有效的选项" in page and "关于课后服务的建议" in page
    assert not Outcome.objects.exists()
    response = client.post(f"{url}outcomes/new/", {**data, "departments": [world.education.pk]})
    assert response.status_code == 302
    assert list(Outcome.objects.get().departments.all()) == [world.education]

"""The assignment form on the proposal page searches its units on the server (issue 14), with
the board's source: the page carries only the chosen unit, the picker finds the proposal's
level's units (the routing suggestion first) and never another district's, and a unit from
elsewhere is refused with what was typed kept."""

import re

import pytest
from django.urls import reverse

from tests.factories import DepartmentFactory, make_org
from tests.proposals.conftest import accepted
from tests.proposals.test_routing import remits
from xieshang.orgs.models import Level
from xieshang.proposals.models import Assignment


def select(page: str, select_id: str) -> str:
    return re.search(rf'<select[^>]*id="{select_id}".*?</select>', page, re.S).group(0)


def ask(client, **params) -> list[str]:
    response = client.get(reverse("picker", args=["assign-departments"]), params)
    assert response.status_code == 200
    return [row["text"] for row in response.json()["results"]]


@pytest.mark.django_db
def test_the_assignment_form_searches_the_proposals_units_on_the_server(client, world):
    remits(world)
    other = make_org("另一区政协", Level.DISTRICT, parent=world.city)
    foreign = DepartmentFactory(organisation=other, name="另一区教育局")
    DepartmentFactory(organisation=world.district, name="区财政局")
    proposal = accepted(world, title="关于老旧小区加装电梯的建议")
    proposal.suggested_department = world.education
    proposal.save(update_fields=["suggested_department"])
    client.force_login(world.reviewer)
    url = reverse("proposals:detail", args=[proposal.pk])

    page = client.get(url).content.decode()
    source = (
        f"/pickers/assign-departments/?organisation={world.district.pk}&amp;proposal={proposal.pk}"
    )
    lead, others = select(page, "id_assign-lead"), select(page, "id_assign-others")
    assert f'data-picker-source="{source}"' in lead and f'data-picker-source="{source}"' in others
    # Only the proposer's suggested unit, chosen in advance; none of the other units.
    assert re.findall(r"<option[^>]*>([^<]*)</option>", lead) == ["（无）", "区教育局"]
    assert "<option" not in others
    assert ">区财政局</option>" not in page

    params = {"organisation": world.district.pk, "proposal": proposal.pk}
    assert ask(client, **params)[0] == "区住房和城乡建设局"  # the routing suggestion first
    assert ask(client, **params, q="cz") == ["区财政局"]
    assert ask(client, **params, q="教育") == ["区教育局"]
    # Another district's unit is never offered, even without the organisation.
    assert ask(client, q="教育") == ["示范区政协 · 区教育局"]

    act = reverse("proposals:act", args=[proposal.pk, "assign"])
    response = client.post(
        act, {"assign-mode": "lead", "assign-lead": foreign.pk, "assign-note": "请抓紧办理"}
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "选择一个有效的选项" in page and "请抓紧办理" in page
    assert "另一区教育局" not in page
    assert not Assignment.objects.exists()

    response = client.post(
        act,
        {
            "assign-mode": "lead",
            "assign-lead": world.housing.pk,
            "assign-others": [world.education.pk],
            "assign-note": "",
        },
    )
    assert response.status_code == 302
    assert dict(
        Assignment.objects.filter(proposal=proposal).values_list("department__name", "role")
    ) == {"区住房和城乡建设局": "lead", "区教育局": "co"}

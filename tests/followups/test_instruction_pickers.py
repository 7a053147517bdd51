"""The instruction form (批示) on an item's page searches its units on the server (issue 14):
the page lists none, the picker finds the item's organisation's units for whoever may record
an instruction on it (nobody else), and a unit from elsewhere is refused with what was typed
kept."""

import re

import pytest
import time_machine

from tests.factories import DepartmentFactory
from tests.followups.test_instructions import MORNING, _key_proposal, district  # noqa: F401
from xieshang.followups.models import Instruction
from xieshang.orgs.models import Organisation

pytestmark = pytest.mark.django_db


def ask(client, status=200, **params):
    response = client.get("/pickers/instruction-departments/", params)
    assert response.status_code == status
    return [row["text"] for row in response.json()["results"]] if status == 200 else None


def test_the_instruction_form_searches_the_items_units_on_the_server(client, district):  # noqa: F811
    d = district
    proposal = _key_proposal(d["org"])
    other = _key_proposal(Organisation.objects.get(name="邻区政协"))
    foreign = DepartmentFactory(organisation=other.organisation, name="邻区财政局")
    client.force_login(d["committee"])
    page = client.get(f"/proposals/{proposal.pk}/").content.decode()
    source = f"/pickers/instruction-departments/?target=proposals.proposal&amp;item={proposal.pk}"
    block = re.search(r'<select[^>]*name="departments".*?</select>', page, re.S).group(0)
    assert f'data-picker-source="{source}"' in block
    assert "<option" not in block and "区财政局" not in page

    item = {"target": "proposals.proposal", "item": proposal.pk}
    assert ask(client, **item, q="czj") == ["区财政局"]
    assert ask(client, **item, q="财政") == ["区财政局"]  # not 邻区财政局
    # Another district's item, an unknown kind, or a user who may not record: not found.
    ask(client, 404, target="proposals.proposal", item=other.pk)
    ask(client, 404, target="nope.nope", item=proposal.pk)
    client.force_login(d["finance_clerk"])
    ask(client, 404, **item)

    client.force_login(d["committee"])
    url = f"/followups/instructions/new/proposals.proposal/{proposal.pk}/"
    data = {
        "leader": "王书记",
        "level": "district",
        "instructed_on": "2026-03-02",
        "text": "请财政局研究，月底前拿出方案。",
        "working_days": 10,
    }
    with time_machine.travel(MORNING):
        response = client.post(url, {**data, "departments": [foreign.pk]})
        assert response.status_code == 400
        page = response.content.decode()
        assert "选择一个有效的选项" in page and "请财政局研究，月底前拿出方案。" in page
        assert not Instruction.objects.exists()
        response = client.post(url, {**data, "departments": [d["finance"].pk]})
    assert response.status_code == 302
    assert list(Instruction.objects.get().departments.all()) == [d["finance"]]

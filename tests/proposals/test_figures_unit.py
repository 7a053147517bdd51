"""A handling unit's own figures: its clerk and its leader see, on /proposals/figures/ and in
its export, the numbers the unit is assessed on (contact, face-to-face, satisfaction,
category shares), counted as the committee's figures count its row, and nothing of any
other unit. They got 403 before."""

import io

from django.urls import reverse
from openpyxl import load_workbook

from tests.factories import user_with_role
from tests.proposals.test_figures import department_data
from xieshang.orgs.models import Role
from xieshang.proposals import figures

HOUSING = "区住房和城乡建设局"
EDUCATION = "区教育局"


def table(html: str) -> str:
    return html.split('id="department-figures"', 1)[1].split("</table>", 1)[0]


def test_a_units_clerk_sees_its_own_row_as_the_committee_counts_it(world, client):
    department_data(world)
    client.force_login(world.housing_clerk)
    response = client.get(reverse("proposals:figures"), {"year": "2026"})
    assert response.status_code == 200
    rows = table(response.content.decode())
    assert HOUSING in rows
    for other in (EDUCATION, "另一区住建局", "合计"):
        assert other not in rows, other
    page = response.content.decode()
    assert "第十五届第五次会议" not in page and 'id="session-figures"' not in page
    # The numbers of the committee's own row for the unit: 4 assigned, 3 answered, on time
    # 50 %, contact 75 %, face to face 50 %, satisfied 66.7 % / 33.3 %, A 66.7 %, 1 re-handled.
    committee = {r.name: r for r in figures.figures(world.district, 2026).departments}[HOUSING]
    (own,) = figures.unit_figures({world.housing.pk}, 2026).departments
    # Only the unit's own rows are counted at all.
    only = figures.department_figures(world.district, 2026, departments=[world.housing.pk])
    assert [r.name for r in only] == [HOUSING]
    assert (own.assigned, own.answered, own.on_time, own.contacted, own.met) == (4, 3, 2, 3, 2)
    assert (own.rated, own.process_ok, own.result_ok, own.rehandled) == (3, 2, 1, 1)
    assert own.shares == committee.shares == [66.7, 33.3, 0.0]
    assert own.contact_rate == committee.contact_rate == 75.0
    cells = rows.split(HOUSING, 1)[1]
    for shown in ("75", "50", "66.7", "33.3"):
        assert shown in cells, shown


def test_a_units_export_holds_its_own_row_only(world, client):
    department_data(world)
    client.force_login(world.housing_clerk)
    response = client.get(reverse("proposals:figures_export"), {"year": 2026})
    assert response.status_code == 200
    wb = load_workbook(io.BytesIO(response.content))
    assert wb.sheetnames == ["承办单位办理情况"]
    rows = [list(r) for r in wb["承办单位办理情况"].iter_rows(values_only=True)]
    assert rows[0][:3] == ["承办单位", "交办政协", "交办件数"]
    assert rows[1:] == [
        [HOUSING, "示范区政协", 4, 3, 75.0, 2, 50.0, 75.0, 50.0, 66.7, 33.3, 66.7, 33.3, 0.0, 1]
    ]


def test_a_units_leader_sees_it_too_and_a_year_without_work_reads_zero(world, client):
    department_data(world)
    leader = user_with_role(Role.DEPARTMENT_LEADER, world.district, department=world.education)
    client.force_login(leader)
    rows = table(client.get(reverse("proposals:figures"), {"year": "2026"}).content.decode())
    assert EDUCATION in rows and HOUSING not in rows
    # 2024: nothing assigned; the row is there with nothing to count.
    rows = table(client.get(reverse("proposals:figures"), {"year": "2024"}).content.decode())
    assert EDUCATION in rows and HOUSING not in rows
    response = client.get(reverse("proposals:figures"), {"year": "1850"})
    assert response.status_code == 400 and 'value="1850"' in response.content.decode()
    # The organisation's own choice is not theirs to make.
    response = client.get(
        reverse("proposals:figures"), {"year": "2026", "organisation": world.other_district.pk}
    )
    assert HOUSING not in table(response.content.decode())
    assert "另一区住建局" not in response.content.decode()

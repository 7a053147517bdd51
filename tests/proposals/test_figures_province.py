"""The figures page of an organisation with committees below it (a province, a city): its
own departments (本级) in full, then one row per committee directly below with that
committee's whole subtree added up, linking to its own figures; the 合计 row is everything.
A province's page is no heavier than a district's: the rows, the chart and the number of
queries do not grow with the departments and committees below. The Excel export keeps
every department."""

import datetime as dt
import io
import json
import re
from dataclasses import dataclass

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from tests.factories import DepartmentFactory, make_org, user_with_role
from tests.proposals.test_figures import SAT, UNSAT, assignment, proposal
from xieshang.orgs.models import Level, Organisation, Role
from xieshang.proposals import figures, report
from xieshang.proposals.models import Contact, Proposal

pytestmark = [pytest.mark.clause("C2.9"), pytest.mark.clause("C4.6")]

S = Proposal.Status
KEY = Proposal.KeyStatus.APPROVED
COUNTS = ("assigned", "answered", "on_time", "contacted", "met", "rehandled", "rated")


@dataclass
class Province:
    province: Organisation
    cities: list[Organisation]
    districts: list[Organisation]
    office: object


def answered_by(world, dept, *, on_time=True, key=False):
    """One answered proposal of the department's committee, rated; on time or a day late."""
    p = proposal(world, org=dept.organisation, status=S.ANSWERED, key_status=KEY if key else "")
    day = 20 if on_time else 2
    month = 5 if on_time else 6
    return assignment(
        world,
        dept,
        p=p,
        submitted=dt.datetime(2026, month, day, 10),
        contacts=[Contact.Way.MEETING],
        category="A" if on_time else "B",
        ratings=[("zhang", SAT, SAT if on_time else UNSAT)],
    )


def province_data(world, cities=2, departments=2) -> Province:
    """A province with two departments of its own, `cities` cities each with a district
    below; every city and district has `departments` departments: a city department
    answered one proposal on time and handles another, a district department answered
    one a day late. One key proposal at the province, one in the first city."""
    province = make_org("示范省政协", Level.PROVINCE)
    answered_by(world, DepartmentFactory(organisation=province, name="省发展改革委"), key=True)
    planning = DepartmentFactory(organisation=province, name="省教育厅")
    answered_by(world, planning, on_time=False)
    assignment(world, planning, p=proposal(world, org=province))
    found = Province(province, [], [], user_with_role(Role.OFFICE, province))
    for i in range(cities):
        city = make_org(f"第{i + 1}市政协", Level.CITY, parent=province)
        district = make_org(f"第{i + 1}市某区政协", Level.DISTRICT, parent=city)
        for k in range(departments):
            dept = DepartmentFactory(organisation=city, name=f"第{i + 1}市住建局{k + 1}")
            answered_by(world, dept, key=i == 0 and k == 0)
            assignment(world, dept, p=proposal(world, org=city))
            dept = DepartmentFactory(organisation=district, name=f"第{i + 1}市某区教育局{k + 1}")
            answered_by(world, dept, on_time=False)
        found.cities.append(city)
        found.districts.append(district)
    return found


def page(client, org, year=2026):
    response = client.get(reverse("proposals:figures"), {"organisation": org.pk, "year": year})
    assert response.status_code == 200
    return response.content.decode()


def table(html, id):
    return re.search(rf'<table[^>]*id="{id}".*?</table>', html, re.S).group(0)


def chart(html, id):
    block = re.search(rf'<script id="{id}-data" type="application/json">(.*?)</script>', html)
    return json.loads(block.group(1))


def values(row):
    return tuple(getattr(row, name) for name in COUNTS)


def test_the_province_page_lists_its_own_departments_then_one_row_per_city(world, client):
    t = province_data(world)
    client.force_login(t.office)
    html = page(client, t.province)
    departments = table(html, "department-figures")
    assert "省发展改革委" in departments and "省教育厅" in departments
    for city in t.cities:
        assert f'data-committee="{city.pk}"' in departments
        assert f">{city.name}</a>" in departments
    # Not one department of a city or a district anywhere on the page, chart included.
    assert "住建局" not in html and "教育局" not in html
    assert "某区政协" not in html  # the districts are inside their city's row
    sessions = table(html, "session-figures")
    for city in t.cities:
        assert f'data-committee="{city.pk}"' in sessions
    spec = chart(html, "chart-departments")
    assert spec["labels"] == ["示范省政协（本级）", "第1市政协", "第2市政协"]
    # The province's own: 1 of 2 answered on time, 2 of 3 assigned answered; each city:
    # 2 city answers on time and 2 district answers late, all rated, half satisfied.
    assert spec["series"][0]["data"] == [33.3, 33.3, 33.3]
    assert spec["series"][1]["data"] == [50.0, 50.0, 50.0]


def test_each_city_row_is_its_whole_subtree_and_the_total_is_everything(world, client):
    t = province_data(world)
    fig = figures.figures(t.province, 2026)
    assert [r.name for r in fig.departments] == ["省发展改革委", "省教育厅"]
    assert [r.committee for r in fig.committees] == t.cities
    full = figures.figures(t.province, 2026, export=True)
    assert len(full.departments) == 2 + 2 * 2 * 2  # the export's sheet: every department
    for row in fig.committees:
        names = {o.name for o in Organisation.objects.filter(path__startswith=row.committee.path)}
        below = [r for r in full.departments if r.organisation in names]
        assert len(below) == 4
        assert values(row) == values(figures.department_total(below))
        letters = figures.department_total(below).categories
        assert [row.categories.get(c, 0) for c in "ABC"] == [letters.get(c, 0) for c in "ABC"]
        # 2 city answers A and 2 district answers B: half each.
        assert row.shares == [50.0, 50.0, 0.0]
    summed = figures.department_total([*fig.departments, *fig.committees])
    assert values(fig.department_total) == values(summed) == values(full.department_total)
    assert fig.department_total.assigned == 3 + 2 * 6
    session_sum = figures.session_total([*fig.sessions, *fig.session_committees])
    for name in figures.SESSION_COUNTS:
        assert getattr(fig.session_total, name) == getattr(session_sum, name)
        assert getattr(fig.session_total, name) == getattr(full.session_total, name)
    assert fig.session_total.received == 3 + 2 * 6
    assert [r.received for r in fig.session_committees] == [6, 6]

    # The page's 合计 row says the same.
    client.force_login(t.office)
    foot = re.search(
        r"<tfoot.*?</tfoot>", table(page(client, t.province), "department-figures"), re.S
    )
    cells = re.findall(r'<td class="text-end"[^>]*>(.*?)</td>', foot.group(0))
    assert cells[:2] == ["15", str(fig.department_total.answered)]


def test_a_city_row_drills_down_to_the_citys_figures_and_on_to_its_district(world, client):
    t = province_data(world)
    client.force_login(t.office)
    html = page(client, t.province)
    city = t.cities[0]
    href = re.search(rf'<a href="([^"]*)">{city.name}</a>', table(html, "department-figures"))
    url = href.group(1).replace("&amp;", "&")
    assert url == f"{reverse('proposals:figures')}?organisation={city.pk}&year=2026"
    response = client.get(url)
    assert response.status_code == 200
    city_page = response.content.decode()
    departments = table(city_page, "department-figures")
    assert "第1市住建局1" in departments and "第1市住建局2" in departments
    assert f'data-committee="{t.districts[0].pk}"' in departments
    assert "第1市某区教育局1" not in departments
    # The district below has no committee below it: every department, as ever.
    district = page(client, t.districts[0])
    departments = table(district, "department-figures")
    assert "第1市某区教育局1" in departments and "data-committee" not in departments
    names = re.findall(r'<th scope="row"[^>]*>(.*?)</th>', departments)
    assert [re.sub(r"<.*", "", n).strip() for n in names] == [
        "第1市某区教育局1",
        "第1市某区教育局2",
        "合计",
    ]


@pytest.mark.parametrize("cities, departments", [(2, 1), (6, 3)])
def test_the_province_page_asks_the_same_queries_and_rows_whatever_lies_below(
    world, client, cities, departments, django_assert_num_queries
):
    t = province_data(world, cities=cities, departments=departments)
    client.force_login(t.office)
    client.get(reverse("proposals:figures"))  # warm the session
    # The district page's 14, the organisation asked for and shown in the picker (2), and
    # the committees below (1), their department figures (3) and sessions (1) rolled up.
    with django_assert_num_queries(21):
        html = page(client, t.province)
    rows = table(html, "department-figures").count("<tr")
    assert rows == 1 + 1 + 2 + 1 + cities + 1  # head, 本级, own, 下级, cities, total


@pytest.mark.parametrize("cities, departments", [(2, 1), (6, 3)])
def test_the_excel_export_keeps_every_department_in_a_fixed_number_of_queries(
    world, client, cities, departments, django_assert_num_queries
):
    t = province_data(world, cities=cities, departments=departments)
    client.force_login(t.office)
    client.get(reverse("proposals:figures"))  # warm the session
    url = reverse("proposals:figures_export")
    # Session, user, roles, the organisation, the count of its units (past a threshold the
    # export is a background job), outcome categories, the committees below, 3 department
    # queries, 1 session query, key target, the proposal list and its handling departments.
    with django_assert_num_queries(14):
        response = client.get(url, {"organisation": t.province.pk, "year": 2026})
    wb = load_workbook(io.BytesIO(response.content))
    names = [r[0] for r in wb["承办单位办理情况"].iter_rows(min_row=2, values_only=True)]
    assert len(names) == 2 + cities * departments * 2 + 1  # every department and 合计
    assert "第1市某区教育局1" in names and names[-1] == "合计"
    # The proposals one by one are the province's own; each city's export lists its own.
    listed = list(wb["提案清单"].iter_rows(min_row=2, values_only=True))
    assert len(listed) == 3 + 2  # the province's three, a blank line, the note
    assert {r[9] for r in listed[:3]} == {"示范省政协"}  # 所属
    assert listed[-1][0].startswith("本表只列示范省政协本级的提案；第1市政协、第2市政协")


def test_the_province_report_names_its_own_key_proposals_and_counts_the_cities(world, client):
    t = province_data(world)
    Proposal.objects.filter(organisation=t.province, key_status=KEY).update(
        title="关于省级重点的建议"
    )
    Proposal.objects.filter(organisation=t.cities[0], key_status=KEY).update(
        title="关于市级重点的建议"
    )
    r = report.work_report(t.province, 2026)
    assert [p.title for p in r.key_proposals] == ["关于省级重点的建议"]
    assert (r.total.key, r.key_own, r.key_below) == (2, 1, 1)
    client.force_login(t.office)
    query = {"organisation": t.province.pk, "year": 2026}
    html = client.get(reverse("proposals:work_report"), query).content.decode()
    assert "确定重点提案1件，由领导领办督办：《关于省级重点的建议》。" in html
    assert "各下级政协确定重点提案1件。" in html
    assert "关于市级重点的建议" not in html
    # The district's report still lists its own.
    html = client.get(
        reverse("proposals:work_report"), {"organisation": t.districts[0].pk, "year": 2026}
    ).content.decode()
    assert "本年度未确定重点提案。" in html and "各下级政协" not in html

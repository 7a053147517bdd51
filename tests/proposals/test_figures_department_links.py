"""The figures page's department rows link to the proposal list filtered by 承办单位 (and
by how far it got: 交办, 已答复, 按时答复), showing the same number; the filter stays in the
pager and the Excel export; the year's received totals leave drafts out; a page past the
end of the list shows its last page with the filters kept."""

import datetime as dt
import html
import re

import pytest
from django.urls import reverse

from tests.factories import DepartmentFactory, user_with_role
from tests.proposals.test_figures import assignment, proposal
from tests.proposals.test_figures_list_links import list_count
from tests.xlsx import workbook
from xieshang.orgs.models import Role
from xieshang.proposals import figures, views
from xieshang.proposals.models import Assignment, Proposal

pytestmark = [pytest.mark.clause("C4.6")]

S = Proposal.Status
ON_TIME = dt.datetime(2026, 5, 20, 10)
LATE = dt.datetime(2026, 6, 20, 10)


@pytest.fixture
def handled(world):
    """The district's 住建局: 4 assigned (2 on time, 1 late, 1 handling), one of them split
    with 教育局, one re-handled (round 2, same department), one co-handled by 教育局 (not
    counted), one returned as the wrong department (not counted); a proposal of 2025. The
    city's own 市住建局: 2 assigned, 1 answered on time."""
    housing, education = world.housing, world.education
    split = proposal(world, status=S.ANSWERED)
    assignment(world, housing, p=split, role=Assignment.Role.SPLIT, submitted=ON_TIME)
    assignment(world, education, p=split, role=Assignment.Role.SPLIT, submitted=LATE)
    again = assignment(world, housing, submitted=ON_TIME).proposal
    assignment(world, housing, p=again, round_=2)
    late = assignment(world, housing, submitted=LATE).proposal
    assignment(world, education, p=late, role=Assignment.Role.CO, submitted=ON_TIME)
    assignment(world, housing)
    assignment(world, housing, status=Assignment.Status.RETURNED)
    assignment(world, housing, p=proposal(world, year=2025))
    world.city_housing = DepartmentFactory(organisation=world.city, name="市住房和城乡建设局")
    for submitted in (ON_TIME, None):
        p = proposal(world, org=world.city, status=S.ANSWERED if submitted else S.ASSIGNED)
        assignment(world, world.city_housing, p=p, submitted=submitted)
    return world


def department_links(page: str) -> dict[str, list[tuple[str, str]]]:
    """Each department row's name → its links (url, text), in column order."""
    start = page.index('id="department-figures"')
    table = page[start : page.index("</table>", start)]
    rows = {}
    for row in re.findall(r"<tr[^>]*>(.*?)</tr>", table, flags=re.S):
        name = re.search(r'<th scope="row"[^>]*>(?:<a[^>]*>)?([^<]+)', row)
        if name:
            links = re.findall(r'<a href="(/proposals/\?[^"]+)"[^>]*>([^<]+)</a>', row)
            rows[name.group(1).strip()] = [(html.unescape(url), text) for url, text in links]
    return rows


def test_district_department_counts_link_to_the_list_with_the_same_numbers(client, handled):
    world = handled
    client.force_login(world.office)
    page = client.get(
        reverse("proposals:figures"), {"organisation": world.district.pk, "year": 2026}
    ).content.decode()
    rows = department_links(page)
    row = next(
        r
        for r in figures.figures(world.district, 2026).departments
        if r.name == "区住房和城乡建设局"
    )
    assert (row.assigned, row.answered, row.on_time) == (4, 3, 2)
    (assigned, n1), (answered, n2), (on_time, rate) = rows["区住房和城乡建设局"]
    assert (n1, n2, rate) == ("4", "3", "50.0%")
    assert f"department={world.housing.pk}" in assigned and "year=2026" in assigned
    assert list_count(client, assigned) == 4
    assert list_count(client, answered) == 3
    assert list_count(client, on_time) == 2
    # 教育局: its split part, answered late; the co-handling is not its to answer.
    (assigned, n1), (answered, n2) = rows["区教育局"]
    assert (n1, n2) == ("1", "1")
    assert list_count(client, assigned) == 1 and list_count(client, answered) == 1
    # The total adds assignments (the split proposal twice): it links nowhere.
    assert rows["合计"] == []


def test_city_department_row_links_to_the_citys_own_proposals(client, handled):
    """The city's page: its own 市住建局 (本级, scope=own) and the districts rolled up."""
    world = handled
    client.force_login(user_with_role(Role.OFFICE, world.city))
    page = client.get(
        reverse("proposals:figures"), {"organisation": world.city.pk, "year": 2026}
    ).content.decode()
    rows = department_links(page)
    (assigned, n1), (answered, n2), (on_time, _rate) = rows["市住房和城乡建设局"]
    assert (n1, n2) == ("2", "1")
    assert "scope=own" in assigned
    assert [list_count(client, url) for url in (assigned, answered, on_time)] == [2, 1, 1]
    # The district's own department, from the city's list (the whole subtree): the same 4.
    index = reverse("proposals:index")
    assert list_count(client, f"{index}?year=2026&department={world.housing.pk}") == 4


def test_the_department_filter_shows_its_name_and_stays_in_the_pager_and_export(
    client, handled, monkeypatch
):
    world = handled
    client.force_login(world.office)
    index = reverse("proposals:index")
    query = {"year": 2026, "department": world.housing.pk, "handled": "answered"}
    page = client.get(index, query).content.decode()
    # The picker renders only the chosen department (no list of every unit), by name.
    assert (
        f'<option value="{world.housing.pk}" selected>示范区政协 · 区住房和城乡建设局</option>'
        in page
    )
    assert "区教育局</option>" not in page
    assert 'data-picker-source="/pickers/departments/' in page
    export = re.search(r'id="proposal-export" href="([^"]+)"', page).group(1)
    assert f"department={world.housing.pk}" in export and "handled=answered" in export
    rows = list(workbook(client.get(html.unescape(export))).active.iter_rows(values_only=True))
    assert len(rows) - 1 == 3
    # One per page: the pager's links keep the filter.
    monkeypatch.setattr(views, "PAGE_SIZE", 1)
    page = client.get(index, query).content.decode()
    pager = re.findall(r'class="page-link"[^>]*href="([^"]+)"', page)
    assert pager and all(f"department={world.housing.pk}" in html.unescape(u) for u in pager)


def test_a_department_the_user_may_not_see_is_refused_and_left_out(client, handled):
    world = handled
    client.force_login(world.office)  # the district's office: not the city's departments
    response = client.get(
        reverse("proposals:index"), {"year": 2026, "department": world.city_housing.pk}
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert 'id="f-department"' in page and "invalid-feedback" in page
    assert list_count(client, f"/proposals/?year=2026&department={world.city_housing.pk}") == (
        list_count(client, "/proposals/?year=2026")
    )


def test_drafts_are_in_no_received_total_of_the_year(client, world):
    """A draft never submitted, and one still collecting co-signatures, are not proposals the
    committee received: not on the figures page, the roll-up page or the work report."""
    proposal(world, status=S.SUBMITTED)
    proposal(world, status=S.ACCEPTED)
    proposal(world, status=S.DRAFT)
    proposal(world, status=S.COSIGNING)
    fig = figures.figures(world.district, 2026)
    assert fig.session_total.received == 2
    assert sum(n for _c, n in fig.by_category()) == 2
    client.force_login(world.office)
    page = client.get(
        reverse("proposals:figures"), {"organisation": world.district.pk, "year": 2026}
    ).content.decode()
    assert "起草" not in page and "草稿" not in page
    report = client.get(
        reverse("proposals:work_report"), {"organisation": world.district.pk, "year": 2026}
    ).content.decode()
    assert "共收到提案2件" in report
    tree = client.get("/dashboard/tree/", {"year": 2026}).content.decode()
    assert "起草" not in tree and "草稿" not in tree


def test_a_page_past_the_end_shows_the_last_page_with_the_filters(client, world):
    for n in range(3):
        proposal(world, status=S.SUBMITTED, title=f"关于第{n}件事的建议")
    client.force_login(world.office)
    response = client.get(reverse("proposals:index"), {"page": 99999, "year": 2026})
    assert response.status_code == 200
    page = response.content.decode()
    assert 'value="2026"' in page
    assert "共 3 件提案" in page and "关于第0件事的建议" in page


def test_in_english_the_proposal_type_and_its_subject_category_are_told_apart(client, world):
    """类别 (大会/平时) is "Type", 提案分类 "Subject category": two columns of the export and
    two labels of the pages that were both "Category"."""
    p = proposal(world, status=S.SUBMITTED, category="社会建设")
    client.force_login(world.office)
    client.cookies["django_language"] = "en"
    page = client.get(reverse("proposals:index")).content.decode()
    assert '<label class="form-label small" for="f-kind">Type</label>' in page
    detail = client.get(reverse("proposals:detail", args=[p.pk])).content.decode()
    assert "Subject category" in detail
    headers = next(
        workbook(client.get(reverse("proposals:export"))).active.iter_rows(values_only=True)
    )
    assert "Type" in headers and "Subject category" in headers and "Category" not in headers

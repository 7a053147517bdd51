"""The one list pattern (`{% listtable %}`) and paging of long lists with the filter kept
(issue 10)."""

import datetime as dt
import re
from html import unescape
from urllib.parse import parse_qs

import pytest
from django.template import Context, Template
from django.urls import reverse
from django.utils import timezone

from tests.duty.factories import YEAR, record, setting
from tests.factories import MemberFactory, make_org, seat, user_with_role
from tests.members.factories import committee
from xieshang.core.listtable import annotate
from xieshang.core.models import Event
from xieshang.duty.models import DutyKind
from xieshang.orgs.models import Role

pytestmark = pytest.mark.django_db


# --- The pattern: every body cell says which column it is in ---------------------------------

TABLE = """<table class="table" id="t">
<thead><tr><th class="xs-col-nowrap">提案号</th><th class="xs-col-title">案由</th>
<th colspan="2">承办单位</th><th class="xs-col-minor">提案人</th><th></th></tr></thead>
<tbody>
<tr class="table-danger"><td class="text-nowrap">12</td>
<td><a href="/p/1?a=1&amp;b=2">加装电梯</a></td><td title="主办 > 协办">住建局</td>
<td>  </td><td>张三</td><td><button>办理</button></td></tr>
<tr><td colspan="6">暂无提案</td></tr>
</tbody></table>"""


def cells(html):
    return re.findall(r"""<td(?:[^>"]|"[^"]*")*>""", html)


def test_it_labels_each_cell_from_its_column_header():
    html = annotate(TABLE)
    first_row = cells(html)[:6]
    assert 'data-label="提案号"' in first_row[0] and "text-nowrap xs-col-nowrap" in first_row[0]
    assert 'data-label="案由"' in first_row[1] and 'class="xs-col-title"' in first_row[1]
    # A header spanning two columns labels both.
    assert 'data-label="承办单位"' in first_row[2] and 'data-label="承办单位"' in first_row[3]
    assert 'title="主办 > 协办" data-label="承办单位"' in html  # a ">" inside an attribute
    assert "xs-empty" in first_row[3]  # nothing to show on a card
    assert "xs-col-minor" in first_row[4]
    assert "data-label" not in first_row[5]  # no header text, no label
    # A message spanning the row is a full-width line, not a labelled fact.
    assert 'colspan="6"' in cells(html)[6] and "xs-full" in cells(html)[6]
    # The rest of the markup is kept as it was.
    assert 'href="/p/1?a=1&amp;b=2"' in html and '<tr class="table-danger">' in html
    assert 'class="table xs-list" id="t"' in html


def test_a_two_row_header_labels_each_cell_with_its_group_and_column():
    html = annotate(
        '<table><thead><tr><th rowspan="2">单位</th><th colspan="2">提案</th>'
        '<th class="xs-col-minor">协商</th></tr>'
        "<tr><th>收到</th><th>立案</th><th>开展协商活动</th></tr></thead>"
        "<tbody><tr><td>甲区</td><td>3</td><td>2</td><td>1</td></tr></tbody></table>"
    )
    labels = re.findall(r'<td[^>]*data-label="([^"]*)"', html)
    # The phone card reads "提案 · 收到" and "提案 · 立案", not "提案" twice; a group label
    # that the column's own label already contains is not repeated.
    assert labels == ["单位", "提案 · 收到", "提案 · 立案", "开展协商活动"]
    assert 'class="xs-col-minor" data-label="开展协商活动"' in html


def test_it_leaves_a_table_nested_in_a_cell_alone():
    html = annotate(
        "<table><thead><tr><th>外</th></tr></thead><tbody><tr><td>"
        "<table><thead><tr><th>内</th></tr></thead><tbody><tr><td>x</td></tr></tbody></table>"
        "</td></tr></tbody></table>"
    )
    assert html.count("data-label") == 1 and html.count("xs-list") == 1


def test_the_template_tag_escapes_labels_and_renders_safely():
    t = Template(
        "{% load xs %}{% listtable %}<table><thead><tr><th>{{ label }}</th></tr></thead>"
        "<tbody><tr><td>{{ value }}</td></tr></tbody></table>{% endlisttable %}"
    )
    html = t.render(Context({"label": 'A "quoted" <b>', "value": "<script>"}))
    assert 'data-label="A &quot;quoted&quot; &lt;b&gt;"' in html
    assert "&lt;script&gt;" in html and "<script>" not in html


# --- Paging keeps the filter --------------------------------------------------------------


def page_links(html):
    return [unescape(h) for h in re.findall(r'class="page-link"[^>]*href="([^"]*)"', html)]


def rows_of(html, table_id, cell_class="xs-col-title"):
    table = html.split(f'id="{table_id}"', 1)[1].split("</table>", 1)[0]
    return re.findall(rf"<td[^>]*{cell_class}[^>]*>(.*?)</td>", table, re.S)


def test_the_evaluation_pages_and_keeps_year_and_sort(client):
    org, term, office, _member = setting()
    for i in range(44):
        seated = MemberFactory(organisation=org, name=f"委员{i:03d}")
        seat(seated, term)
        record(seated, DutyKind.MEETING, quantity=i % 7)
    client.force_login(office)
    url = reverse("duty:evaluation")
    first = client.get(url, {"year": YEAR, "sort": "name"}).content.decode()
    assert len(rows_of(first, "duty-evaluation")) == 30
    (next_link,) = [h for h in page_links(first) if "page=2" in h]
    assert f"year={YEAR}" in next_link and "sort=name" in next_link
    second = client.get(url + next_link).content.decode()
    assert len(rows_of(second, "duty-evaluation")) == 15
    assert not set(rows_of(first, "duty-evaluation")) & set(rows_of(second, "duty-evaluation"))
    # A page past the end shows the last page; a page that is not a number is a 400.
    assert client.get(url, {"year": YEAR, "page": 9}).context["page"].number == 2
    assert client.get(url, {"year": YEAR, "page": "x"}).status_code == 400


@pytest.mark.parametrize("n", [60, 110])
def test_each_evaluation_page_costs_the_same_queries(client, django_assert_num_queries, n):
    org, term, office, _member = setting()
    for _ in range(n - 1):
        seat(MemberFactory(organisation=org), term)
    client.force_login(office)
    url = reverse("duty:evaluation") + f"?year={YEAR}&page=2"
    client.get(url)  # warm up: creates the score table
    # 11: the committee's first term is read to refuse a year before it (duty.views).
    with django_assert_num_queries(11):
        assert client.get(url).status_code == 200


def test_the_audit_log_pages_and_keeps_every_filter(client):
    org = make_org()
    auditor = user_with_role(Role.AUDIT_ADMIN, org)
    clerk = user_with_role(Role.OFFICE, org)
    now = timezone.now()
    for i in range(70):
        Event.objects.create(
            verb="member.update",
            organisation=org,
            actor=clerk,
            actor_name="经办人",
            object_repr=f"委员档案{i:03d}",
            created_at=now - dt.timedelta(minutes=i),
        )
    client.force_login(auditor)
    params = {"verb": "member.update", "actor": "经办", "q": "委员档案"}
    first = client.get(reverse("audit_log"), params).content.decode()
    next_link = [h for h in page_links(first) if "page=2" in h][0]
    assert {k: v[0] for k, v in parse_qs(next_link[1:]).items()} == {**params, "page": "2"}
    second = client.get(reverse("audit_log") + next_link)
    assert second.status_code == 200
    names_1 = rows_of(first, "audit-table")
    names_2 = rows_of(second.content.decode(), "audit-table")
    assert len(names_1) == 50 and len(names_2) == 20 and not set(names_1) & set(names_2)


def test_the_member_list_pages_and_keeps_the_filter(client):
    c = committee()
    for i in range(55):
        c.member(f"成员{i:03d}", sector=c.sector)
    c.member("教育界委员", sector=c.sector2)
    client.force_login(c.clerk)
    url = reverse("members:list")
    params = {"sector": c.sector.pk, "q": "成员"}
    first = client.get(url, params).content.decode()
    next_link = [h for h in page_links(first) if "page=2" in h][0]
    query = {k: v[0] for k, v in parse_qs(next_link[1:]).items()}
    assert query == {"sector": str(c.sector.pk), "q": "成员", "page": "2"}
    second = client.get(url + next_link).content.decode()
    names_1 = rows_of(first, "member-table")
    names_2 = rows_of(second, "member-table")
    assert len(names_1) == 50 and len(names_2) == 5 and not set(names_1) & set(names_2)
    assert "教育界委员" not in first + second


def test_the_proposal_list_pages_and_keeps_the_filter(client):
    from tests.proposals.conftest import World
    from tests.proposals.test_figures import proposal
    from xieshang.proposals.models import Proposal

    world = World()
    for i in range(53):
        proposal(world, title=f"关于第{i:03d}件事的建议", status=Proposal.Status.ASSIGNED)
    proposal(world, title="关于另一件事的建议", status=Proposal.Status.ANSWERED)
    client.force_login(world.reviewer)
    params = {"status": Proposal.Status.ASSIGNED, "q": "件事"}
    first = client.get(reverse("proposals:index"), params).content.decode()
    next_link = [h for h in page_links(first) if "page=2" in h][0]
    query = {k: v[0] for k, v in parse_qs(next_link[1:]).items()}
    assert query == {"status": "assigned", "q": "件事", "page": "2"}
    second = client.get(reverse("proposals:index") + next_link).content.decode()
    titles_1 = rows_of(first, "proposal-list")
    titles_2 = rows_of(second, "proposal-list")
    assert len(titles_1) == 50 and len(titles_2) == 3 and not set(titles_1) & set(titles_2)
    assert "另一件事" not in first + second
    # The clerk sees how many the search found, on every page of it, and the whole list's.
    assert "“件事”共找到 53 件" in first and "“件事”共找到 53 件" in second
    unfiltered = client.get(reverse("proposals:index")).content.decode()
    assert "共 54 件提案" in unfiltered


# --- Every list uses the pattern -------------------------------------------------------------

# Tables that are not lists shown on screen, each with the reason.
NOT_LISTS = {
    # The printed proposal sheet (also the PDF): a form laid out as a table, for paper.
    "templates/proposals/_sheet.html",
    # A month-by-month grid (months are the columns): it scrolls sideways on a phone.
    "consultation/templates/consultation/dashboard.html#progress-table",
    # A month of the year's working-day calendar: a 7-column calendar grid, not a list.
    "templates/core/calendar_year.html#",
}


def test_every_list_table_on_screen_uses_the_one_pattern():
    from pathlib import Path

    import xieshang

    root = Path(xieshang.__file__).parent
    missing = []
    for path in sorted(root.glob("**/templates/**/*.html")):
        name = path.relative_to(root).as_posix()
        if "/pdf/" in f"/{name}" or name.endswith("_pdf.html") or name in NOT_LISTS:
            continue
        text = path.read_text(encoding="utf-8")
        depth = 0
        for m in re.finditer(r"\{% (end)?listtable %\}|<table\b[^>]*>|</table>", text):
            token = m.group(0)
            if token.startswith("{%"):
                depth += -1 if m.group(1) else 1
            elif token.startswith("<table") and depth == 0:
                table_id = re.search(r'id="([^"]+)"', token)
                key = f"{name}#{table_id.group(1) if table_id else ''}"
                if key not in NOT_LISTS:
                    missing.append(key)
    assert missing == [], "wrap these tables in {% listtable %}…{% endlisttable %}"

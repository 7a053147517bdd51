"""The figures page's charts in English, at a desk and on a phone: the review chart's legend
names every outcome in full on as many rows as it needs (a scrolling legend cut "Converted
to opinions" to "Conver" behind a 1/3 pager), and the department chart's slanted names are
not cut at the left edge."""

import re

import pytest

from tests.conftest import login
from tests.factories import DepartmentFactory, MemberFactory, UserFactory, seat, user_with_role
from tests.proposals.conftest import PROPOSAL_TEXT, accepted
from tests.proposals.test_review_outcome_english import OUTCOMES, every_outcome
from xieshang.orgs.models import Party, Role, RoleAssignment
from xieshang.proposals import services

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def texts(page, selector: str) -> list[dict]:
    """Every text the chart's SVG draws, with its box relative to the chart's canvas."""
    return page.eval_on_selector(
        selector,
        """el => {
          const canvas = el.getBoundingClientRect();
          return [...el.querySelectorAll('svg text')].map(t => {
            const box = t.getBoundingClientRect();
            return {text: t.textContent, left: box.left - canvas.left,
                    right: box.right - canvas.left, top: box.top - canvas.top,
                    bottom: box.bottom - canvas.top, width: canvas.width,
                    height: canvas.height};
          });
        }""",
    )


@pytest.fixture
def english(browser, live_server, world):
    def open_at(width: int):
        context = browser.new_context(locale="en", viewport={"width": width, "height": 900})
        context.set_default_timeout(15000)
        page = context.new_page()
        page.base_url = live_server.url
        login(page, world.office.username)
        context.add_cookies([{"name": "django_language", "value": "en", "url": live_server.url}])
        page.goto(f"{live_server.url}/proposals/figures/?organisation={world.district.pk}")
        page.locator("#chart-review [data-chart] svg").first.wait_for()
        opened.append(context)
        return page

    opened = []
    yield open_at
    for context in opened:
        context.close()


@pytest.mark.parametrize("width", [1366, 390])
def test_the_english_review_chart_names_every_outcome_in_full(english, world, width):
    every_outcome(world)
    for n in range(7):  # seven departments: the department chart slants its names
        department = DepartmentFactory(organisation=world.district, name=f"区住房和城乡建设局{n}")
        (lead,) = services.proposal_assign(
            proposal=accepted(world, title=f"关于第{n}件事的建议"),
            actor=world.reviewer,
            lead=department,
        )
    # One answered on time: the chart has a bar to draw.
    services.answer_submit(
        assignment=lead,
        actor=user_with_role(Role.DEPARTMENT, world.district, department=lead.department),
        category="A",
        text="已纳入今年民生实事项目。",
        signed_by="王局长",
        contact_person="赵科长",
        contact_phone="0571-8888",
    )
    page = english(width)
    drawn = texts(page, "#chart-review [data-chart]")
    words = [t["text"] for t in drawn]
    for label in [*OUTCOMES, "Awaiting review"]:
        # In the legend, whole (the slices' own labels may break a long name over lines).
        assert label in words, (label, words)
    assert not [w for w in words if re.fullmatch(r"\d+/\d+", w) or w.endswith("…")], words
    # Every text lies inside the canvas, which grew under the legend's rows.
    for t in drawn:
        assert t["left"] >= -1 and t["right"] <= t["width"] + 1, t
        assert t["top"] >= -1 and t["bottom"] <= t["height"] + 1, t
    assert drawn[0]["height"] > 280

    # The department chart: the slanted names start inside the canvas.
    page.locator("#chart-departments [data-chart] svg").first.wait_for()
    names = [t for t in texts(page, "#chart-departments [data-chart]") if "区住房" in t["text"]]
    assert len(names) == 7
    assert min(t["left"] for t in names) >= 0, names


def test_a_pie_of_more_than_nine_slices_gives_each_its_own_colour(english, world):
    parties = list(Party.objects.order_by("sort_order")[:11])
    for party in parties:
        user = UserFactory()
        member = MemberFactory(organisation=world.district, user=user)
        seat(member, world.term, party=party)
        RoleAssignment.objects.create(user=user, organisation=world.district, role=Role.MEMBER)
        proposal = services.proposal_create(
            actor=user, organisation=world.district, **PROPOSAL_TEXT
        )
        services.proposal_submit(proposal=proposal, actor=user)
    page = english(1366)
    page.locator("#chart-proposal-parties [data-chart] svg").first.wait_for()
    fills = page.eval_on_selector(
        "#chart-proposal-parties [data-chart]",
        """el => {
          const data = echarts.getInstanceByDom(el).getModel().getSeries()[0].getData();
          return data.mapArray(i => data.getItemVisual(i, "style").fill);
        }""",
    )
    assert len(fills) >= 11 and len(set(fills)) == len(fills), fills

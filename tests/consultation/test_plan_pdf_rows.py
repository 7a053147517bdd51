"""The published plan's PDF never splits an item's row over two pages: its title on one page
and its form and leader on the next read as two different items."""

import io

import pytest
from pypdf import PdfReader

from xieshang.consultation.models import ActivityForm, TopicType

pytestmark = pytest.mark.django_db


@pytest.mark.clause("C2.4")
def test_no_plan_item_is_split_over_two_pages(world):
    from xieshang.consultation.pdf import plan_pdf

    plan = world.passing_plan()
    leaders = []
    for n in range(1, 11):
        leader = f"第{n:02d}号领导"
        leaders.append(leader)
        world.item(
            plan,
            f"关于推进第{n:02d}项重点工作高质量发展的专题协商议题",
            form=ActivityForm.SYMPOSIUM,
            topic_type=TopicType.SUPERVISION if n % 2 else TopicType.POLITICAL,
            month=(n % 12) + 1,
            lead_leader=leader,
            departments=[world.housing, world.education],
        )
    plan = world.publish(plan)
    # Prefaces of different lengths move the page breaks down the tables.
    for lines in range(0, 12, 2):
        plan.preface = "\n".join(["围绕全区中心工作，突出重点，精心组织协商议政活动。" * 2] * lines)
        reader = PdfReader(io.BytesIO(plan_pdf(plan)))
        pages = ["".join(page.extract_text().split()) for page in reader.pages]
        assert len(pages) >= 3  # the plan runs over pages, so a row could fall on a break
        for n, leader in enumerate(leaders, start=1):
            [page] = [p for p in pages if leader in p]
            assert f"关于推进第{n:02d}项重点工作" in page, (lines, leader)

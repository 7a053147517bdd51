"""The budget line form searches organisations, activities, trainings and liaison rooms on
the server (issue 14): the page lists none, the picker finds them under the organisations
the user manages, and a choice from elsewhere is refused with what was typed kept."""

import re

import pytest
from django.urls import reverse

from xieshang.budgets.models import BudgetLine
from xieshang.consultation import services as consultation

from .conftest import YEAR
from .test_budgets import login

pytestmark = pytest.mark.django_db


def ask(client, source, q=""):
    response = client.get(f"/pickers/{source}/", {"q": q})
    assert response.status_code == 200
    return [row["text"] for row in response.json()["results"]]


def test_the_line_form_searches_within_the_offices_organisations(client, world):
    foreign = consultation.activity_create(
        organisation=world["other"],
        actor=world["other_office"],
        title="邻区营商环境协商会",
        form="special",
        date=world["activity"].date,
        place="邻区政协会议室",
    )
    login(client, world["office"])
    page = client.get(reverse("budgets:create")).content.decode()
    for name in ("organisation", "activity", "training", "liaison_room"):
        select = re.search(rf'<select[^>]*id="id_{name}".*?</select>', page, re.S).group(0)
        assert "data-picker-source" in select, name
    assert "优化营商环境专题协商会" not in page
    # The date written as the pages write it: 2026年5月12日, not 2026-05-12.
    day = world["activity"].date
    assert ask(client, "budget-activities", "营商") == [
        f"{day.year}年{day.month}月{day.day}日 优化营商环境专题协商会"
    ]
    assert ask(client, "budget-trainings", "培训")[0].endswith("委员学习培训班")
    assert ask(client, "budget-liaison-rooms", "城关") == ["城关街道政协委员联络室"]
    assert ask(client, "budget-organisations") == ["示范区政协"]
    data = {
        "organisation": world["district"].pk,
        "year": YEAR,
        "category": "activity",
        "item": "协商会场地费",
        "planned": "8000",
    }
    response = client.post(reverse("budgets:create"), {**data, "activity": foreign.pk})
    assert response.status_code in {200, 400}
    page = response.content.decode()
    assert "选择一个有效的选项" in page and "协商会场地费" in page
    assert "邻区营商环境协商会" not in page
    response = client.post(reverse("budgets:create"), {**data, "organisation": world["other"].pk})
    assert "选择一个有效的选项" in response.content.decode()
    assert not BudgetLine.objects.exists()
    # Without JavaScript: the typed title is looked up.
    response = client.post(reverse("budgets:create"), {**data, "activity__q": "优化营商环境"})
    assert response.status_code == 302
    assert BudgetLine.objects.get().activity == world["activity"]

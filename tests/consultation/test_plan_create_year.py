"""The new-plan form on the plan list suggests a year that can still be drafted."""

import re

import pytest
from django.utils import timezone

from xieshang.consultation import services


def suggested_year(page: str) -> str | None:
    match = re.search(r'<input[^>]*name="year"[^>]*>', page)
    assert match, "the new-plan form is shown"
    value = re.search(r'value="(\d+)"', match.group(0))
    return value.group(1) if value else None


@pytest.mark.clause("C2.4")
def test_the_new_plan_form_suggests_the_first_year_without_a_plan(world, client):
    next_year = timezone.localdate().year + 1
    client.force_login(world.office)
    assert suggested_year(client.get("/consultation/plans/").text) == str(next_year)

    # Next year's plan exists: the one after is suggested, and submitting it works.
    services.plan_create(organisation=world.district, year=next_year, actor=world.office)
    page = client.get("/consultation/plans/").text
    assert suggested_year(page) == str(next_year + 1)
    response = client.post(
        "/consultation/plans/",
        {"organisation": world.district.pk, "year": next_year + 1, "title": ""},
    )
    assert response.status_code == 302
    assert world.district.consultation_plans.filter(year=next_year + 1).exists()

    # Both taken: this year's plan, never drafted, can still be (finding: no form at all).
    this_year = next_year - 1
    page = client.get("/consultation/plans/").text
    assert suggested_year(page) == str(this_year)
    response = client.post(
        "/consultation/plans/", {"organisation": world.district.pk, "year": this_year}
    )
    assert response.status_code == 302
    assert world.district.consultation_plans.filter(year=this_year).exists()

    # All three taken: no form to submit in vain, a note says why.
    page = client.get("/consultation/plans/").text
    assert 'name="year"' not in page
    assert 'id="plan-create-none"' in page
    assert "本年度、下一年度和再下一年度的协商计划均已创建。" in page


def test_another_organisations_plan_does_not_take_the_year(world, client):
    next_year = timezone.localdate().year + 1
    services.plan_create(organisation=world.other, year=next_year, actor=world.other_office)
    client.force_login(world.office)
    assert suggested_year(client.get("/consultation/plans/").text) == str(next_year)


@pytest.mark.clause("C2.4")
def test_a_mistyped_year_creates_no_stray_plan(world, client):
    """This year's plan (drafted late) up to the years the form suggests; a typo such as
    2062 for 2026 is refused with the range, and the year typed stays in the box."""
    this_year = timezone.localdate().year
    client.force_login(world.office)
    for typo in (1999, this_year - 1, this_year + 36, 99999):
        response = client.post(
            "/consultation/plans/", {"organisation": world.district.pk, "year": typo}
        )
        assert response.status_code == 400
        page = response.content.decode()
        assert f"年度须在{this_year}年至{this_year + 2}年之间。" in page
        assert f'value="{typo}"' in page
    assert not world.district.consultation_plans.exists()
    response = client.post(
        "/consultation/plans/", {"organisation": world.district.pk, "year": this_year}
    )
    assert response.status_code == 302
    assert world.district.consultation_plans.filter(year=this_year).exists()

"""A plan's months read as months in either language: 3月 in Chinese, "March" in English
(an English reader saw "Month 3" on the plan, its diff and the progress chart)."""

from django.urls import reverse

from xieshang.consultation import services


def test_the_plan_names_its_months_in_the_readers_language(world, client):
    plan = services.plan_create(organisation=world.district, year=2027, actor=world.office)
    world.item(plan, "老旧小区加装电梯", month=3)
    client.force_login(world.office)
    url = reverse("consultation:plan", args=[plan.pk])
    assert 'data-label="月份">3月</td>' in client.get(url).content.decode()
    client.cookies["django_language"] = "en"
    page = client.get(url).content.decode()
    assert ">March</td>" in page and "Month 3" not in page

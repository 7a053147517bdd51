"""A refused void is shown again with its reason and what was typed, even when the entry
was voided meanwhile (a colleague acted first) and its row offers no void form any more."""

import pytest
from django.urls import reverse

from xieshang.core.models import Event

from .conftest import YEAR, early, make_line, spend

pytestmark = pytest.mark.django_db


def test_a_refused_void_keeps_its_reason_when_a_colleague_voided_the_entry_first(client, world):
    line = make_line(world)
    entry = spend(world, line, "100")
    client.force_login(world["office"])
    url = reverse("budgets:void", args=[line.pk, entry.pk])
    assert client.post(url, {"reason": "金额有误"}).status_code == 302
    response = client.post(url, {"reason": "与记-03-017重复录入"})
    body = response.content.decode()
    assert response.status_code == 400
    assert "该支出记录已作废。" in body and "与记-03-017重复录入" in body
    entry.refresh_from_db()
    assert entry.void_reason == "金额有误"
    assert Event.objects.filter(verb="budget.void").count() == 1


def test_a_spending_form_shows_the_date_refusal_beside_the_field_errors_at_once(client, world):
    """A date outside the budget year and a mistyped amount are both said in one round,
    in the product's Chinese words (not Django's "确认小数不超过 2 位.")."""
    line = make_line(world)
    client.force_login(world["office"])
    response = client.post(
        reverse("budgets:spend", args=[line.pk]),
        {
            "date": early().replace(year=YEAR - 1).isoformat(),
            "amount": "88.888",
            "purpose": "",
            "voucher_no": "记-09-001",
        },
    )
    body = response.content.decode()
    assert response.status_code == 400
    assert "支出日期须在预算年度" in body
    assert "金额最多保留两位小数。" in body and "确认小数" not in body
    assert 'value="记-09-001"' in body and 'value="88.888"' in body
    assert not line.entries.exists()


@pytest.mark.parametrize(
    ("url_name", "field", "value", "message"),
    [
        ("budgets:spend", "amount", "0", "支出金额须大于零。"),
        ("budgets:spend", "amount", "1234567890123", "金额过大，整数部分最多 12 位。"),
        ("budgets:edit", "planned", "-1", "预算金额不能为负数。"),
        ("budgets:edit", "planned", "1.005", "金额最多保留两位小数。"),
    ],
)
def test_money_fields_refuse_in_the_products_own_words(
    client, world, url_name, field, value, message
):
    line = make_line(world)
    client.force_login(world["office"])
    data = {"date": early().isoformat(), "purpose": "会务费", "item": "手册", "version": 1}
    data.update(category="other", **{field: value})
    body = client.post(reverse(url_name, args=[line.pk]), data).content.decode()
    assert message in body
    assert "Ensure" not in body and "确认" not in body


@pytest.mark.clause("C6.4")
def test_a_double_submitted_spending_is_counted_once(client, world):
    """A double click on 登记 sent the form twice and the payment was counted twice: the
    line's spent and the yearly sheet were 3,600 too high. The second post finds the first."""
    from xieshang.budgets import selectors
    from xieshang.budgets.models import SpendingEntry

    line = make_line(world)
    client.force_login(world["office"])
    url = reverse("budgets:spend", args=[line.pk])
    data = {"date": early().isoformat(), "amount": "3600", "purpose": "会场租用"}
    assert client.post(url, data).status_code == 302
    assert client.post(url, data).status_code == 302
    assert SpendingEntry.objects.filter(line=line).count() == 1
    assert selectors.spent_of(line) == 3600
    assert Event.objects.filter(verb="budget.spend").count() == 1
    # A different payment (here the same amount with its own voucher) is a new entry.
    assert client.post(url, {**data, "voucher_no": "记-12-002"}).status_code == 302
    assert selectors.spent_of(line) == 7200


def test_the_demo_voids_its_duplicate_and_keeps_the_payment(world):
    """The demo keys a payment twice and voids the second: the first still counts (a double
    submit guard that handed the first back would have voided the real payment)."""
    import random

    from xieshang.budgets import demo
    from xieshang.budgets.models import SpendingEntry

    demo.build(organisation=world["district"], rng=random.Random(1))
    voided = SpendingEntry.objects.get(voided_at__isnull=False)
    assert SpendingEntry.objects.filter(
        line=voided.line, voucher_no=voided.voucher_no, voided_at__isnull=True
    ).exists()

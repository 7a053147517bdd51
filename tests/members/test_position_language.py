"""政协职务 on a member's page: the product's words in the reader's language, typed ones as
typed."""

import pytest
from django.urls import reverse
from django.utils import translation

from xieshang.members.models import Membership

from .factories import committee


@pytest.mark.django_db
def test_a_seats_position_reads_in_english_in_the_english_ui(client):
    c = committee()
    member = c.member("王委员", position="委员")
    client.force_login(c.clerk)
    client.cookies["django_language"] = "en"
    page = client.get(reverse("members:detail", args=[member.pk])).content.decode()
    assert " · Member</h3>" in page and "· 委员" not in page
    client.cookies["django_language"] = "zh-hans"
    page = client.get(reverse("members:detail", args=[member.pk])).content.decode()
    assert " · 委员</h3>" in page


def test_the_product_positions_translate_and_a_typed_one_stays():
    with translation.override("en"):
        assert Membership(position="副主席").position_label == "Vice-chair"
        assert Membership(position="常委").position_label == "Standing committee member"
        assert Membership(position="特邀顾问").position_label == "特邀顾问"
    with translation.override("zh-hans"):
        assert Membership(position="副主席").position_label == "副主席"

"""The rules page in English: the product's default labels read in English, an
organisation's own labels as typed; Chinese unchanged."""

import datetime as dt

import time_machine
from django.urls import reverse

from tests.factories import make_org, user_with_role
from xieshang.orgs import config
from xieshang.orgs.models import Level, Role

KEY = "proposals.outcome_categories"


def shown(client, org, lang):
    client.cookies["django_language"] = lang
    return client.get(reverse("orgs:rules", args=[org.pk])).content.decode()


@time_machine.travel(dt.datetime(2026, 3, 2, 2, 0, tzinfo=dt.UTC))
def test_default_outcome_categories_read_in_english_and_typed_ones_as_typed(client, db):
    city = make_org("示范市政协", Level.CITY)
    east = make_org("东区政协", Level.DISTRICT, parent=city)
    client.force_login(user_with_role(Role.SYSTEM_ADMIN, city))
    english = shown(client, city, "en")
    assert "A: Solved or largely solved; B: Being solved" in english
    assert "已解决或基本解决" not in english.split("<textarea")[0]
    assert "A：已解决或基本解决；B：正在解决或已列入计划" in shown(client, city, "zh-hans")
    # The district's own labels have no translation: shown as the office typed them.
    config.set_value(east, KEY, [["A", "本区甲类结果"], ["B", "本区乙类结果"]], actor=None)
    assert "A: 本区甲类结果; B: 本区乙类结果" in shown(client, east, "en")

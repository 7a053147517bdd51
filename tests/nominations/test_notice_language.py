"""Nomination notices and generated history notes are read in the reader's language,
whoever wrote them in which: an office clerk working in English leaves Chinese colleagues
Chinese notices, and an English reader reads English."""

import datetime as dt

import pytest
from django.utils import translation

from xieshang.core.audit import history
from xieshang.core.models import Notification
from xieshang.nominations import services

from .factories import nominate, open_round, sitting_member, world

pytestmark = pytest.mark.django_db


@pytest.mark.clause("C5.3")
def test_a_re_nomination_and_the_party_groups_opinion_read_in_each_readers_language():
    w = world()
    member = sitting_member(w, "孙续")
    r = open_round(w)
    with translation.override("en"):
        c = nominate(w, r, "无党派", member=member)
        services.party_group_opinion_record(
            candidate=c,
            actor=w.office,
            agrees=True,
            opinion="履职积极",
            on_date=dt.date(2026, 1, 6),
        )
    told = Notification.objects.get(recipient=w.office, dedupe_key__endswith=".opinion")
    assert told.title == "继续提名孙续，待登记政协党组意见"
    event = history(c).get(verb="nomination.party_group_opinion")
    assert event.note == "同意：履职积极"
    with translation.override("en"):
        assert told.shown_title.startswith("孙续 re-nominated; ")
        assert told.shown_body == r.title
        assert event.shown_note == "Approve: 履职积极"


@pytest.mark.clause("C5.10")
def test_a_confirmed_list_is_announced_in_each_readers_language():
    w = world()
    r = open_round(w)
    new = nominate(w, r, "中共", "王新", categories=[])
    services.candidate_complete(candidate=new, actor=w.orgdept)
    with translation.override("en"):
        services.round_confirm(round=r, actor=w.office)
    told = Notification.objects.get(recipient=w.orgdept, dedupe_key=f"nominations.{r.pk}")
    assert (told.title, told.body) == ("第十六届委员提名名单已确认", "1名人选任第十六届委员。")
    with translation.override("zh-hans"):
        assert told.shown_body == "1名人选任第十六届委员。"
    with translation.override("en"):
        assert told.shown_title == "List confirmed: 第十六届委员提名"
        assert told.shown_body.startswith("1 candidates become members of ")


@pytest.mark.clause("C5.1")
def test_the_rounds_kind_noted_at_its_opening_reads_in_the_readers_language():
    w = world()
    with translation.override("en"):
        r = open_round(w)
    event = history(r).get(verb="nomination.round_create")
    assert event.note == r.get_kind_display()  # the site's language
    with translation.override("en"):
        assert event.shown_note == r.get_kind_display() != event.note


def test_lists_on_the_english_pages_are_joined_with_commas_not_chinese_enumeration_marks(
    client,
):
    """The candidate's liaison categories and the list's parties read "A, B" in English."""
    w = world()
    r = open_round(w)
    c = nominate(w, r, "民盟", "刘佳宁", categories=["non_party_intellectual", "ethnic_minority"])
    nominate(w, r, "无党派", "邹文博")
    client.force_login(w.office)
    client.cookies["django_language"] = "en"
    candidate = client.get(f"/nominations/candidates/{c.pk}/").content.decode()
    round_page = client.get(f"/nominations/{r.pk}/").content.decode()
    assert "Ethnic minorities, Non-Party intellectuals" in candidate
    for page in (candidate, round_page):
        assert "、" not in page.split("<main", 1)[-1]

"""A resident called by surname in published words (王阿姨, 王师傅, 王女士, 老王, 小王) is
scrubbed on the answer page and in the open-data CSV like the full name; words that only
start with the surname (王府井, 王牌) stay."""

import pytest
from django.urls import reverse

from tests.residents.conftest import routed
from xieshang.followups import services as followups
from xieshang.portal.scrub import strip_contacts, surname

pytestmark = [pytest.mark.django_db, pytest.mark.clause("C2.11")]

CALLED = ("王阿姨", "王大爷", "王师傅", "王女士", "王先生", "老王", "小王")


def test_the_residents_surname_forms_are_not_published(client, world):
    issue, _code = routed(
        world,
        title="王府井小区路灯不亮",
        description="路灯坏了一个月，老王和小王都反映过。王牌物业不管。",
        resident_name="王小明",
        phone="13900001111",
    )
    followups.feedback_submit(
        task=issue.task,
        text="已更换路灯。已电话告知王阿姨、王大爷、王师傅、王女士、王先生。李师傅负责维修。",
        actor=world["clerk"],
    )
    page = client.get(reverse("residents_public:answer", args=[issue.pk])).content.decode()
    response = client.get(reverse("portal:data_csv", args=["resident-answers"]))
    data = b"".join(response.streaming_content if response.streaming else [response.content])
    csv = data.decode("utf-8-sig")
    for body in (page, csv):
        assert "已更换路灯" in body and "路灯坏了一个月" in body
        for called in (*CALLED, "王小明"):
            assert called not in body, called
        # Words that begin with the surname, and others called by surname (李师傅), stay;
        # full names of others go (portal.scrub.strip_names).
        assert "王府井小区" in body and "王牌物业" in body and "李师傅" in body


@pytest.mark.parametrize(
    ("name", "family"),
    [("王小明", "王"), ("王阿姨", "王"), ("老王", "王"), ("欧阳娜娜", "欧阳"), ("Wang", "")],
)
def test_the_surname_is_read_from_the_name_as_given(name, family):
    assert surname(name) == family


def test_called_forms_go_and_common_words_stay():
    text = "小王子和王府井，王老吉，王牌；小王阿姨说王某来过，欧阳阿姨也来了"
    assert strip_contacts(text, names=["王阿姨"]) == (
        "小王子和王府井，王老吉，王牌；***说***来过，欧阳阿姨也来了"
    )


def test_the_residents_given_name_is_not_published_either(client, world):
    """An answer that greets the resident by given name (小明您好) does not publish it, on the
    answer page, in the open-data CSV, nor on the resident's own lookup page."""
    issue, code = routed(
        world,
        title="小区门口路灯不亮",
        description="我叫王小明，路灯坏了一个月。",
        resident_name="王小明",
    )
    followups.feedback_submit(
        task=issue.task, text="小明您好，路灯已更换，感谢反映。", actor=world["clerk"]
    )
    page = client.get(reverse("residents_public:answer", args=[issue.pk])).content.decode()
    response = client.get(reverse("portal:data_csv", args=["resident-answers"]))
    data = b"".join(response.streaming_content if response.streaming else [response.content])
    client.post(reverse("residents_public:lookup"), {"ticket": issue.ticket, "code": code})
    own = client.get(reverse("residents_public:lookup")).content.decode()
    for body in (page, data.decode("utf-8-sig"), own):
        assert "路灯已更换" in body
        assert "小明" not in body


@pytest.mark.parametrize(
    ("name", "given"),
    [
        ("王小明", "小明"),
        ("欧阳娜娜", "娜娜"),
        ("王明", ""),
        ("王阿姨", ""),
        ("老王", ""),
        ("王先生", ""),
    ],
)
def test_the_given_name_is_read_from_the_name_as_given(name, given):
    from xieshang.portal.scrub import given_name

    assert given_name(name) == given


def test_a_name_typed_with_an_emoji_or_a_note_is_still_scrubbed(client, world):
    issue, _code = routed(
        world,
        title="幸福小区路灯不亮",
        description="路灯坏了两周。",
        resident_name="王阿姨😀",
        phone="13700001111",
    )
    followups.feedback_submit(
        task=issue.task,
        text="已修复。经与王阿姨（13700001111）电话沟通，老王表示认可。李师傅负责维修。",
        actor=world["clerk"],
    )
    page = client.get(reverse("residents_public:answer", args=[issue.pk])).content.decode()
    assert "已修复" in page and "李师傅" in page
    assert "王阿姨" not in page and "老王" not in page and "13700001111" not in page
    assert strip_contacts("请王小明来电", names=["王小明（幸福小区3栋）"]) == "请***来电"

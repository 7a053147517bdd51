"""The co-signer picker (附议/联名) finds a member by pinyin from the start of the name, the
best spelt first: "zhang" or "zw" bring 张伟 first, not every member whose pinyin has
z-h-a-n-g somewhere in it (李章华, 詹国强), and in a fixed number of queries."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import MemberFactory, seat
from tests.proposals.test_draft_pickers import ask
from xieshang.core.widgets import pinyin_name_rank

pytestmark = pytest.mark.django_db


def names(client, q):
    return [text.split("（")[0] for text in ask(client, "proposal-cosigners", q=q)]


@pytest.mark.clause("C4.6")
def test_pinyin_finds_the_name_from_its_start_best_first(client, world):
    # Created so that the committee's own order puts the loose matches first.
    for name in ["李章华", "詹国强", "赵子文", "张伟华", "张伟", "周文"]:
        seat(MemberFactory(organisation=world.district, name=name), world.term)
    client.force_login(world.user("li"))

    # Full pinyin of the surname: the 张 come first (张伟 before 张伟华), 张丽华 too;
    # 李章华 (zhang in the middle) is not offered; 詹国强 (zhan-g…) only after them.
    found = names(client, "zhang")
    assert found[:3] == ["张伟", "张丽华", "张伟华"] or found[:3] == ["张伟", "张伟华", "张丽华"]
    assert found.index("张伟") == 0
    assert "李章华" not in found
    assert found[-1] == "詹国强"

    # Initials: 张伟 exactly, then longer names spelt zw…; 赵子文 (zzw) is not zw.
    found = names(client, "zw")
    assert found[0] == "张伟" and "张伟华" in found and "周文" in found
    assert "赵子文" not in found and "李章华" not in found

    # Surname in full, given name by its initial.
    assert names(client, "zhangw")[:2] == ["张伟", "张伟华"]
    assert names(client, "zhangwei") == ["张伟", "张伟华"]
    # A given name alone is not the start of anyone's name.
    assert names(client, "wei") == []

    with CaptureQueriesContext(connection) as loose:
        names(client, "zhang")
    with CaptureQueriesContext(connection) as tight:
        names(client, "zhangwei")
    assert len(loose) == len(tight)


def test_the_rank_prefers_whole_syllables_then_shorter_names():
    assert pinyin_name_rank("zhang", "张伟") < pinyin_name_rank("zhang", "张伟华")
    assert pinyin_name_rank("zhang", "张伟华") < pinyin_name_rank("zhang", "詹国强")
    assert pinyin_name_rank("zhang", "李章华") is None
    assert pinyin_name_rank("zw", "张伟") < pinyin_name_rank("zw", "周文华")
    assert pinyin_name_rank("zzw", "张伟") is None

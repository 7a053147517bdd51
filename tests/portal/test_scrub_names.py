"""Published residents' texts lose the names of people in them (a neighbour the resident
names, whom the reply names again), flats given by their bare number, chat ids and links;
place names and words that the tagger takes for names stay."""

from xieshang.portal.scrub import strip_houses, strip_ids, strip_names

DETAILS = "花园社区7号楼1单元402室住户赵德明长期在楼道堆放纸箱，多次劝说无效。我是住在302的陈阿姨。"


def test_a_neighbours_full_name_is_removed():
    assert strip_names(DETAILS).count("赵德明") == 0
    assert (
        strip_names("社区已上门与赵德明沟通，杂物已清理。") == "社区已上门与***沟通，杂物已清理。"
    )
    assert strip_names("张丽华、王建国都同意") == "***、***都同意"


def test_words_the_tagger_calls_names_stay():
    text = "王府井小区路灯不亮，早高峰拥堵，请查明原因，井盖破损，王老吉，于本周修复，王某来过"
    assert strip_names(text) == text


def test_a_flat_given_by_its_bare_number_is_removed():
    assert strip_houses(DETAILS).endswith("我是住在***的陈阿姨。")
    assert strip_houses("楼上502漏水，1203住户，302的") == "楼上***漏水，***住户，***的"


def test_amounts_years_and_counts_stay():
    text = "2026的计划投入300万元，302家商户，热线12345，第302次"
    assert strip_houses(text) == text


def test_chat_ids_and_links_are_removed_with_the_label_kept():
    text = "加微信：zhang_88，QQ 12345678，详见 www.example.com。"
    assert strip_ids(text) == "加微信：***，QQ ***，详见 ***。"

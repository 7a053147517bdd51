"""Stripping contact details from texts shown to the public.

Published answers and proposals are public, the people who wrote them reachable only
through the office: phone numbers, e-mail addresses and "联系人：…" are replaced before a
text reaches a portal page, and so are the known contact values of the item (the answer's
contact person and phone, the proposers' phones and e-mail addresses).
"""

import re
import threading
from collections.abc import Iterable
from functools import lru_cache

# The personal numbers (mobiles, landlines, ID cards) and their masking live in core.pii,
# which every staff page uses as well; the portal adds what the public never sees.
from xieshang.core.pii import DIGIT as _D
from xieshang.core.pii import ID_CARD as _ID_CARD
from xieshang.core.pii import ID_GROUPED as _ID_GROUPED
from xieshang.core.pii import LANDLINE as _LANDLINE
from xieshang.core.pii import MOBILE as _MOBILE
from xieshang.core.pii import SEP as _SEP
from xieshang.core.pii import mask_numbers as mask_numbers  # re-exported for migrations

MASK = "***"

# E-mail, also with a full-width ＠.
_EMAIL = re.compile(
    r"[A-Za-z0-9._%+\-]+\s*[@＠]\s*[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,}"
)
# Service numbers: 400-123-4567, 800 123 4567.
_SERVICE = re.compile(rf"(?<!{_D})[48４８][0０]{{2}}{_SEP}{_D}{{3}}{_SEP}{_D}{{4}}(?!{_D})")
# What the public never sees; what a staff page masks in a resident's words (a person's
# own numbers: a service line is an organisation's, an e-mail stays for the reply).
_PATTERNS = (_EMAIL, _ID_GROUPED, _MOBILE, _LANDLINE, _SERVICE, _ID_CARD)
# Any other number right after a phone label: 电话：8765432, Tel 12345.
# Not the public service lines (12345 政务服务便民热线, 12315, 12369…: all 123xx), which an
# answer names so that the resident can call them.
_LABELLED = re.compile(
    rf"(电话|手机|热线|座机|传真|tel)(\s*[:：.]?\s*)(?![1１][2２][3３]{_D}{{2}}(?!{_SEP}?{_D}))"
    rf"{_D}(?:{_SEP}{_D}){{4,}}",
    re.IGNORECASE,
)
# "联系人：王小明" / "经办人: 李四": the name after the label.
_PERSON = re.compile(r"(联系人|经办人|联络人)(\s*[:：]\s*)[\u4e00-\u9fff·•]{1,8}")


# A house, building or flat in a free text: "幸福小区3号楼2单元301室", "12栋", "幸福路12号",
# "三号楼". Used where a resident's own words are published (民情事项): the place stays
# ("幸福小区"), the door that names one household goes.
_N = "[0-9０-９一二三四五六七八九十百千零〇两]+"
# The flat's own number often follows the building or entrance bare: "2单元501", "5栋1203".
_FLAT = r"(?:\s*[0-9０-９]{3,4}(?![0-9０-９年月日元米个人次天号]))?"
_HOUSE = re.compile(
    rf"(?:{_N}\s*(?:号楼|号院|栋|幢|单元|室|户|弄)(?:\s*{_N}\s*(?:号楼|栋|幢|单元|层|楼|室|户|号))*{_FLAT})"
    rf"|(?<=[路街巷道里])\s*{_N}\s*号(?:\s*{_N}\s*(?:号楼|栋|幢|单元|层|楼|室|户|号))*"
)


# A flat's number on its own, as neighbours say it: "住在302", "楼上502", "302的陈阿姨",
# "1203住户". Only next to these words: a bare number elsewhere is an amount or a count.
_ROOM = r"[1-9][0-9]{2,3}(?![0-9０-９年月日元米个人次天号%％万千])"
_BARE_ROOM = re.compile(
    rf"(?<=住在|家住|楼上|楼下|对门|隔壁)\s*{_ROOM}"
    rf"|(?<=住)\s*{_ROOM}"
    rf"|(?<![0-9０-９.])(?!(?:19|20)[0-9]{{2}})[1-9][0-9]{{2,3}}(?=的|房间|住户|业主)"
)


def strip_houses(text: str) -> str:
    """`text` with house, building and flat numbers replaced by ***: "3号楼2单元501室",
    "302室", and a flat's bare number next to 住在, 楼上, 的 ("住在302", "302的")."""
    return _BARE_ROOM.sub(MASK, _HOUSE.sub(MASK, text or ""))


# A chat id or a web address in a resident's words: "微信 zhang_88", "QQ：12345678",
# "www.example.com". Published residents' texts lose them with the label kept, as a phone.
_CHAT_ID = re.compile(
    r"(?<![A-Za-z])(微信号?|微信|vx|wx|weixin|wechat|qq号?|扣扣)(\s*(?:号|号码)?\s*[:：]?\s*)[A-Za-z0-9_\-]{5,20}",
    re.IGNORECASE,
)
_WEB = re.compile(r"(?:https?://|www\.)[^\s，。；、）)]+", re.IGNORECASE)


def strip_ids(text: str) -> str:
    """`text` with chat ids (微信, QQ) and web addresses replaced by ***."""
    text = _CHAT_ID.sub(lambda m: f"{m.group(1)}{m.group(2)}{MASK}", text or "")
    return _WEB.sub(MASK, text)


# --- Person names found by the part-of-speech tagger ----------------------------------------
# A resident's words name neighbours ("住户赵德明长期在楼道堆放纸箱"), and a reply repeats
# them ("已上门与赵德明沟通"): names the item does not know. jieba's tagger marks person
# names (nr); taken only when it starts with a common surname, and not a dictionary word
# people use often (王府井, 高峰, 查明, 大礼堂 are tagged nr too). Checked on the demo's and
# the tests' texts: ~0.07 ms a character, so one answer page costs a few milliseconds and
# each text is tagged once per process (`_names_in`'s cache) for the open-data files.
_SURNAMES = frozenset(
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡"
    "余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付傅方白邹孟熊秦邱江尹薛闫段雷"
    "侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔汤温康施牛樊葛邢齐乔伍庞颜倪庄聂章鲁岳翟殷"
    "詹耿焦俞祝柯纪梅童凌毕裴霍涂苗谷盛翁骆蓝辛靳柴鲍喻祁蒲滕屈饶牟艾尤穆褚娄窦戚岑"
)
# Dictionary words more frequent than this are words first (王府井 183, 大礼堂 148).
_WORD_FREQUENCY = 50
# Tagged nr, rare in the dictionary, and still not a person.
_NOT_NAMES = frozenset("王老吉 于本周 于今年 于近期 于下周".split())
_tagger = None
_tagger_lock = threading.Lock()


def _pos_tagger():
    global _tagger
    if _tagger is None:
        with _tagger_lock:
            if _tagger is None:
                import jieba.posseg

                # textsim's tokenizer (jieba with our domain dictionary), loaded once.
                from xieshang.textsim.text import _get_tokenizer

                _tagger = jieba.posseg.POSTokenizer(_get_tokenizer())
    return _tagger


def _is_name(word: str, frequency: int | None) -> bool:
    family = surname(word)
    return (
        2 <= len(word) <= 4
        and family in _SURNAMES  # one character of the common ones (not 欧阳)
        and word not in _NOT_NAMES
        and not word.endswith("某")  # 王某: already anonymous
        # 李师傅, 周先生: a surname and how one calls someone, not a full name (the
        # resident's own are taken by `strip_called`).
        and word[len(family) :] not in _HONORIFICS
        and (frequency or 0) < _WORD_FREQUENCY
    )


@lru_cache(maxsize=4096)
def _names_in(text: str) -> tuple[str, ...]:
    tagger = _pos_tagger()
    frequencies = tagger.tokenizer.FREQ
    return tuple(
        {
            w.word
            for w in tagger.cut(text)
            if w.flag == "nr" and _is_name(w.word, frequencies.get(w.word))
        }
    )


def strip_names(text: str) -> str:
    """`text` with the full names of people in it replaced by *** ("住户赵德明" → "住户***"),
    as the part-of-speech tagger finds them: for a resident's words and the reply to them
    published on the portal, which may name a neighbour the item does not know."""
    if not text:
        return ""
    for name in sorted(_names_in(text), key=len, reverse=True):
        text = text.replace(name, MASK)
    return text


# How people call someone by the surname: 王阿姨, 王师傅, 王女士, 老王, 小王. Only these
# forms go, the surname alone stays: 王府井 and 王牌 are words, not the resident.
# Titles of office (王主任) name staff, not the resident, and 工/总/老 after a surname make
# words too often (高工, 王老吉) to be taken.
_HONORIFICS = sorted(
    (
        "阿姨 大爷 大妈 大娘 大伯 大叔 大婶 大哥 大姐 大嫂 奶奶 爷爷 婆婆 阿婆 阿公 伯伯 叔叔 "
        "阿叔 阿伯 婶婶 阿姐 老伯 老太 老太太 老先生 老师傅 老师 师傅 女士 先生 小姐 同志 "
        "某某 某 姨 叔 伯 婶 姐 哥 嫂"
    ).split(),
    key=len,
    reverse=True,
)
_CALLED_BY = "[老小]"
# 小王子, 老王府, 小王国: 老/小 and the surname that are a word with the next character.
_NOT_A_PERSON = "[子国府朝牌冠者]"
_COMPOUND_SURNAMES = (
    "欧阳 司马 诸葛 上官 东方 皇甫 尉迟 公孙 慕容 令狐 长孙 宇文 司徒 夏侯 端木 独孤 南宫 "
    "西门 轩辕 呼延 闻人 澹台 公冶 申屠 太史 钟离 赫连 濮阳 单于"
).split()
_CJK_NAME = re.compile(r"^[\u4e00-\u9fff·]+$")


def surname(name: str) -> str:
    """The surname in a Chinese name as residents give it ("王小明", "王阿姨", "老王",
    "欧阳娜"), or "" when there is none to tell (a Latin name, one character)."""
    name = re.sub(r"\s", "", name or "")
    if not _CJK_NAME.match(name):
        return ""
    if len(name) == 2 and name[0] in "老小":  # 老王, 小李
        return name[1]
    for compound in _COMPOUND_SURNAMES:
        if name.startswith(compound) and len(name) > len(compound):
            return compound
    return name[0] if len(name) >= 2 else ""


def given_name(name: str) -> str:
    """The given name in a resident's full Chinese name when it is two characters or more
    ("王小明" → "小明", "欧阳娜娜" → "娜娜"): an answer may greet the resident by it (小明您好).
    "" for a name without one (老王, 王阿姨, 王先生: a surname and how one calls it) and for a
    one-character given name, which is too often a word of its own to be taken."""
    name = re.sub(r"\s", "", name or "")
    family = surname(name)
    if not family or not name.startswith(family):
        return ""
    given = name[len(family) :]
    if len(given) < 2 or given in _HONORIFICS:
        return ""
    return given


def strip_called(text: str, names: Iterable[str]) -> str:
    """`text` with each of `names`' surnames replaced by *** where it is used to call the
    person: followed by an honorific (王阿姨, 王师傅, 王女士) or after 老/小 (老王, 小王)."""
    for family in {surname(n) for n in names if n} - {""}:
        family = re.escape(family)
        pattern = re.compile(
            rf"{_CALLED_BY}?{family}(?:{'|'.join(_HONORIFICS)})"
            rf"|{_CALLED_BY}{family}(?!{_NOT_A_PERSON})"
        )
        text = pattern.sub(MASK, text)
    return text


def _name_letters(name: str) -> str:
    """The name's first run of Chinese characters (with ·) or Latin letters: what an
    answer writes of "王阿姨😀" or "王阿姨（幸福小区）"."""
    match = re.search(r"[\u4e00-\u9fff·]+|[A-Za-z][A-Za-z .'-]*[A-Za-z]", name)
    return match.group(0) if match else ""


def strip_contacts(text: str, known: Iterable[str] = (), *, names: Iterable[str] = ()) -> str:
    """`text` with phone numbers, e-mail addresses, contact persons and every value in
    `known` (names, numbers of this item's contacts) replaced by ***; the people in `names`
    (a resident's name as they gave it) go also when called by surname (`strip_called`) or
    by given name (`given_name`)."""
    if not text:
        return ""
    # A name as typed may carry an emoji or punctuation ("王阿姨😀", "王阿姨（幸福小区）"):
    # the person is called by its letters, so those are matched as well.
    names = [n.strip() for n in names if n and n.strip()]
    names += [bare for n in names if (bare := _name_letters(n)) and bare != n]
    # The called forms first: "小王阿姨" is one mention, not "小" and a name.
    text = strip_called(text, names)
    # The given name alone too ("小明您好"), after the whole name ("王小明" goes at once).
    given = [given_name(n) for n in names]
    for value in sorted(
        {v.strip() for v in [*known, *names, *given] if v and len(v.strip()) >= 2},
        key=len,
        reverse=True,
    ):
        text = text.replace(value, MASK)
    for pattern in _PATTERNS:
        text = pattern.sub(MASK, text)
    text = _LABELLED.sub(lambda m: f"{m.group(1)}{m.group(2)}{MASK}", text)
    return _PERSON.sub(lambda m: f"{m.group(1)}{m.group(2)}{MASK}", text)

"""Stripping contact details from texts shown to the public.

Published answers and proposals are public, the people who wrote them reachable only
through the office: phone numbers, e-mail addresses and "联系人：…" are replaced before a
text reaches a portal page, and so are the known contact values of the item (the answer's
contact person and phone, the proposers' phones and e-mail addresses).
"""

import re
from collections.abc import Iterable

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


def strip_houses(text: str) -> str:
    """`text` with house, building and flat numbers replaced by ***."""
    return _HOUSE.sub(MASK, text or "")


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

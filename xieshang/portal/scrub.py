"""Stripping contact details from texts shown to the public.

Published answers and proposals are public, the people who wrote them reachable only
through the office: phone numbers, e-mail addresses and "联系人：…" are replaced before a
text reaches a portal page, and so are the known contact values of the item (the answer's
contact person and phone, the proposers' phones and e-mail addresses).
"""

import re
from collections.abc import Iterable

MASK = "***"
_D = "[0-9０-９]"
_SEP = "[-－—‐ \u3000]?"

_PATTERNS = [
    # E-mail, also with a full-width ＠.
    re.compile(r"[A-Za-z0-9._%+\-]+\s*[@＠]\s*[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,}"),
    # Mobile numbers, with an optional +86 and blanks or dashes between the groups.
    re.compile(
        rf"(?<!{_D})(?:\+?86{_SEP})?[1１][3-9３-９]{_D}{_SEP}{_D}{{4}}{_SEP}{_D}{{4}}(?!{_D})"
    ),
    # Landlines with an area code: 010-12345678, (0571)87654321, 0571 8765 4321.
    re.compile(
        rf"(?<!{_D})[(（]?[0０]{_D}{{2,3}}[)）]?{_SEP}{_D}{{3,4}}{_SEP}{_D}{{4}}"
        rf"(?:{_SEP}(?:转|ext\.?){_SEP}{_D}{{1,5}})?(?!{_D})"
    ),
    # Service numbers: 400-123-4567, 800 123 4567.
    re.compile(rf"(?<!{_D})[48４８][0０]{{2}}{_SEP}{_D}{{3}}{_SEP}{_D}{{4}}(?!{_D})"),
]
# Any other number right after a phone label: 电话：8765432, Tel 12345.
_LABELLED = re.compile(
    rf"(电话|手机|热线|座机|传真|tel)(\s*[:：.]?\s*){_D}(?:{_SEP}{_D}){{4,}}", re.IGNORECASE
)
# "联系人：王小明" / "经办人: 李四": the name after the label.
_PERSON = re.compile(r"(联系人|经办人|联络人)(\s*[:：]\s*)[\u4e00-\u9fff·•]{1,8}")


def strip_contacts(text: str, known: Iterable[str] = ()) -> str:
    """`text` with phone numbers, e-mail addresses, contact persons and every value in
    `known` (names, numbers of this item's contacts) replaced by ***."""
    if not text:
        return ""
    for value in sorted(
        {v.strip() for v in known if v and len(v.strip()) >= 2}, key=len, reverse=True
    ):
        text = text.replace(value, MASK)
    for pattern in _PATTERNS:
        text = pattern.sub(MASK, text)
    text = _LABELLED.sub(lambda m: f"{m.group(1)}{m.group(2)}{MASK}", text)
    return _PERSON.sub(lambda m: f"{m.group(1)}{m.group(2)}{MASK}", text)

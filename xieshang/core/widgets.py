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

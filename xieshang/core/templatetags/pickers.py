"""`{{ name|pinyin }}`: the pinyin search text of an option in a hand-written <select>, the
same `data-pinyin` that `core.widgets` puts on form-rendered options."""

from django import template

from xieshang.core.widgets import pinyin_search_text

register = template.Library()


@register.filter
def pinyin(value) -> str:
    return pinyin_search_text(str(value))

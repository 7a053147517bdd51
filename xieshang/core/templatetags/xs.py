"""Template filters for Chinese official conventions: `{% load xs %}`."""

from django import template
from django.utils import formats, timezone, translation
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from xieshang.core import access, calendar, pii
from xieshang.core.audit import state_label, verb_label
from xieshang.core.text import chinese_datetime, chinese_number, month_name, reader_date
from xieshang.core.text import paragraphs as text_paragraphs

register = template.Library()


def _in_chinese() -> bool:
    return (translation.get_language() or "zh-hans").startswith("zh")


@register.filter
def cndate(value) -> str:
    """{{ d|cndate }} → 2026年11月25日; in the English interface "Nov. 25, 2026"."""
    return reader_date(value)


@register.filter
def monthname(value) -> str:
    """{{ 4|monthname }} → 4月; in the English interface "April"."""
    return month_name(int(value)) if value else ""


@register.filter
def cndatetime(value, seconds: str = "") -> str:
    """{{ t|cndatetime }} → 2026年11月25日 09:05 (local time); `|cndatetime:"s"` adds the
    seconds (the audit log). In the English interface "Nov. 25, 2026 09:05"."""
    if not value or _in_chinese():
        return chinese_datetime(value or None, seconds=bool(seconds))
    local = timezone.localtime(value) if timezone.is_aware(value) else value
    clock = local.strftime("%H:%M:%S" if seconds else "%H:%M")
    return f"{formats.date_format(local.date(), 'DATE_FORMAT')} {clock}"


@register.simple_tag
def unconfirmed_note(day) -> str:
    """{% unconfirmed_note task.due_date %}: next to a deadline, a small warning when the
    deadline falls in next year and next year's holiday schedule is not entered yet (from
    November 1). At most one query, remembered for a few minutes (core.calendar)."""
    if calendar.unconfirmed_year(day) is None:
        return ""
    return format_html(
        '<span class="xs-unconfirmed small">{}</span>',
        _("明年调休安排尚未录入，截止日期可能有变"),
    )


@register.simple_tag(takes_context=True)
def current_page(context, url: str, exact: bool = False) -> str:
    """' aria-current="page"' on the navigation link of the section being shown (the
    link's address, or below it unless `exact`), so it is marked for the eye and for a
    screen reader alike."""
    request = context.get("request")
    path = getattr(request, "path", "")
    if path == url or (not exact and path.startswith(url)):
        return mark_safe(' aria-current="page"')
    return ""


@register.simple_tag(takes_context=True)
def elsewhere(context, organisation) -> str:
    """The organisation's name on a line of its own when it lies below the user's own: a
    city's or a province's list mixes its districts' rows, whose numbers (第0001号), unit
    names (区教育局) and streets (城关街道) repeat in every district. Nothing for a row of
    the user's own organisation or of one above it (a street's liaison reads its district's
    items)."""
    request = context.get("request")
    home = access.home_organisation(request.user) if request is not None else None
    if organisation is None or home is None:
        return ""
    if organisation.pk == home.pk or organisation.pk in home.ancestor_ids():
        return ""
    return format_html('<div class="small text-secondary">{}</div>', organisation.name)


@register.filter
def cnnum(value) -> str:
    """{{ 15|cnnum }} → 十五."""
    try:
        return chinese_number(int(value))
    except (TypeError, ValueError):
        return ""


@register.filter
def paragraphs(value) -> list[str]:
    """{% for p in text|paragraphs %}<p>{{ p }}</p>{% endfor %}: a typed text's non-empty
    lines, each a paragraph of a printed document (its numbered points stay apart)."""
    return text_paragraphs(value)


@register.filter
def money(value) -> str:
    """{{ amount|money }} → 12,345.60: yuan with two places and thousands separators ("" for
    no value, so templates can add `|default:"—"`)."""
    from decimal import Decimal, InvalidOperation

    if value is None or value == "":
        return ""
    try:
        return f"{Decimal(value):,.2f}"
    except (InvalidOperation, TypeError, ValueError):
        return ""


@register.filter
def mask(value, field: str) -> str:
    """{{ member.phone|mask:"phone" }}: the masked form of a personal-data field."""
    return pii.masked(field, value or "")


@register.filter
def masknumbers(value) -> str:
    """{{ event.shown_note|masknumbers }}: phone and ID card numbers inside a free text
    masked (a note typed about a resident, a department's reply quoted in the history)."""
    return pii.mask_numbers(str(value or ""))


@register.filter
def verb(value: str) -> str:
    """{{ event.verb|verb }} → the registered label of an audit verb."""
    return verb_label(value)


@register.filter
def state(event, which: str = "to") -> str:
    """{{ event|state:"from" }} → the label of the event's state in the current language."""
    return state_label(event, which) or "—"


@register.filter
def file_dropped(field) -> bool:
    """A refused form cannot give back the file that was chosen (browsers never refill a
    file input): say so under the field, or the user sends the form again without it."""
    form = field.form
    if not form.is_bound or getattr(field.field.widget, "input_type", "") != "file":
        return False
    # The file's own error already says to choose it again (请重新选择文件): not twice.
    if field.errors:
        return False
    return bool(form.errors) and bool(form.files.getlist(field.html_name))


@register.tag
def listtable(parser, token):
    """{% listtable %}<table>…</table>{% endlisttable %}: the one responsive list pattern.

    Each body cell gets `data-label` (its column header's text) and the header's
    `xs-col-*` classes, so site.css can turn every row into a card on a phone without the
    labels being typed twice. Mark the header cells:
    `xs-col-title` (the card heading, shown first and in full), `xs-col-status` (shown
    next, without its label), `xs-col-minor` (hidden on a phone), `xs-col-nowrap` (short
    values: dates, numbers), `xs-col-actions` (buttons, own line on a phone)."""
    nodelist = parser.parse(("endlisttable",))
    parser.delete_first_token()
    return _ListTableNode(nodelist)


class _ListTableNode(template.Node):
    def __init__(self, nodelist):
        self.nodelist = nodelist

    def render(self, context):
        from django.utils.safestring import mark_safe

        from xieshang.core.listtable import annotate

        return mark_safe(annotate(self.nodelist.render(context)))

"""`{% load followups_deadlines %}`: how a running deadline stands, the same words on every
list and page that shows one (a department's proposal queue, the follow-up queue, a task)."""

from django import template
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

register = template.Library()


@register.simple_tag
def time_left(due, days_left) -> str:
    """`{% time_left task.due_date task.days_left %}` (`days_left` from
    `followups.selectors.mark_time_left`): 已逾期N个工作日 past the date, 今日到期 on it,
    剩余N个工作日 before it (剩余不足1个工作日 when only days off lie between); nothing when
    the deadline no longer runs (`days_left` None)."""
    if due is None or days_left is None:
        return ""
    today = timezone.localdate()
    if due < today:
        n = max(-days_left, 0)  # 0: the date passed over a weekend, no working day lost yet
        text = (
            ngettext("已逾期%(n)s个工作日", "已逾期%(n)s个工作日", n) % {"n": n}
            if n
            else _("已逾期")
        )
        return format_html('<span class="badge text-bg-danger">{}</span>', text)
    if due == today:
        return format_html('<span class="badge text-bg-warning">{}</span>', _("今日到期"))
    n = max(days_left, 0)
    if n == 0:
        # The date falls on days off right after today (a Sunday seen on Friday): no whole
        # working day is left, which "剩余0个工作日" said badly.
        return format_html('<span class="badge text-bg-warning">{}</span>', _("剩余不足1个工作日"))
    return format_html(
        '<span class="text-secondary">{}</span>',
        ngettext("剩余%(n)s个工作日", "剩余%(n)s个工作日", n) % {"n": n},
    )

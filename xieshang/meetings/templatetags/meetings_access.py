"""`{% load meetings_access %}`: the meetings policies that templates need to decide
whether to show a link, so that a link appears exactly when its page opens."""

from django import template

from xieshang.meetings import policies

register = template.Library()


@register.filter
def sees_briefings(user) -> bool:
    """`{% if user|sees_briefings %}`: the briefings page opens for `user`."""
    return policies.can_see_briefings(user)


@register.filter
def decides_leave(user) -> bool:
    """`{% if user|decides_leave %}`: the leave queue has someone's requests for `user`."""
    return policies.may_decide_leave(user)


@register.filter
def runs_meetings(user) -> bool:
    """`{% if user|runs_meetings %}`: the user holds meetings of their own without the
    office's rights, as a committee's staff or an activity group's leader (组长), so the
    meetings list (where 新建会议活动 is) opens for them (`views.meeting_list`)."""
    return bool(policies.committee_ids(user) or policies.led_group_ids(user))

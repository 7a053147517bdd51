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

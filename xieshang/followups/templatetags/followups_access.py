"""`{% load followups_access %}`: whether a follow-up task's page opens for a user, for the
pages of other apps that list tasks (consultation outcomes, contacts): they show the task's
link only to those the task page lets in, and the plain text to the others."""

from django import template

from xieshang.followups import policies

register = template.Library()


@register.filter
def task_opens_for(task, user) -> bool:
    """`{% if task|task_opens_for:user %}`: the same check as the task page's."""
    return policies.can_view(user, task)

"""`{% load residents_access %}`: the residents' policies that templates need to decide
whether to show a link, so that a link appears exactly when its page opens."""

from django import template

from xieshang.core.pii import mask_numbers
from xieshang.residents import policies

register = template.Library()


@register.filter
def triages_residents(user) -> bool:
    """`{% if user|triages_residents %}`: the street desk and the staff's intake form open
    for `user` (liaisons, conveners, the office; not the chairs and supervisors, who only
    read the lists and the statistics)."""
    return policies.triages_somewhere(user)


@register.filter
def numbers_masked(text) -> str:
    """`{{ i.title|numbers_masked }}`: a resident's own words with the phone and ID numbers
    they typed masked, as the issue's staff page masks them (`portal.scrub.mask_numbers`)."""
    return mask_numbers(text or "")


@register.filter
def place_name(org) -> str:
    """`{{ i.organisation|place_name }}`: a community with its street (城关街道 · 和平社区),
    as the queue names it: a district has several 和平社区 (parent loaded by the caller)."""
    if org is None:
        return ""
    if org.level == "community" and org.parent_id:
        return f"{org.parent.name} · {org.name}"
    return org.name

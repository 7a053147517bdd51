"""`{% load panels %}{% detail_panels obj %}`: the panels other apps registered for the
object's model (core/panels.py), rendered in their order; nothing when none applies."""

from django import template
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe

from xieshang.core.panels import panels_for

register = template.Library()


@register.simple_tag(takes_context=True)
def detail_panels(context, obj) -> str:
    request = context.get("request")
    if request is None:
        return ""
    html = [
        render_to_string(panel.template, panel.context, request=request)
        for panel in panels_for(request, obj)
    ]
    # Each piece is a rendered template, escaped by its own autoescaping.
    return mark_safe("".join(html))

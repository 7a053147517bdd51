"""The form renderer (settings.FORM_RENDERER): Django's own, with the commonest widgets drawn
in Python.

Django renders a select through a template per option (select_option.html, which includes
attrs.html): three template renders for every <option>. The member list's seven filter
selects (about 30 options) cost 9 % of the page's Python calls that way (docs/performance.md,
"2026-12-02"). An <input> (text, number, date, checkbox, hidden, …) is two templates and an
include, a <textarea> two: a page of many small forms (the commendation round's ticks and
reasons, 783 fields for a province committee) spent most of its time there (2026-12-04).
Here the same markup is written by string joins; tests/core/test_renderers.py holds it to
Django's templates byte for byte. A widget that names another template is rendered by its
templates as before.
"""

from django.forms.renderers import DjangoTemplates
from django.template.base import render_value_in_context
from django.template.context import Context
from django.utils.html import conditional_escape

SELECT = "django/forms/widgets/select.html"
OPTION = "django/forms/widgets/select_option.html"
# input.html, and Django's input widgets whose template is `{% include "…/input.html" %}`.
INPUTS = {
    f"django/forms/widgets/{kind}.html"
    for kind in (
        "input",
        "checkbox",
        "color",
        "date",
        "datetime",
        "email",
        "file",
        "hidden",
        "number",
        "password",
        "search",
        "tel",
        "text",
        "time",
        "url",
    )
}
TEXTAREA = "django/forms/widgets/textarea.html"


def _as_text(value) -> str:
    """`{{ value|stringformat:'s' }}` under autoescape."""
    return conditional_escape(value if isinstance(value, str) else str(value))


def _attrs(attrs: dict) -> str:
    """attrs.html: ` name="value"`, a bare ` name` for True, nothing for False."""
    return "".join(
        f" {conditional_escape(name)}"
        if value is True
        else f' {conditional_escape(name)}="{_as_text(value)}"'
        for name, value in attrs.items()
        if value is not False
    )


def render_select(widget: dict, context: Context) -> str | None:
    """select.html and select_option.html for the widget context Django builds, newlines
    and all (the option template ends with one); None when an option names a template of its
    own."""
    parts = [f'<select name="{conditional_escape(widget["name"])}"{_attrs(widget["attrs"])}>']
    for group_name, options, _index in widget["optgroups"]:
        if group_name:
            parts.append(f'\n  <optgroup label="{render_value_in_context(group_name, context)}">')
        for option in options:
            if option["template_name"] != OPTION:
                return None
            parts.append(
                f'\n  <option value="{_as_text(option["value"])}"{_attrs(option["attrs"])}>'
                f"{render_value_in_context(option['label'], context)}</option>\n"
            )
        if group_name:
            parts.append("\n  </optgroup>")
    parts.append("\n</select>")
    return "".join(parts)


def render_input(widget: dict, context: Context) -> str:
    """input.html (the renderer strips what a template ends with)."""
    value = widget["value"]
    shown = "" if value is None else f' value="{_as_text(value)}"'
    return (
        f'<input type="{render_value_in_context(widget["type"], context)}"'
        f' name="{render_value_in_context(widget["name"], context)}"'
        f"{shown}{_attrs(widget['attrs'])}>"
    )


def render_textarea(widget: dict, context: Context) -> str:
    """textarea.html: the value on the line after the tag, as the template writes it."""
    value = widget["value"]
    text = render_value_in_context(value, context) if value else ""
    return (
        f'<textarea name="{render_value_in_context(widget["name"], context)}"'
        f"{_attrs(widget['attrs'])}>\n{text}</textarea>"
    )


class FormRenderer(DjangoTemplates):
    def render(self, template_name, context, request=None):
        # Every value written below is escaped; Widget.render marks the result safe.
        if template_name == SELECT:
            html = render_select(context["widget"], Context(autoescape=True))
            if html is not None:
                return html
        elif template_name in INPUTS:
            return render_input(context["widget"], Context(autoescape=True))
        elif template_name == TEXTAREA:
            return render_textarea(context["widget"], Context(autoescape=True))
        return super().render(template_name, context, request)

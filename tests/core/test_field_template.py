"""The one field template (`core/_field.html`): every kind of field gets a label that names
it, and its help text carries the id its widget's aria-describedby names, so a screen reader
reads the hint with the field."""

import pytest
from django import forms
from django.template.loader import render_to_string

from tests.crawling import label_faults

KINDS = {
    "text": forms.CharField(label="标题", help_text="不超过50字"),
    "radio": forms.ChoiceField(
        label="方式", choices=[("a", "面商"), ("b", "电话")], widget=forms.RadioSelect,
        help_text="任选其一",
    ),
    "ticks": forms.MultipleChoiceField(
        label="界别", choices=[("a", "教育"), ("b", "经济")], widget=forms.CheckboxSelectMultiple,
        help_text="可多选",
    ),
    "tick": forms.BooleanField(label="公开", required=False, help_text="公开后群众可查"),
}  # fmt: skip


@pytest.mark.parametrize("kind", KINDS)
def test_each_kind_of_field_has_its_label_and_its_hint(kind):
    form = type("F", (forms.Form,), {kind: KINDS[kind]})(data={})
    html = render_to_string("core/_field.html", {"field": form[kind]})
    assert label_faults(html) is None, (label_faults(html), html)
    assert f'id="id_{kind}_helptext"' in html and KINDS[kind].help_text in html
    assert KINDS[kind].label in html


def test_two_instances_of_one_form_on_a_page_keep_their_own_ids():
    from xieshang.core.forms import StyledForm

    class NoteForm(StyledForm, forms.Form):
        note = forms.CharField(label="说明", help_text="写明理由")

    html = "".join(
        render_to_string("core/_field.html", {"field": NoteForm(id_prefix=name)["note"]})
        for name in ("close", "submit")
    )
    assert label_faults(html) is None, (label_faults(html), html)
    assert 'for="id_close_note"' in html and 'for="id_submit_note"' in html

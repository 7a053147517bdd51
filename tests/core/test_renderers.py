"""The form renderer draws <select>, <input> and <textarea> in Python (core/renderers.py): the
markup must be Django's own, byte for byte, for every kind of widget the product shows."""

import datetime as dt
from decimal import Decimal

import pytest
from django import forms
from django.forms.renderers import DjangoTemplates, get_default_renderer
from django.utils import translation
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy

from xieshang.core.renderers import FormRenderer
from xieshang.core.widgets import PinyinSelect, PinyinSelectMultiple

PLAIN = [("", "——"), ("a", "教育界"), ("b", 'R&D "<研发>"'), (3, gettext_lazy("已提交"))]
GROUPED = [
    ("", "不限"),
    ("区政协", [("1", "提案委员会"), ("2", "社会和法制委员会")]),
    (gettext_lazy("已提交"), [(dt.date(2026, 3, 5), dt.date(2026, 3, 5)), (4, 1234567)]),
]
ATTRS = {"class": "form-select", "required": True, "disabled": False, "data-x": '<"&>'}

CASES = {
    "plain, one chosen": (forms.Select(ATTRS, choices=PLAIN), "b"),
    "nothing chosen": (forms.Select(choices=PLAIN), None),
    "a number chosen": (forms.Select(choices=PLAIN), 3),
    "option groups, dates and numbers": (forms.Select(choices=GROUPED), dt.date(2026, 3, 5)),
    "multiple": (forms.SelectMultiple(ATTRS, choices=GROUPED), ["1", "4"]),
    "yes / no / unknown": (forms.NullBooleanSelect(), True),
    "a safe label": (forms.Select(choices=[("x", mark_safe("<b>甲</b>"))]), "x"),
    "pinyin": (PinyinSelect(choices=PLAIN), "a"),
    "pinyin, multiple": (PinyinSelectMultiple({"size": 4}, choices=GROUPED), ["2"]),
}


@pytest.mark.parametrize("language", ["zh-hans", "en"])
@pytest.mark.parametrize("case", CASES)
def test_a_select_is_drawn_as_djangos_templates_draw_it(case, language):
    widget, value = CASES[case]
    with translation.override(language):
        ours = widget.render("field", value, {"id": "id_field"}, renderer=FormRenderer())
        django = widget.render("field", value, {"id": "id_field"}, renderer=DjangoTemplates())
    assert ours == django
    assert "<option" in ours


@pytest.mark.django_db
def test_a_model_choice_select_of_organisations_is_drawn_the_same():
    from tests.factories import make_org
    from xieshang.orgs.models import Organisation

    district = make_org()
    for name in ("区政协办公室", "区发展和改革委员会", "A区<2>号"):
        make_org(name, parent=district)
    field = forms.ModelMultipleChoiceField(Organisation.objects.order_by("pk"))
    field.widget = PinyinSelectMultiple()
    field.widget.choices = field.choices
    chosen = [Organisation.objects.order_by("pk").last().pk]
    ours = field.widget.render("orgs", chosen, renderer=FormRenderer())
    assert ours == field.widget.render("orgs", chosen, renderer=DjangoTemplates())
    assert "A区&lt;2&gt;号" in ours and "selected" in ours


TEXT = "R&D \"<研发>\" '引号'"
FIELD_ATTRS = {"class": "form-control", "required": True, "readonly": False, "maxlength": 200}
INPUTS = {
    "text with markup": (forms.TextInput(FIELD_ATTRS), TEXT),
    "text, nothing typed": (forms.TextInput(), None),
    "text, empty": (forms.TextInput(), ""),
    "text, a safe value": (forms.TextInput(), mark_safe("<b>甲</b>")),
    "text, a lazy value": (forms.TextInput(), gettext_lazy("已提交")),
    "number": (forms.NumberInput({"min": 0, "step": "0.5"}), Decimal("1234.50")),
    "number, an int": (forms.NumberInput(), 1234567),
    "date": (forms.DateInput({"type": "date"}, format="%Y-%m-%d"), dt.date(2026, 3, 5)),
    "datetime": (forms.DateTimeInput(), dt.datetime(2026, 3, 5, 9, 30)),
    "time": (forms.TimeInput(), dt.time(9, 30)),
    "email": (forms.EmailInput(), "a&b@example.gov.cn"),
    "url": (forms.URLInput(), "https://example.gov.cn/?a=1&b=<2>"),
    "password, not shown again": (forms.PasswordInput(), "secret"),
    "password, shown again": (forms.PasswordInput(render_value=True), "s<e>cret"),
    "hidden": (forms.HiddenInput(), 42),
    "search": (forms.SearchInput({"placeholder": "标题、提案号"}), "养老"),
    "tel": (forms.TelInput(), "0571-87654321"),
    "color": (forms.ColorInput(), "#c00000"),
    "file": (forms.FileInput({"accept": ".pdf,.docx"}), None),
    "checkbox, ticked": (forms.CheckboxInput({"class": "form-check-input"}), True),
    "checkbox, not ticked": (forms.CheckboxInput(), False),
    "checkbox with a value": (forms.CheckboxInput(), "yes"),
    "textarea with markup": (forms.Textarea({"rows": 3, "class": "form-control"}), TEXT),
    "textarea, several lines": (forms.Textarea(), "第一行\n\n第二行 & <三>"),
    "textarea, empty": (forms.Textarea(), ""),
    "textarea, nothing typed": (forms.Textarea(), None),
    "textarea, a safe value": (forms.Textarea(), mark_safe("<i>乙</i>")),
}


@pytest.mark.parametrize("language", ["zh-hans", "en"])
@pytest.mark.parametrize("case", INPUTS)
def test_an_input_or_a_textarea_is_drawn_as_djangos_templates_draw_it(case, language):
    widget, value = INPUTS[case]
    with translation.override(language):
        ours = widget.render("field", value, {"id": "id_field"}, renderer=FormRenderer())
        django = widget.render("field", value, {"id": "id_field"}, renderer=DjangoTemplates())
    assert ours == django
    assert ours.startswith(("<input", "<textarea"))


def test_a_whole_form_is_drawn_the_same():
    class Form(forms.Form):
        title = forms.CharField(label="案由", max_length=200)
        body = forms.CharField(label="内容", widget=forms.Textarea)
        count = forms.IntegerField(label="份数", min_value=1)
        on = forms.DateField(label="日期")
        agree = forms.BooleanField(label="同意", required=False)
        version = forms.IntegerField(widget=forms.HiddenInput)

    data = {"title": TEXT, "body": "<script>", "count": "x", "on": "2026-02-30", "agree": "on"}
    for form in (Form(), Form(data), Form(initial={"title": "甲", "version": 3})):
        assert form.render(renderer=FormRenderer()) == form.render(renderer=DjangoTemplates())


def test_the_product_renders_its_forms_with_it():
    assert isinstance(get_default_renderer(), FormRenderer)


def test_a_widget_with_its_own_option_template_keeps_it(tmp_path):
    class Starred(forms.Select):
        option_template_name = "django/forms/widgets/input_option.html"

    widget = Starred(choices=PLAIN)
    ours = widget.render("field", "a", renderer=FormRenderer())
    assert ours == widget.render("field", "a", renderer=DjangoTemplates())
    assert "<option" not in ours

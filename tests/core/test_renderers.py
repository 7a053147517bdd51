"""The form renderer draws <select> in Python (core/renderers.py): the markup must be Django's
own, byte for byte, for every kind of select the product shows."""

import datetime as dt

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


def test_the_product_renders_its_forms_with_it():
    assert isinstance(get_default_renderer(), FormRenderer)


def test_a_widget_with_its_own_option_template_keeps_it(tmp_path):
    class Starred(forms.Select):
        option_template_name = "django/forms/widgets/input_option.html"

    widget = Starred(choices=PLAIN)
    ours = widget.render("field", "a", renderer=FormRenderer())
    assert ours == widget.render("field", "a", renderer=DjangoTemplates())
    assert "<option" not in ours

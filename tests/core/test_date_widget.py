"""Every date field of the forms writes its date as 2026-12-05, in Chinese and in English.

A browser's date input (`type="date"`) reads only ISO dates; any other form shows a blank
field, and a required date is then refused on the first save (请填写此项). The forms name
no format of their own: they share `core.widgets.DateInput`, and the ISO comes from the
first DATE_INPUT_FORMATS of the language (xieshang.formats for Chinese, Django's for
English)."""

import datetime as dt
import importlib
import inspect

import pytest
from django import forms
from django.utils import translation

from xieshang.core.widgets import DateInput

MODULES = [
    "xieshang.budgets.forms",
    "xieshang.consultation.forms",
    "xieshang.core.forms",
    "xieshang.duty.forms",
    "xieshang.followups.forms",
    "xieshang.members.forms",
    "xieshang.members.forms_people",
    "xieshang.nominations.forms",
    "xieshang.opinions.forms",
    "xieshang.orgs.forms",
    "xieshang.orgs.forms_reference",
    "xieshang.platforms.forms",
    "xieshang.proposals.forms",
    "xieshang.proposals.forms_department",
]

# Forms that only read a posted value and are never rendered.
NOT_RENDERED = {"xieshang.orgs.forms.RestoreForm"}


def _date_fields():
    for name in MODULES:
        module = importlib.import_module(name)
        for _, form in inspect.getmembers(module, inspect.isclass):
            if form.__module__ != name or not issubclass(form, forms.BaseForm):
                continue
            if f"{name}.{form.__name__}" in NOT_RENDERED:
                continue
            for field_name, field in form.base_fields.items():
                if type(field) is forms.DateField:
                    yield pytest.param(field, id=f"{name}.{form.__name__}.{field_name}")


DATE_FIELDS = list(_date_fields())


def test_the_forms_have_date_fields_to_check():
    assert len(DATE_FIELDS) >= 20


@pytest.mark.parametrize("language", ["zh-hans", "en"])
@pytest.mark.parametrize("field", DATE_FIELDS)
def test_a_date_field_writes_its_date_as_the_browser_date_input_reads_it(field, language):
    with translation.override(language):
        html = field.widget.render("d", dt.date(2026, 12, 5))
    assert 'type="date"' in html
    assert 'value="2026-12-05"' in html, html


@pytest.mark.parametrize("field", DATE_FIELDS)
def test_a_date_field_uses_the_shared_date_widget(field):
    # A widget of its own (with its own format=) is how the 2026/12/05 blank came back.
    assert isinstance(field.widget, DateInput)
    assert field.widget.format is None

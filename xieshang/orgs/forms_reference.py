"""Forms of the 基础数据 pages (orgs.views_reference). An edit form carries, in hidden
`was_<field>` inputs, the values the page showed; the service refuses the save if the row
no longer holds them (orgs.reference)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from xieshang.core.forms import StyledForm

from .reference import shown


def _date_input():
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class GuardedForm(StyledForm, forms.Form):
    """A form whose `guarded` fields each get a hidden `was_<field>` with the shown value."""

    guarded: tuple[str, ...] = ()

    def __init__(self, *args, instance=None, **kwargs):
        if instance is not None and not args and "data" not in kwargs:
            initial = kwargs.setdefault("initial", {})
            for name in self.guarded:
                value = getattr(instance, name)
                initial.setdefault(name, value)
                initial[f"was_{name}"] = shown(value)
        super().__init__(*args, **kwargs)
        if instance is not None:
            for name in self.guarded:
                self.fields[f"was_{name}"] = forms.CharField(
                    required=False, widget=forms.HiddenInput
                )

    def expected(self) -> dict | None:
        if not self.guarded or f"was_{self.guarded[0]}" not in self.fields:
            return None
        return {name: self.cleaned_data.get(f"was_{name}", "") for name in self.guarded}


class TermForm(StyledForm, forms.Form):
    number = forms.IntegerField(
        label=_("届次"),
        min_value=1,
        max_value=99,
        required=False,
        help_text=_("留空则为上一届的下一届。"),
    )
    start_date = forms.DateField(
        label=_("开始日期"),
        widget=_date_input(),
        help_text=_("上一届的结束日期将设为其前一日。"),
    )


class SessionForm(GuardedForm):
    guarded = ("number", "start_date", "end_date", "proposal_deadline")

    number = forms.IntegerField(label=_("会次"), min_value=1, max_value=99)
    start_date = forms.DateField(label=_("开幕日期"), widget=_date_input())
    end_date = forms.DateField(label=_("闭幕日期"), widget=_date_input())
    proposal_deadline = forms.DateField(
        label=_("大会提案截止日期"),
        required=False,
        widget=_date_input(),
        help_text=_("可不填；不能晚于闭幕日期。"),
    )

"""Forms of the 基础数据 pages (orgs.views_reference). An edit form carries, in hidden
`was_<field>` inputs, the values the page showed; the service refuses the save if the row
no longer holds them (orgs.reference)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from xieshang.core.forms import StyledForm
from xieshang.core.widgets import DateInput

from .models import Committee
from .reference import shown


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
        widget=DateInput(),
        help_text=_("上一届的结束日期将设为其前一日。"),
    )


class SessionForm(GuardedForm):
    guarded = ("number", "start_date", "end_date", "proposal_deadline")

    number = forms.IntegerField(label=_("第几次会议"), min_value=1, max_value=99)
    start_date = forms.DateField(label=_("开幕日期"), widget=DateInput())
    end_date = forms.DateField(label=_("闭幕日期"), widget=DateInput())
    proposal_deadline = forms.DateField(
        label=_("大会提案截止日期"),
        required=False,
        widget=DateInput(),
        help_text=_("可不填；不能晚于闭幕日期。"),
    )


class DepartmentForm(GuardedForm):
    guarded = ("name", "phone", "leader_name")

    name = forms.CharField(label=_("单位名称"), max_length=100)
    phone = forms.CharField(label=_("联系电话"), max_length=30, required=False)
    leader_name = forms.CharField(label=_("分管负责人"), max_length=50, required=False)


class SectorForm(GuardedForm):
    guarded = ("name", "sort_order")

    name = forms.CharField(label=_("界别名称"), max_length=50)
    sort_order = forms.IntegerField(
        label=_("排序"),
        min_value=0,
        max_value=9999,
        required=False,
        help_text=_("数字小的排在前面；新增时留空则排在最后。"),
    )


class CommitteeForm(GuardedForm):
    guarded = ("name", "kind", "sort_order")

    name = forms.CharField(label=_("名称"), max_length=50)
    kind = forms.ChoiceField(
        label=_("类型"), choices=Committee.Kind.choices, initial=Committee.Kind.SPECIAL
    )
    sort_order = SectorForm.base_fields["sort_order"]

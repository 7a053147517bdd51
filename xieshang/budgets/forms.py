"""Forms of the budget pages. They check the input; the rules (target in the organisation,
category, year, one line per target) are the services', whose refusals land back on the
form with what the user typed."""

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from xieshang.consultation.models import Activity
from xieshang.core import pickers
from xieshang.core.forms import SafeFileField, StyledForm
from xieshang.core.params import YEAR_MAX, YEAR_MIN
from xieshang.core.widgets import DateInput
from xieshang.meetings.models import Meeting
from xieshang.orgs.models import LiaisonRoom, Organisation

from .models import MONEY, Category
from .picker_sources import activity_label, line_choices, training_label


def _money_field(label, *, minimum: str) -> forms.DecimalField:
    return forms.DecimalField(
        label=label,
        min_value=Decimal(minimum),
        max_digits=MONEY["max_digits"],
        decimal_places=MONEY["decimal_places"],
        widget=forms.NumberInput(attrs={"step": "0.01", "inputmode": "decimal"}),
    )


class LineForm(StyledForm, forms.Form):
    organisation = forms.ModelChoiceField(label=_("组织"), queryset=Organisation.objects.none())
    year = forms.IntegerField(label=_("年度"), min_value=YEAR_MIN, max_value=YEAR_MAX)
    category = forms.ChoiceField(label=_("经费类别"), choices=Category.choices)
    activity = forms.ModelChoiceField(
        label=_("协商活动"),
        queryset=Activity.objects.none(),
        required=False,
        help_text=_("活动经费：选择对应的协商活动。"),
    )
    training = forms.ModelChoiceField(
        label=_("学习培训"),
        queryset=Meeting.objects.none(),
        required=False,
        help_text=_("教育培训经费：选择对应的学习培训。"),
    )
    liaison_room = forms.ModelChoiceField(
        label=_("委员联络室"),
        queryset=LiaisonRoom.objects.none(),
        required=False,
        help_text=_("联络室经费：选择委员联络室。"),
    )
    item = forms.CharField(
        label=_("预算项目"),
        max_length=100,
        required=False,
        help_text=_("选择了活动、培训或联络室时可不填，默认用其名称。"),
    )
    planned = _money_field(_("预算金额（元）"), minimum="0")
    note = forms.CharField(
        label=_("备注"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, organisations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations
        self.fields["organisation"].label_from_instance = lambda o: o.name
        choices = line_choices(organisations)
        for name in ("activity", "training", "liaison_room"):
            self.fields[name].queryset = choices[name]
        self.fields["activity"].label_from_instance = activity_label
        self.fields["training"].label_from_instance = training_label
        self.fields["liaison_room"].label_from_instance = lambda r: r.name
        # Each grows with the tree or the years: searched on the server within the same
        # scope (budgets/picker_sources.py); these querysets validate the post.
        for name, source in (
            ("organisation", "budget-organisations"),
            ("activity", "budget-activities"),
            ("training", "budget-trainings"),
            ("liaison_room", "budget-liaison-rooms"),
        ):
            pickers.attach(self.fields[name], source)


class LineEditForm(StyledForm, forms.Form):
    item = forms.CharField(label=_("预算项目"), max_length=100)
    category = forms.ChoiceField(label=_("经费类别"), choices=Category.choices)
    planned = _money_field(_("预算金额（元）"), minimum="0")
    note = forms.CharField(
        label=_("备注"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, line, **kwargs):
        super().__init__(*args, **kwargs)
        if line.target is not None:
            # The category follows the target; shown, not editable.
            self.fields["category"].disabled = True
            self.fields["category"].help_text = _("对应活动、培训或联络室的预算，类别不变。")


class SpendForm(StyledForm, forms.Form):
    date = forms.DateField(label=_("支出日期"), widget=DateInput())
    amount = _money_field(_("支出金额（元）"), minimum="0.01")
    purpose = forms.CharField(label=_("用途"), max_length=200)
    voucher_no = forms.CharField(label=_("凭证号"), max_length=50, required=False)
    receipt = SafeFileField(label=_("票据（可选）"), policy="document", required=False)


class VoidForm(StyledForm, forms.Form):
    reason = forms.CharField(label=_("作废原因"), max_length=200)

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
from .services import spending_date_refusal


def _money_field(label, *, minimum: str, below_minimum) -> forms.DecimalField:
    # The product's own words for every money field, not Django's ("确认小数不超过 2 位."):
    # the same wording wherever an amount is typed; `below_minimum` is the service's.
    return forms.DecimalField(
        label=label,
        min_value=Decimal(minimum),
        max_digits=MONEY["max_digits"],
        decimal_places=MONEY["decimal_places"],
        widget=forms.NumberInput(attrs={"step": "0.01", "inputmode": "decimal"}),
        error_messages={
            "invalid": _("请填写数字金额，如 3600 或 3600.50。"),
            "min_value": below_minimum,
            "max_decimal_places": _("金额最多保留两位小数。"),
            "max_digits": _("金额过大，整数部分最多 12 位。"),
            "max_whole_digits": _("金额过大，整数部分最多 12 位。"),
        },
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
    planned = _money_field(
        _("预算金额（元）"), minimum="0", below_minimum=_("预算金额不能为负数。")
    )
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
    planned = _money_field(
        _("预算金额（元）"), minimum="0", below_minimum=_("预算金额不能为负数。")
    )
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
    amount = _money_field(
        _("支出金额（元）"), minimum="0.01", below_minimum=_("支出金额须大于零。")
    )
    purpose = forms.CharField(label=_("用途"), max_length=200)
    voucher_no = forms.CharField(label=_("凭证号"), max_length=50, required=False)
    receipt = SafeFileField(label=_("票据（可选）"), policy="document", required=False)

    def __init__(self, *args, year: int | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.year = year

    def clean_date(self):
        # The service's own date check, run here too so that a date outside the budget
        # year is shown together with the other fields' errors in one round.
        date = self.cleaned_data["date"]
        if self.year is not None:
            refusal = spending_date_refusal(date, year=self.year)
            if refusal:
                raise forms.ValidationError(refusal)
        return date


class VoidForm(StyledForm, forms.Form):
    reason = forms.CharField(label=_("作废原因"), max_length=200)

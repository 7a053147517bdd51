from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from xieshang.core.forms import LineBreaksCountOnce
from xieshang.core.validators import not_after_today
from xieshang.core.widgets import DateInput
from xieshang.orgs import config

from . import rules, services
from .models import Adoption, AdoptionLevel, Opinion

TEXTAREA = {"class": "form-control", "rows": 5}
# The parts of the body that count against the length limit (opinions.max_chars).
BODY_PARTS = ("facts", "analysis", "suggestions")


class OpinionForm(LineBreaksCountOnce, forms.ModelForm):
    """Title and the three parts of one matter. The office also sets who reported it."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Opinion
        fields = ["title", "facts", "analysis", "suggestions", "source_type", "source_body"]
        widgets = {
            "title": forms.TextInput(attrs={"class": "form-control"}),
            "facts": forms.Textarea(attrs=TEXTAREA),
            "analysis": forms.Textarea(attrs=TEXTAREA),
            "suggestions": forms.Textarea(attrs=TEXTAREA),
            "source_type": forms.Select(attrs={"class": "form-select"}),
            "source_body": forms.TextInput(attrs={"class": "form-control"}),
        }

    def __init__(self, *args, organisation, staff: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.organisation = organisation
        self.limit = config.get(organisation, rules.MAX_CHARS)
        # The three parts count against the limit together: the page counts them as they are
        # typed (static/xs/proposals.js, the proposal form's counter).
        for name in BODY_PARTS:
            self.fields[name].widget.attrs["data-body-part"] = "1"
        self.fields["suggestions"].help_text = _(
            "一事一报：基本情况、问题分析和意见建议合计不超过%(n)s字。"
        ) % {"n": self.limit}
        if not staff:
            del self.fields["source_type"]
            del self.fields["source_body"]

    def clean(self):
        # A line break is one character, as the page's counter shows it (LineBreaksCountOnce).
        # A draft is saved however long, within a hard cap (the page then says how much to
        # cut); submitting it, or the office's edit of an item already received, is held to
        # the limit (services.length_error).
        data = super().clean()
        drafting = self.instance.status in (Opinion.Status.DRAFT, Opinion.Status.RETURNED)
        parts = {name: data.get(name) or "" for name in BODY_PARTS}
        message = services.length_error(
            self.organisation,
            draft=drafting and self.data.get("action") != "submit",
            **parts,
        )
        if message:
            raise ValidationError(message)
        return data


class NoteForm(forms.Form):
    note = forms.CharField(
        label=_("意见"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"class": "form-control", "rows": 2}),
    )


class ReportForm(forms.Form):
    """报送 on the item's page. The item's own office reports to its Party committee and
    government here; up the tree it reports with the 上报情况 panel's one button (上报上级政协),
    so the page offers that action once. An office above, holding an item reported to it
    and decided (adopted), reports it further up here: the panel offers it nothing then."""

    upward = forms.BooleanField(label=_("报送上级政协"), required=False, initial=True)
    party = forms.BooleanField(label=_("报送党委"), required=False)
    government = forms.BooleanField(label=_("报送政府"), required=False)

    def __init__(self, *args, local: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        if local:
            del self.fields["upward"]
        else:
            # Only the item's own office reports to its Party committee and government
            # (policies.reports_locally); an office above sends it further up.
            del self.fields["party"]
            del self.fields["government"]

    def clean(self):
        data = super().clean()
        if not any(data.get(k) for k in ("upward", "party", "government")):
            raise ValidationError(_("请选择报送对象。"))
        return data


class AdoptionForm(forms.Form):
    level = forms.ChoiceField(
        label=_("采用层级"),
        choices=AdoptionLevel.choices,
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    mode = forms.ChoiceField(
        label=_("采用方式"),
        choices=Adoption.Mode.choices,
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    adopted_on = forms.DateField(
        label=_("采用日期"),
        initial=timezone.localdate,
        validators=[not_after_today],
        widget=DateInput(attrs={"class": "form-control"}),
    )
    body = forms.CharField(
        label=_("采用单位"),
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs={"class": "form-control"}),
    )


REASON_MAX = 500


class AdoptionEditForm(AdoptionForm):
    """更正 an adoption recorded wrongly: what it should say and why (the service checks
    the date against the item's publication and today, and the version)."""

    reason = forms.CharField(
        label=_("更正理由"),
        max_length=REASON_MAX,
        widget=forms.TextInput(attrs={"class": "form-control"}),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    @classmethod
    def of(cls, adoption: Adoption, data=None):
        """The form of one adoption on the item's page (its fields' ids apart from the
        other adoptions' and the record form's)."""
        initial = {name: getattr(adoption, name) for name in services.ADOPTION_FIELDS}
        initial["version"] = adoption.version
        return cls(data, initial=initial, prefix=f"adoption{adoption.pk}")


class AdoptionVoidForm(forms.Form):
    """撤销 an adoption recorded in error, with the reason."""

    reason = forms.CharField(
        label=_("撤销理由"),
        max_length=REASON_MAX,
        widget=forms.TextInput(attrs={"class": "form-control"}),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    @classmethod
    def of(cls, adoption: Adoption, data=None):
        return cls(data, initial={"version": adoption.version}, prefix=f"void{adoption.pk}")


class IssueForm(forms.Form):
    opinions = forms.ModelMultipleChoiceField(
        label=_("编发的信息"),
        queryset=Opinion.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": _("请选择要编发的信息。"),
            # A ticked one a colleague published (or sent back) while the list was open.
            "invalid_choice": _(
                "所选信息中有的已不在待编发之列（可能已由他人编发），请核对后再提交。"
            ),
        },
    )
    editor_note = forms.CharField(
        label=_("编者按"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"class": "form-control", "rows": 2}),
    )

    def __init__(self, *args, queryset, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["opinions"].queryset = queryset

"""One row of the assignment board (交办会): its handling mode and departments.

The department fields are server-searched pickers (core.pickers, source
"assign-departments", narrowed to the proposal's organisation): a row renders only what is
chosen, never the list of every unit in scope, so the page weighs the same for a district
and a province. Their querysets (every active unit where the user assigns) still validate
what is posted; a unit of another level passes here and is refused by `proposal_assign`
with its own message.
"""

from django import forms
from django.utils.translation import gettext_lazy as _

from xieshang.core import pickers
from xieshang.core.forms import StyledForm

from .forms import AssignForm

INVALID = {
    "invalid_choice": _("所选单位无效，请重新选择。"),
    "invalid_pk_value": _("所选单位无效，请重新选择。"),
}


class BoardRowForm(forms.Form):
    mode = forms.ChoiceField(
        label=_("办理方式"),
        choices=[
            (AssignForm.MODE_LEAD, _("主办＋协办")),
            (AssignForm.MODE_SPLIT, _("分办（各自答复）")),
        ],
        initial=AssignForm.MODE_LEAD,
        required=False,
    )
    lead = forms.ModelChoiceField(
        label=_("主办单位"),
        queryset=None,
        required=False,
        empty_label=_("（不交办）"),
        error_messages=INVALID,
    )
    others = forms.ModelMultipleChoiceField(
        label=_("协办／分办单位"), queryset=None, required=False, error_messages=INVALID
    )
    # The 采纳 button of a suggestion: that unit leads (it replaces what the lead picker says).
    take = forms.ModelChoiceField(queryset=None, required=False, error_messages=INVALID)

    def __init__(self, *args, proposal, departments, **kwargs):
        # Names as before the pickers: mode-<pk>, lead-<pk>, others-<pk>; ids the same.
        kwargs.setdefault("auto_id", "%s")
        super().__init__(*args, prefix=str(proposal.pk), **kwargs)
        self.proposal = proposal
        params = {"organisation": proposal.organisation_id, "proposal": proposal.pk}
        for name, css in (("lead", "form-select form-select-sm"), ("others", "form-select")):
            field = self.fields[name]
            field.queryset = departments
            field.label_from_instance = lambda d: d.name
            field.widget.attrs["class"] = css
            pickers.attach(field, "assign-departments", params)
        self.fields["mode"].widget.attrs["class"] = "form-select form-select-sm"
        self.fields["take"].queryset = departments

    def add_prefix(self, field_name: str) -> str:
        return f"{field_name}-{self.prefix}"

    def choice(self) -> tuple[str, object, list]:
        """(mode, lead, others) of a valid row; a taken suggestion leads."""
        data = self.cleaned_data
        mode = data.get("mode") or AssignForm.MODE_LEAD
        lead = data.get("take") or data.get("lead")
        return mode, lead, list(data.get("others") or [])

    def error_text(self) -> str:
        return "；".join(dict.fromkeys(str(e) for errors in self.errors.values() for e in errors))


class ReassignForm(StyledForm, forms.Form):
    """改交: the department a returned split part goes to instead (the proposal
    committee's page of the returned part). A server-searched picker of the units of the
    proposal's level where the user assigns, as on the board; the service refuses the
    department that sent it back, one already handling the proposal or a stopped one."""

    department = forms.ModelChoiceField(
        label=_("改交承办单位"),
        queryset=None,
        error_messages={"required": _("请选择改交的承办单位。"), **INVALID},
    )
    note = forms.CharField(
        label=_("改交说明（可选）"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, proposal, departments, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["department"]
        field.queryset = departments
        field.label_from_instance = lambda d: d.name
        pickers.attach(
            field,
            "assign-departments",
            {"organisation": proposal.organisation_id, "proposal": proposal.pk},
        )


class ReturnedPartCloseForm(StyledForm, forms.Form):
    """不再改交: the proposal committee decides the returned split part goes to no other
    department, and says why (the proposers are told it)."""

    reason = forms.CharField(
        label=_("不再改交的理由"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("请说明不再改交的理由。")},
    )

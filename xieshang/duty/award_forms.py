"""Forms of the commendation round (C5.8)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from xieshang.core.forms import StyledForm


class ProposeForm(StyledForm, forms.Form):
    """One tick box and one reason per candidate, built from the candidate lists."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1)

    def __init__(self, *args, candidates: dict, **kwargs):
        super().__init__(*args, **kwargs)
        self.candidates = candidates
        for cands in candidates.values():
            for cand in cands:
                self.fields[f"pick-{cand.key}"] = forms.BooleanField(
                    label=cand.name,
                    required=False,
                    widget=forms.CheckboxInput(attrs={"class": "form-check-input"}),
                )
                self.fields[f"reason-{cand.key}"] = forms.CharField(
                    label=_("推荐理由"),
                    required=False,
                    max_length=300,
                    widget=forms.TextInput(attrs={"class": "form-control form-control-sm"}),
                )
                cand.pick_field = self[f"pick-{cand.key}"]
                cand.reason_field = self[f"reason-{cand.key}"]

    def picks(self) -> list[tuple[str, str, str]]:
        data = self.cleaned_data
        return [
            (cand.award_type, cand.ref, data.get(f"reason-{cand.key}", ""))
            for cands in self.candidates.values()
            for cand in cands
            if data.get(f"pick-{cand.key}")
        ]


class DecisionForm(StyledForm, forms.Form):
    decision = forms.ChoiceField(
        label=_("审定意见"),
        choices=[("approve", _("同意")), ("return", _("退回修改"))],
        widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
    )
    note = forms.CharField(
        label=_("意见或退回理由"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def clean(self):
        data = super().clean()
        if data.get("decision") == "return" and not (data.get("note") or "").strip():
            self.add_error("note", _("退回须说明理由。"))
        return data


class PublishForm(StyledForm, forms.Form):
    doc_number = forms.CharField(
        label=_("表彰决定文号"),
        max_length=60,
        required=False,
        help_text=_("如：区政协发〔2026〕3号，可不填。"),
    )

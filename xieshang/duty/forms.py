import datetime as dt
from decimal import Decimal

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from xieshang.core import access, pickers
from xieshang.core.forms import SafeFileField, StyledForm
from xieshang.core.text import chinese_date, typed_code
from xieshang.core.validators import not_after_today
from xieshang.core.widgets import DateInput
from xieshang.orgs.models import Level, Organisation

from .exits import chairman_meetings
from .models import DisciplineCase, DutyKind, DutyRecord
from .services import MANUAL_KINDS, MAX_ENTRY_FILES


class _FilesInput(forms.FileInput):
    allow_multiple_selected = True


class EntryFilesField(SafeFileField):
    """Several files in one input (photos of the activity, a sign-in sheet), each checked
    against the upload policy "evidence" as SafeFileField checks one."""

    def __init__(self, **kwargs):
        kwargs.setdefault("widget", _FilesInput())
        super().__init__(policy="evidence", **kwargs)

    def clean(self, data, initial=None):
        files = [f for f in (data if isinstance(data, list | tuple) else [data]) if f]
        if len(files) > MAX_ENTRY_FILES:
            raise forms.ValidationError(
                _("每条履职记录最多上传%(n)s个佐证材料。") % {"n": MAX_ENTRY_FILES}
            )
        cleaned, errors = [], []
        for file in files:
            try:
                cleaned.append(super().clean(file, initial))
            except forms.ValidationError as exc:
                errors.extend(exc.messages)
        if errors:
            raise forms.ValidationError(list(dict.fromkeys(errors)))
        return cleaned


class ManualEntryForm(StyledForm, forms.Form):
    kind = forms.ChoiceField(label=_("类别"), choices=[(k.value, k.label) for k in MANUAL_KINDS])
    date = forms.DateField(
        label=_("日期"),
        widget=DateInput(),
        validators=[not_after_today],
    )
    title = forms.CharField(label=_("事项"), max_length=200)
    people = forms.CharField(
        label=_("联系对象（联系界别群众时填写）"),
        max_length=200,
        required=False,
        # The per-sector report (C3.4) counts the people reached from this number.
        help_text=_("写明对象和人数，如“个体工商户5人”"),
    )
    evidence = forms.CharField(
        label=_("佐证材料说明"), widget=forms.Textarea(attrs={"rows": 4}), max_length=5000
    )
    files = EntryFilesField(label=_("佐证材料（照片、签到表等）"), required=False)
    # Asked only once the service found the same fact in the member's file already
    # (`services.refuse_duplicate`, `ask_duplicate`): until then a hidden False.
    confirm_duplicate = forms.BooleanField(
        label=_("仍要提交（确属另一项履职活动）"), required=False, widget=forms.HiddenInput
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Ticked, then refused for another reason (a date mistyped): still shown, ticked.
        if self.is_bound and self["confirm_duplicate"].value() not in (None, "", "False"):
            self.ask_duplicate()

    def ask_duplicate(self) -> None:
        """Show 仍要提交 as a checkbox, under what was typed (kept)."""
        self.fields["confirm_duplicate"].widget = forms.CheckboxInput()

    def clean_date(self):
        # The office confirms and the year-end evaluation counts this year's and last year's
        # work; a fact from further back belongs to an evaluation long closed.
        date = self.cleaned_data["date"]
        earliest = dt.date(timezone.localdate().year - 1, 1, 1)
        if date < earliest:
            raise forms.ValidationError(
                _("只能报送%(year)s年1月1日以来的履职记录。") % {"year": earliest.year}
            )
        return date

    def entry(self) -> dict:
        """The service's arguments: the people met go into the title (the per-sector report
        reads them there)."""
        data = self.cleaned_data
        title = f"{data['title']}（{data['people']}）" if data["people"] else data["title"]
        return {
            "kind": data["kind"],
            "date": data["date"],
            "title": title,
            "evidence": data["evidence"],
            "files": data.get("files") or [],
            "confirm_duplicate": bool(data.get("confirm_duplicate")),
        }

    def clean(self):
        data = super().clean()
        if data.get("kind") == DutyKind.SECTOR_CONTACT and not data.get("people"):
            self.add_error("people", _("请填写联系的界别群众。"))
        # The people go into the record's title (`entry`), whose 200 characters would cut
        # them off silently, and with them the number the sector report counts.
        title, people = data.get("title") or "", data.get("people") or ""
        limit = DutyRecord._meta.get_field("title").max_length
        if people and len(title) + len(people) + 2 > limit:
            self.add_error(
                "people",
                _("事项和联系对象合计不能超过%(limit)d字（现为%(n)d字），请精简。")
                % {"limit": limit - 2, "n": len(title) + len(people)},
            )
        return data


class EntryDecisionForm(StyledForm, forms.Form):
    note = forms.CharField(label=_("审核意见"), max_length=500, required=False)


class CaseDecisionForm(StyledForm, forms.Form):
    # An empty first choice: a clerk who types only the note must not record the first
    # result (已提醒谈话) without choosing it.
    decision = forms.ChoiceField(
        label=_("处理结果"),
        choices=[
            ("", _("请选择")),
            *[c for c in DisciplineCase.Status.choices if c[0] != DisciplineCase.Status.OPEN],
        ],
        error_messages={"required": _("请选择处理结果。")},
    )
    note = forms.CharField(
        label=_("处理意见"), widget=forms.Textarea(attrs={"rows": 4}), max_length=5000
    )


class ExitDecisionForm(StyledForm, forms.Form):
    """The chairman's meeting's decision on a pending exit, recorded by the office."""

    decision = forms.ChoiceField(
        label=_("主席会议决定"),
        choices=[("confirm", _("同意撤销委员资格")), ("decline", _("不同意撤销"))],
    )
    decided_on = forms.DateField(
        label=_("主席会议日期"),
        widget=DateInput(),
        validators=[not_after_today],
    )
    meeting = forms.ModelChoiceField(
        label=_("主席会议（已在系统中登记的）"), queryset=None, required=False
    )
    note = forms.CharField(
        label=_("会议意见"), widget=forms.Textarea(attrs={"rows": 3}), max_length=5000
    )

    def __init__(self, *args, organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["meeting"].queryset = chairman_meetings(organisation)
        # Dated first: chairman's meetings share titles.
        self.fields["meeting"].label_from_instance = lambda m: f"{chinese_date(m.start)} {m.title}"


class CertificateForm(StyledForm, forms.Form):
    start_date = forms.DateField(label=_("起始日期"), widget=DateInput())
    # A certificate attests what has happened: a period ending in the future would certify
    # days not yet lived (also refused by `services.certificate_issue`).
    end_date = forms.DateField(
        label=_("截止日期"), widget=DateInput(), validators=[not_after_today]
    )

    def clean(self):
        data = super().clean()
        start, end = data.get("start_date"), data.get("end_date")
        if start and end:
            if end < start:
                raise forms.ValidationError(_("截止日期不能早于起始日期。"))
            if (end - start).days > 366 * 5:
                raise forms.ValidationError(_("证明期间不能超过五年。"))
        return data


class VerifyForm(StyledForm, forms.Form):
    code = forms.CharField(label=_("验证码"), max_length=16)

    def clean_code(self):
        # As the portal reads its check codes: full-width letters typed in 全角 mode,
        # spaces and dashes are what a reader types, not a different code.
        return typed_code(self.cleaned_data["code"])


class ScoreRuleForm(StyledForm, forms.Form):
    points = forms.DecimalField(
        label=_("每项分值"),
        max_digits=6,
        decimal_places=2,
        min_value=Decimal(-100),
        max_value=Decimal(100),
        # The value as loaded travels with the form, so a save sends only the rows this
        # user changed: a row someone else changed meanwhile is left as they set it.
        show_hidden_initial=True,
    )
    cap = forms.DecimalField(
        label=_("年度上限"),
        max_digits=6,
        decimal_places=2,
        min_value=Decimal(0),
        max_value=Decimal(1000),
        required=False,
        show_hidden_initial=True,
    )
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    def touched(self) -> bool:
        """Whether this user changed the row from what their page loaded."""
        return bool({"points", "cap"} & set(self.changed_data))


COMMITTEE_LEVELS = [Level.PROVINCE, Level.CITY, Level.DISTRICT]


class CommitteeChoiceForm(StyledForm, forms.Form):
    """Which committee's evaluation an office above reads (a province office: any city's
    or county's), searched on the server; the scope of duty.view validates the choice."""

    organisation = forms.ModelChoiceField(
        label=_("政协组织"), queryset=Organisation.objects.none(), required=False
    )

    def __init__(self, data, *, user, own):
        super().__init__(data)
        self.own = own
        field = self.fields["organisation"]
        field.queryset = access.organisations(user, "duty.view").filter(level__in=COMMITTEE_LEVELS)
        field.empty_label = None
        field.label_from_instance = lambda o: o.name
        pickers.attach(
            field, "organisations", {"perm": "duty.view", "level": ",".join(COMMITTEE_LEVELS)}
        )

    def committee(self):
        """The chosen committee, the own one by default. Call after is_valid()."""
        org = self.cleaned_data.get("organisation") if self.is_valid() else None
        org = org or self.own
        # The picker renders only the chosen option.
        self.data = self.data.copy()
        self.data["organisation"] = str(org.pk)
        return org

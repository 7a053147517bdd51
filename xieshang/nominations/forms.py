from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from xieshang.core import pickers
from xieshang.core.forms import StyledForm
from xieshang.core.widgets import DateInput
from xieshang.members.labels import member_label
from xieshang.members.models import Category, Gender, Member
from xieshang.orgs.models import Party, Sector

from . import policies, services
from .models import NominatingDepartment, RoundKind
from .picker_sources import round_members


class RoundForm(StyledForm, forms.Form):
    organisation = forms.ModelChoiceField(label=_("政协"), queryset=None)
    kind = forms.ChoiceField(label=_("类型"), choices=RoundKind.choices)
    title = forms.CharField(label=_("名称"), max_length=100)
    effective_date = forms.DateField(
        label=_("生效日期"),
        widget=DateInput(),
        help_text=_("换届为新一届开始日期；增补为常委会会议增补之日，增补委员自该日起任职。"),
    )
    reference_date = forms.DateField(
        label=_("年龄计算基准日"),
        widget=DateInput(),
        required=False,
        help_text=_("须在生效日期前一年内；不填则按生效日期计算年龄。"),
    )
    note = forms.CharField(
        label=_("说明"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )

    def __init__(self, *args, actor, **kwargs):
        super().__init__(*args, **kwargs)
        orgs = policies.manageable_organisations(actor).order_by("path")
        self.fields["organisation"].queryset = orgs
        self.fields["organisation"].label_from_instance = lambda o: o.name
        if orgs.count() == 1:
            self.fields["organisation"].initial = orgs.first()
        # Every county committee of a province for its office: searched on the server.
        pickers.attach(self.fields["organisation"], "nomination-organisations")


class SeatsForm(StyledForm, forms.Form):
    """One number per sector of the committee and per category."""

    # The round's version when the form was shown (seats_set refuses a stale save).
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, round, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["version"].initial = round.version
        current = {(q.sector_id, q.category): q.seats for q in round.quotas.all()}
        self.sectors = list(Sector.objects.filter(organisation=round.organisation))
        for sector in self.sectors:
            self.fields[f"sector_{sector.pk}"] = forms.IntegerField(
                label=sector.name,
                min_value=0,
                max_value=999,
                required=False,
                initial=current.get((sector.pk, ""), None),
            )
        for value, label in Category.choices:
            self.fields[f"category_{value}"] = forms.IntegerField(
                label=label,
                min_value=0,
                max_value=999,
                required=False,
                initial=current.get((None, value), None),
            )
        style_numbers(self)

    def sector_fields(self):
        return [self[f"sector_{s.pk}"] for s in self.sectors]

    def category_fields(self):
        return [self[f"category_{v}"] for v in Category.values]

    def values(self) -> tuple[dict[int, int], dict[str, int]]:
        data = self.cleaned_data
        sectors = {s.pk: data.get(f"sector_{s.pk}") or 0 for s in self.sectors}
        categories = {v: data.get(f"category_{v}") or 0 for v in Category.values}
        return sectors, categories


def style_numbers(form) -> None:
    for field in form.fields.values():
        field.widget.attrs.setdefault("class", "form-control")
        field.widget.attrs.setdefault("inputmode", "numeric")


class CandidateForm(StyledForm, forms.Form):
    """A department's nomination: an existing member, or a new person's particulars.
    The party choices are those the user's department nominates (C5.1)."""

    member = forms.ModelChoiceField(
        label=_("现任（原任）委员"),
        queryset=Member.objects.none(),
        required=False,
        help_text=_("继续提名现任或原任委员时选择；提名新人选时留空并填写下方信息。"),
    )
    name = forms.CharField(label=_("姓名"), max_length=50, required=False)
    gender = forms.ChoiceField(
        label=_("性别"), choices=[("", "---------"), *Gender.choices], required=False
    )
    ethnicity = forms.CharField(label=_("民族"), max_length=20, required=False, initial="汉族")
    birth_date = forms.DateField(label=_("出生日期"), widget=DateInput(), required=False)
    employer = forms.CharField(label=_("工作单位及职务"), max_length=200, required=False)
    education = forms.CharField(label=_("学历"), max_length=20, required=False)
    party = forms.ModelChoiceField(label=_("政治面貌"), queryset=Party.objects.none())
    sector = forms.ModelChoiceField(label=_("界别"), queryset=Sector.objects.none())
    categories = forms.MultipleChoiceField(
        label=_("联系类别"),
        choices=Category.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    reason = forms.CharField(
        label=_("提名理由"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )

    def __init__(self, *args, round, actor, **kwargs):
        super().__init__(*args, **kwargs)
        # The committee's members (hundreds, thousands in a province): searched on the server.
        self.fields["member"].queryset = round_members(round)
        self.fields["member"].label_from_instance = member_label
        pickers.attach(self.fields["member"], "nomination-members", {"round": round.pk})
        departments = policies.nominating_departments(actor, round)
        # 政治面貌 only: not the 工商联 nor the people's organisations of the reference data.
        parties = services.political_parties()
        if NominatingDepartment.ORGANISATION not in departments:
            parties = parties.exclude(kind=Party.Kind.CPC)
        if NominatingDepartment.UNITED_FRONT not in departments:
            parties = parties.filter(kind=Party.Kind.CPC)
        # The select offers the parties of the user's department; the field still accepts
        # any political affiliation, so that a forged choice reaches the service and is
        # refused there with its reason (C5.1, 403) rather than as "not a valid choice".
        field = self.fields["party"]
        field.queryset = parties  # sets the widget's choices
        field._queryset = services.political_parties()
        self.fields["sector"].queryset = Sector.objects.filter(organisation=round.organisation)

    def clean_birth_date(self):
        born = self.cleaned_data.get("birth_date")
        if born is not None and born >= timezone.localdate():
            raise forms.ValidationError(_("出生日期应早于今天。"))
        return born

    def clean(self):
        data = super().clean()
        if data.get("member") is None:
            if not (data.get("name") or "").strip():
                self.add_error("name", _("提名新人选须填写姓名。"))
            if not data.get("gender"):
                self.add_error("gender", _("提名新人选须选择性别。"))
            # A date given but refused (in the future) has its own error already.
            if not data.get("birth_date") and "birth_date" not in self.errors:
                self.add_error("birth_date", _("提名新人选须填写出生日期。"))
        return data

    def person(self) -> dict:
        data = self.cleaned_data
        return {
            "name": (data.get("name") or "").strip(),
            "gender": data.get("gender"),
            "ethnicity": (data.get("ethnicity") or "").strip() or "汉族",
            "birth_date": data.get("birth_date"),
            "employer": data.get("employer") or "",
            "education": data.get("education") or "",
        }


class CorrectForm(CandidateForm):
    """Correcting a candidate on a list not yet confirmed: a new person's particulars, the
    sector, categories and reason. Not the party (it decides the department, C5.1) nor who
    was nominated; a re-nominated member's particulars are corrected in their file."""

    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, round, actor, candidate, **kwargs):
        initial = {
            name: getattr(candidate, name)
            for name in ("name", "gender", "ethnicity", "birth_date", "employer", "education")
        }
        initial.update(
            sector=candidate.sector_id,
            categories=list(candidate.categories or []),
            reason=candidate.reason,
            version=candidate.version,
        )
        super().__init__(*args, round=round, actor=actor, initial=initial, **kwargs)
        self.continuing = candidate.is_continuing
        del self.fields["member"]
        del self.fields["party"]
        if self.continuing:
            for name in ("name", "gender", "ethnicity", "birth_date", "employer", "education"):
                del self.fields[name]

    def clean(self):
        if self.continuing:
            return forms.Form.clean(self)
        self.cleaned_data.setdefault("member", None)
        return super().clean()


class ConsultationForm(StyledForm, forms.Form):
    consulted_with = forms.CharField(
        label=_("协商单位"), max_length=100, help_text=_("如民盟区委会、区工商联。")
    )
    consulted_on = forms.DateField(label=_("协商日期"), widget=DateInput())
    note = forms.CharField(label=_("协商意见"), widget=forms.Textarea(attrs={"rows": 3}))
    # The candidate's version the page showed: a record saved meanwhile (a colleague's, or
    # this user's in another tab) is not silently replaced (services.consultation_record).
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def clean_consulted_on(self):
        day = self.cleaned_data["consulted_on"]
        if day > timezone.localdate():
            raise forms.ValidationError(_("协商日期不能晚于今天。"))
        return day


class OpinionForm(StyledForm, forms.Form):
    agrees = forms.TypedChoiceField(
        label=_("政协党组意见"),
        choices=[("1", _("同意继续提名")), ("0", _("不同意继续提名"))],
        coerce=lambda v: v == "1",
        widget=forms.RadioSelect,
    )
    on_date = forms.DateField(label=_("党组研究日期"), widget=DateInput())
    opinion = forms.CharField(label=_("意见内容"), widget=forms.Textarea(attrs={"rows": 3}))
    # As ConsultationForm's: the chair's opinion is not overwritten by the office's unseen.
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def clean_on_date(self):
        day = self.cleaned_data["on_date"]
        if day > timezone.localdate():
            raise forms.ValidationError(_("党组研究日期不能晚于今天。"))
        return day


class WithdrawForm(StyledForm, forms.Form):
    reason = forms.CharField(label=_("撤回原因"), max_length=200)


class CancelForm(StyledForm, forms.Form):
    reason = forms.CharField(label=_("取消原因"), max_length=200)


class LimitsForm(StyledForm, forms.Form):
    """The composition limits of one organisation (`nominations.rules`, via orgs.config)."""

    def __init__(self, *args, organisation, **kwargs):
        from xieshang.orgs import config

        from . import rules

        super().__init__(*args, **kwargs)
        self.keys = [
            rules.CPC_MAX_SHARE,
            rules.FEMALE_MIN_SHARE,
            rules.YOUNG_AGE,
            rules.YOUNG_MIN_SHARE,
            rules.MAX_AGE,
            rules.NEW_MIN_SHARE,
        ]
        self.organisation = organisation
        for key in self.keys:
            rule = config.RULES[key]
            name = key.replace(".", "__")
            value = config.get(organisation, key)
            # The rule's own range (config.set_value checks it again).
            self.fields[name] = forms.IntegerField(
                label=rule.label,
                min_value=rule.minimum,
                max_value=rule.maximum,
                initial=value,
            )
            # What the page showed and the rule's version then: only the limits the user
            # changed are saved, each refused if it was changed meanwhile (another tab's
            # change of another limit is not put back by this page's old value).
            self.fields[f"shown__{name}"] = forms.IntegerField(
                widget=forms.HiddenInput, required=False, initial=value
            )
            self.fields[f"version__{name}"] = forms.IntegerField(
                widget=forms.HiddenInput,
                required=False,
                initial=config.current_version(organisation, key),
            )

    def clean(self):
        from . import rules

        data = super().clean()
        oldest = data.get(rules.MAX_AGE.replace(".", "__"))
        young = data.get(rules.YOUNG_AGE.replace(".", "__"))
        # A candidate over the age limit, yet a "young member": the two contradict each
        # other (`rules` keeps them in order for every other way of setting them too).
        if oldest is not None and young is not None and oldest <= young:
            raise forms.ValidationError(
                _("提名人选年龄上限（%(oldest)s周岁）须高于年轻委员年龄界限（%(young)s周岁）。")
                % {"oldest": oldest, "young": young}
            )
        return data

    def values(self) -> dict:
        return {key: self.cleaned_data[key.replace(".", "__")] for key in self.keys}

    def changes(self) -> list[tuple[str, int, int | None]]:
        """(key, value, expected version) of each limit the user changed on the page; a
        form without what it showed (an old page) counts every value unlike the stored."""
        from xieshang.orgs import config

        from . import rules

        found = []
        for key in self.keys:
            name = key.replace(".", "__")
            value = self.cleaned_data[name]
            shown = self.cleaned_data.get(f"shown__{name}")
            if shown is None:
                shown = config.get(self.organisation, key)
            if value != shown:
                found.append((key, value, self.cleaned_data.get(f"version__{name}")))
        # Ordered limits (the age limit above the young-member age) are saved one by one:
        # the young-member age first when it goes below the age limit in force, else the
        # age limit first, so that no step passes through a contradiction.
        oldest = config.get(self.organisation, rules.MAX_AGE)

        def step(change) -> int:
            key, value, _version = change
            if key == rules.YOUNG_AGE:
                return 0 if value < oldest else 2
            return 1 if key == rules.MAX_AGE else 3

        found.sort(key=step)
        return found

    def show_current(self) -> None:
        """After a stale refusal: the hidden fields now carry what is stored, and a limit
        the user left alone shows the stored value, so saving again on purpose replaces
        only what the user typed."""
        from xieshang.orgs import config

        data = self.data.copy()
        for key in self.keys:
            name = key.replace(".", "__")
            current = config.get(self.organisation, key)
            if self.cleaned_data.get(name) == self.cleaned_data.get(f"shown__{name}"):
                data[self.add_prefix(name)] = current
            data[self.add_prefix(f"shown__{name}")] = current
            data[self.add_prefix(f"version__{name}")] = config.current_version(
                self.organisation, key
            )
        self.data = data

"""Forms of the platform pages: every rule a user can break is checked here, and a rejected
form re-renders with what the user typed and a Chinese message."""

from django import forms
from django.utils.translation import gettext_lazy as _

from xieshang.core import pickers
from xieshang.core.forms import StyledForm
from xieshang.core.widgets import DateInput
from xieshang.members.labels import member_label
from xieshang.members.models import Member
from xieshang.orgs.models import Organisation

from . import policies
from .models import Platform, PlatformSession, SessionAttendance
from .picker_sources import area_conveners, area_rooms, area_streets, assignable_members, org_label

DT_FORMAT = "%Y-%m-%dT%H:%M"
DT_FORMATS = [DT_FORMAT, "%Y-%m-%d %H:%M"]


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs):
        super().__init__(format=DT_FORMAT, **kwargs)


class PlatformForm(StyledForm, forms.ModelForm):
    organisation = forms.ModelChoiceField(
        label=_("所在街道/社区"), queryset=Organisation.objects.none()
    )
    status = forms.ChoiceField(
        label=_("登记时状态"),
        choices=Platform.Status.choices,
        initial=Platform.Status.PLANNED,
        help_text=_("补登已建成或已运行的平台时选择相应状态。"),
    )
    on = forms.DateField(
        label=_("状态日期"),
        widget=DateInput(),
        required=False,
        help_text=_("补登时填写开始筹建、建成或投入运行的日期；不填为今天。"),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Platform
        fields = ["name", "place", "convener", "convener_name", "liaison_room", "description"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}
        help_texts = {
            "convener": _("召集人有系统账号时选择，召集人可审定议事成果。"),
            "convener_name": _("召集人没有账号时填写姓名。"),
        }

    def __init__(self, *args, actor, creating: bool, **kwargs):
        super().__init__(*args, **kwargs)
        orgs = policies.manageable_organisations(actor).select_related("parent").order_by("path")
        params = {}
        if creating:
            self.fields["organisation"].queryset = orgs
            self.fields["organisation"].label_from_instance = org_label
            # Every street and community in the user's area: searched on the server.
            pickers.attach(self.fields["organisation"], "platform-organisations")
        else:
            del self.fields["organisation"]
            del self.fields["status"]
            del self.fields["on"]
            orgs = Organisation.objects.filter(path__startswith=self.instance.organisation.path)
            params = {"platform": self.instance.pk}
        area = area_streets(orgs)
        # The area's liaison rooms and conveners grow with it (a room per street, thousands
        # in a province): searched on the server within these querysets.
        self.fields["liaison_room"].queryset = area_rooms(area)
        self.fields["liaison_room"].label_from_instance = lambda r: r.name
        self.fields["convener"].queryset = area_conveners(area)
        self.fields["convener"].label_from_instance = lambda u: u.display_name
        pickers.attach(self.fields["liaison_room"], "platform-rooms", params)
        pickers.attach(self.fields["convener"], "platform-conveners", params)

    def clean(self):
        data = super().clean()
        if not data.get("convener") and not data.get("convener_name"):
            self.add_error("convener_name", _("请选择召集人账号或填写召集人姓名。"))
        return data


class StatusForm(StyledForm, forms.Form):
    id_prefix = "status"
    to = forms.ChoiceField(label=_("变更为"), choices=Platform.Status.choices)
    on = forms.DateField(label=_("日期"), widget=DateInput(), required=False)
    note = forms.CharField(label=_("说明"), max_length=200, required=False)


class AssignForm(StyledForm, forms.Form):
    id_prefix = "assign"
    member = forms.ModelChoiceField(label=_("委员"), queryset=Member.objects.none())
    since = forms.DateField(label=_("下沉日期"), widget=DateInput(), required=False)
    note = forms.CharField(label=_("备注"), max_length=200, required=False)

    def __init__(self, *args, platform: Platform, **kwargs):
        super().__init__(*args, **kwargs)
        # Members of the committees above the platform, serving now (hundreds to thousands):
        # searched on the server.
        self.fields["member"].queryset = assignable_members(platform)
        self.fields["member"].label_from_instance = member_label
        pickers.attach(self.fields["member"], "platform-members", {"platform": platform.pk})


class SessionForm(StyledForm, forms.ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = PlatformSession
        fields = ["title", "starts_at", "place", "description"]
        widgets = {
            "starts_at": DateTimeInput(),
            "description": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["starts_at"].input_formats = DT_FORMATS


RESPONSIBLE_MAX = 100  # SessionOutcome.responsible


class RecordForm(StyledForm, forms.Form):
    """Minutes, outcomes, participants and (the first time) the members' attendance."""

    version = forms.IntegerField(widget=forms.HiddenInput)
    minutes = forms.CharField(label=_("会议纪要"), widget=forms.Textarea(attrs={"rows": 5}))
    outcomes = forms.CharField(
        label=_("议定事项"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("每行一项；可在“｜”后写责任单位，如：增设非机动车充电桩｜社区居委会"),
    )
    resident_count = forms.IntegerField(label=_("居民代表人数"), min_value=0, initial=0)
    resident_names = forms.CharField(
        label=_("居民代表"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    department_count = forms.IntegerField(label=_("部门人员人数"), min_value=0, initial=0)
    department_names = forms.CharField(
        label=_("部门人员"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    cadre_count = forms.IntegerField(label=_("街道社区干部人数"), min_value=0, initial=0)
    cadre_names = forms.CharField(
        label=_("街道社区干部"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, members=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.members = list(members)
        for member in self.members:
            self.fields[f"att_{member.pk}"] = forms.ChoiceField(
                label=member.name,
                choices=SessionAttendance.State.choices,
                initial=SessionAttendance.State.PRESENT,
                widget=forms.RadioSelect,
            )
        for field in self.fields.values():
            if isinstance(field.widget, forms.RadioSelect):
                field.widget.attrs["class"] = "form-check-input"

    def clean_outcomes(self):
        items = []
        for line in self.cleaned_data["outcomes"].splitlines():
            text, _sep, responsible = line.replace("|", "｜").partition("｜")
            if text.strip():
                # Said, not cut: the public page showed the responsible bodies shortened.
                if len(responsible.strip()) > RESPONSIBLE_MAX:
                    raise forms.ValidationError(
                        _("第%(n)s项的责任单位超过%(max)s字，请精简。")
                        % {"n": len(items) + 1, "max": RESPONSIBLE_MAX}
                    )
                items.append((text.strip(), responsible.strip()))
        if not items:
            raise forms.ValidationError(_("请至少填写一项议定事项。"))
        return items

    def attendance(self) -> dict:
        return {m: self.cleaned_data[f"att_{m.pk}"] for m in self.members}

    def attendance_fields(self):
        return [self[f"att_{m.pk}"] for m in self.members]

    def record_fields(self):
        return [
            self[name] for name in self.fields if name != "version" and not name.startswith("att_")
        ]


class ApproveForm(StyledForm, forms.Form):
    note = forms.CharField(label=_("审定意见"), max_length=500, required=False)


class CancelForm(StyledForm, forms.Form):
    reason = forms.CharField(label=_("取消原因"), max_length=200)


class RegisterFilter(forms.Form):
    """The register's filter; a value the form refuses is a 400 naming the field."""

    status = forms.ChoiceField(
        label=_("状态"), choices=[("", _("全部"))] + list(Platform.Status.choices), required=False
    )
    level = forms.ChoiceField(
        label=_("层级"),
        choices=[("", _("全部")), ("street", _("街道")), ("community", _("社区（村）"))],
        required=False,
    )
    street = forms.ModelChoiceField(
        label=_("街道"),
        queryset=Organisation.objects.none(),
        required=False,
        empty_label=_("全部街道"),
    )

    def __init__(self, *args, streets, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["street"].queryset = streets
        # Every street the user's register reaches (thousands in a province): searched on
        # the server within this queryset, which validates the filter.
        self.fields["street"].label_from_instance = lambda o: o.name
        pickers.attach(self.fields["street"], "platform-streets")
        for field in self.fields.values():
            field.widget.attrs["class"] = "form-select form-select-sm"

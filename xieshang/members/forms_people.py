"""Forms of the pages around the members: talks and visits (C3.3), Party groups (C6.2),
conveners (C5.5). They validate everything and keep what the user typed when refused."""

import datetime as dt

from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from xieshang.core import access
from xieshang.core.forms import style_widgets as style
from xieshang.core.models import User
from xieshang.orgs.models import Department, Level, Organisation, Party, Sector, Term

from . import selectors
from .models import ContactKind, Member, Membership, PartyGroup

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class OrganisationForm(forms.Form):
    """Which committee a page is about, for users who work for several."""

    organisation = forms.ModelChoiceField(
        label=gettext_lazy("政协"), queryset=None, required=False, empty_label=None
    )

    def __init__(self, data, *, user, perm: str):
        super().__init__(data)
        self.fields["organisation"].queryset = selectors.cppcc_organisations(user, perm)
        style(self)

    def selected(self) -> Organisation | None:
        if self.is_bound and self.is_valid() and self.cleaned_data["organisation"]:
            return self.cleaned_data["organisation"]
        return self.fields["organisation"].queryset.first()


def _seated_members(orgs) -> "forms.QuerySet":
    """Members with an active seat in the current term of one of `orgs`."""
    return (
        Member.objects.filter(
            memberships__term__in=selectors.current_terms(orgs),
            memberships__status=Membership.Status.ACTIVE,
        )
        .select_related("organisation")
        .distinct()
        .order_by("stroke_key", "id")
    )


def _staff_users(orgs):
    return (
        User.objects.filter(role_assignments__organisation__in=orgs, is_active=True)
        .exclude(role_assignments__role="member")
        .distinct()
        .order_by("full_name", "id")
    )


# --- Talks and visits ----------------------------------------------------------------------


class ContactFilterForm(forms.Form):
    year = forms.TypedChoiceField(label=gettext_lazy("年度"), coerce=int, required=False)
    kind = forms.ChoiceField(label=gettext_lazy("方式"), required=False)
    sector = forms.ModelChoiceField(
        label=gettext_lazy("界别"),
        queryset=None,
        required=False,
        empty_label=gettext_lazy("全部界别"),
    )
    q = forms.CharField(label=gettext_lazy("委员姓名"), required=False, max_length=50)

    def __init__(self, data, *, user, perm: str = "members.contacts"):
        super().__init__(data)
        this_year = timezone.localdate().year
        self.fields["year"].choices = [("", _("全部年度"))] + [
            (y, str(y)) for y in range(this_year, this_year - 6, -1)
        ]
        self.fields["kind"].choices = [("", _("全部方式")), *ContactKind.choices]
        orgs = access.organisations(user, perm)
        self.fields["sector"].queryset = Sector.objects.filter(organisation__in=orgs)
        style(self)


class ContactForm(forms.Form):
    member = forms.ModelChoiceField(label=gettext_lazy("委员"), queryset=None)
    kind = forms.ChoiceField(label=gettext_lazy("方式"), choices=[("", "—"), *ContactKind.choices])
    date = forms.DateField(label=gettext_lazy("日期"), widget=DATE)
    by_name = forms.CharField(
        label=gettext_lazy("谈话（走访）人"),
        max_length=100,
        help_text=gettext_lazy("领导或工作人员的姓名、职务，多人用顿号分隔"),
    )
    by_user = forms.ModelChoiceField(
        label=gettext_lazy("谈话（走访）人账号"),
        queryset=None,
        required=False,
        empty_label="—",
        help_text=gettext_lazy("选填"),
    )
    place = forms.CharField(label=gettext_lazy("地点"), max_length=100, required=False)
    topic = forms.CharField(label=gettext_lazy("主题"), max_length=200)
    raised = forms.CharField(
        label=gettext_lazy("委员反映的问题和意见"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    follow_up = forms.CharField(
        label=gettext_lazy("后续办理"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    followup_department = forms.ModelChoiceField(
        label=gettext_lazy("交承办单位书面反馈"),
        queryset=None,
        required=False,
        empty_label=gettext_lazy("不交办"),
        help_text=gettext_lazy("选择承办单位后，将生成督办事项，请其按期书面反馈"),
    )
    followup_days = forms.IntegerField(
        label=gettext_lazy("反馈期限（工作日）"), min_value=1, max_value=60, initial=10
    )

    def __init__(self, data=None, *, user, initial=None):
        super().__init__(data, initial=initial)
        orgs = selectors.cppcc_organisations(user, "members.contacts")
        self.fields["member"].queryset = _seated_members(orgs)
        if orgs.count() > 1:
            self.fields["member"].label_from_instance = lambda m: f"{m.name}（{m.organisation}）"
        self.fields["by_user"].queryset = _staff_users(
            access.organisations(user, "members.contacts")
        )
        self.fields["by_user"].label_from_instance = lambda u: u.full_name or u.username
        self.fields["followup_department"].queryset = Department.objects.filter(
            organisation__in=orgs, is_active=True
        )
        style(self)

    def clean_date(self):
        value = self.cleaned_data["date"]
        if value > timezone.localdate():
            raise forms.ValidationError(_("日期不能晚于今天。"))
        if value < dt.date(2000, 1, 1):
            raise forms.ValidationError(_("日期有误。"))
        return value

    def clean(self):
        data = super().clean()
        member, dept = data.get("member"), data.get("followup_department")
        if member and dept and not member.organisation.path.startswith(dept.organisation.path):
            self.add_error("followup_department", _("承办单位不属于该委员所在政协。"))
        if dept and not (data.get("raised") or data.get("follow_up") or "").strip():
            self.add_error("raised", _("交办承办单位时，请填写委员反映的问题。"))
        return data


# --- Party groups -------------------------------------------------------------------------


def _cpc_members(term: Term):
    return Member.objects.filter(
        memberships__term=term,
        memberships__status=Membership.Status.ACTIVE,
        memberships__party__kind=Party.Kind.CPC,
    ).order_by("stroke_key", "id")


class PartyGroupForm(forms.Form):
    name = forms.CharField(
        label=gettext_lazy("党小组名称"),
        max_length=50,
        error_messages={"required": gettext_lazy("请填写党小组名称。")},
    )
    leader = forms.ModelChoiceField(
        label=gettext_lazy("组长"),
        queryset=None,
        required=False,
        empty_label="—",
        help_text=gettext_lazy("本届中共党员委员"),
    )

    def __init__(self, data=None, *, term: Term):
        super().__init__(data)
        self.term = term
        self.fields["leader"].queryset = _cpc_members(term)
        style(self)

    def clean_name(self):
        name = self.cleaned_data["name"].strip()
        if PartyGroup.objects.filter(term=self.term, name=name).exists():
            raise forms.ValidationError(_("本届已有名为“%(name)s”的党小组。") % {"name": name})
        return name


class AssignForm(forms.Form):
    seat = forms.ModelChoiceField(label=gettext_lazy("委员"), queryset=None)
    group = forms.ModelChoiceField(label=gettext_lazy("编入党小组"), queryset=None)

    def __init__(self, data=None, *, term: Term, initial=None):
        super().__init__(data, initial=initial)
        from .partygroups import assignable_seats

        self.fields["seat"].queryset = assignable_seats(term)
        no_party = _("党派未填写")
        self.fields["seat"].label_from_instance = lambda s: (
            f"{s.member.name}（{s.party or no_party}）"
        )
        self.fields["group"].queryset = PartyGroup.objects.filter(term=term).order_by("name")
        style(self)


# --- Conveners ----------------------------------------------------------------------------


class ConvenerForm(forms.Form):
    convener = forms.ModelChoiceField(label=gettext_lazy("召集人"), queryset=None)
    note = forms.CharField(label=gettext_lazy("备注"), max_length=200, required=False)

    def __init__(self, data=None, *, term: Term, initial=None):
        super().__init__(data, initial=initial)
        self.fields["convener"].queryset = Member.objects.filter(
            memberships__term=term, memberships__status=Membership.Status.ACTIVE
        ).order_by("stroke_key", "id")
        style(self)


class ResidentForm(forms.Form):
    """A provincial or city member living in the district: chosen among the sitting members
    of the committees above it."""

    member = forms.ModelChoiceField(label=gettext_lazy("上级政协委员"), queryset=None)

    def __init__(self, data=None, *, organisation: Organisation):
        super().__init__(data)
        above = Organisation.objects.filter(pk__in=organisation.ancestor_ids()).exclude(
            pk=organisation.pk
        )
        self.fields["member"].queryset = (
            _seated_members(above)
            .exclude(residences__organisation=organisation)
            .order_by("organisation__path", "stroke_key", "id")
        )
        self.fields["member"].label_from_instance = lambda m: f"{m.name}（{m.organisation}）"
        style(self)


class StreetConvenerForm(forms.Form):
    street = forms.ModelChoiceField(label=gettext_lazy("街道（乡镇）"), queryset=None)
    name = forms.CharField(
        label=gettext_lazy("召集人姓名"),
        max_length=50,
        error_messages={"required": gettext_lazy("请填写召集人姓名。")},
    )
    title = forms.CharField(
        label=gettext_lazy("职务"),
        max_length=100,
        required=False,
        help_text=gettext_lazy("一般为街道党工委副书记"),
    )
    user = forms.ModelChoiceField(
        label=gettext_lazy("登录账号"), queryset=None, required=False, empty_label="—"
    )

    def __init__(self, data=None, *, organisation: Organisation, initial=None):
        super().__init__(data, initial=initial)
        streets = Organisation.objects.filter(
            level=Level.STREET, path__startswith=organisation.path
        ).order_by("path")
        self.fields["street"].queryset = streets
        self.fields["user"].queryset = _staff_users(
            Organisation.objects.filter(path__startswith=organisation.path)
        )
        self.fields["user"].label_from_instance = lambda u: u.full_name or u.username
        style(self)


class ActivityForm(forms.Form):
    street = forms.ModelChoiceField(
        label=gettext_lazy("召集人"),
        queryset=None,
        required=False,
        empty_label=gettext_lazy("住区上级政协委员召集人"),
        help_text=gettext_lazy("选择街道，记为该街道政协工作召集人组织的活动"),
    )
    date = forms.DateField(label=gettext_lazy("日期"), widget=DATE)
    title = forms.CharField(label=gettext_lazy("活动名称"), max_length=200)
    place = forms.CharField(label=gettext_lazy("地点"), max_length=100, required=False)
    participants = forms.IntegerField(
        label=gettext_lazy("参加人数"), min_value=0, max_value=10000, required=False
    )
    summary = forms.CharField(
        label=gettext_lazy("活动情况"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, data=None, *, organisation: Organisation):
        super().__init__(data)
        self.fields["street"].queryset = Organisation.objects.filter(
            Q(level=Level.STREET) & Q(path__startswith=organisation.path)
        ).order_by("path")
        style(self)

    def clean_date(self):
        value = self.cleaned_data["date"]
        if value > timezone.localdate() + dt.timedelta(days=366):
            raise forms.ValidationError(_("日期有误。"))
        return value

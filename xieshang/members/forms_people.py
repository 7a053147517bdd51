"""Forms of the pages around the members: talks and visits (C3.3), Party groups (C6.2),
conveners (C5.5). They validate everything and keep what the user typed when refused."""

import datetime as dt

from django import forms
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from xieshang.core import access, pickers
from xieshang.core.forms import style_widgets as style
from xieshang.core.models import User
from xieshang.core.text import aside
from xieshang.core.validators import not_after_today
from xieshang.core.widgets import DateInput
from xieshang.orgs.models import (
    Department,
    Level,
    Organisation,
    Party,
    Role,
    RoleAssignment,
    Sector,
    Term,
)

from . import selectors
from .labels import member_label, with_label_data
from .models import ContactKind, Member, Membership, PartyGroup


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


def seated_members(orgs) -> "forms.QuerySet":
    """Members with an active seat in the current term of one of `orgs`."""
    return with_label_data(
        Member.objects.filter(
            memberships__term__in=selectors.current_terms(orgs),
            memberships__status=Membership.Status.ACTIVE,
        )
        .distinct()
        .order_by("stroke_key", "id")
    )


def staff_users(orgs):
    """Active accounts with a staff role (a role other than 政协委员) in one of `orgs` (the
    talk's interviewer, a street's convener account). An account that is also a 政协委员 —
    there or anywhere — is offered all the same, as the consultation leader-account picker
    does (`consultation.selectors.leader_accounts`); one with only the member role is not."""
    staff = RoleAssignment.objects.filter(organisation__in=orgs).exclude(role=Role.MEMBER)
    return User.objects.filter(is_active=True, pk__in=staff.values("user_id")).order_by(
        "full_name", "id"
    )


def user_label(user) -> str:
    return user.full_name or user.username


def streets_under(organisation: Organisation):
    return Organisation.objects.filter(
        level=Level.STREET, path__startswith=organisation.path
    ).order_by("path")


def term_members(term: Term):
    """Members with an active seat in `term` (the convener is one of them)."""
    return with_label_data(
        Member.objects.filter(
            memberships__term=term, memberships__status=Membership.Status.ACTIVE
        ).order_by("stroke_key", "id")
    )


def resident_candidates(organisation: Organisation):
    """Sitting members of the committees above `organisation` not yet listed as living in it."""
    above = Organisation.objects.filter(pk__in=organisation.ancestor_ids()).exclude(
        pk=organisation.pk
    )
    return (
        seated_members(above)
        .exclude(residences__organisation=organisation)
        .order_by("organisation__path", "stroke_key", "id")
    )


def seat_label(seat) -> str:
    party = seat.party or _("党派未填写")
    return aside(seat.member.name, party)


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
        self.fields["sector"].queryset = Sector.objects.filter(
            organisation__in=orgs
        ).select_related("organisation")
        # Sectors of every committee in scope (thousands for a province office): searched on
        # the server by the members list's own source, labelled alike.
        multi = selectors.cppcc_organisations(user, perm).count() > 1
        params = {"perm": perm, **({"multi": "1"} if multi else {})}
        if multi:
            self.fields["sector"].label_from_instance = lambda o: aside(o, o.organisation)
        pickers.attach(self.fields["sector"], "member-sectors", params)
        style(self)


def contact_departments(orgs):
    return (
        Department.objects.filter(organisation__in=orgs, is_active=True)
        .select_related("organisation")
        .order_by("organisation__path", "sort_order", "name")
    )


def department_label(multi: bool):
    return (lambda d: f"{d.organisation.name} · {d.name}") if multi else (lambda d: d.name)


class ContactForm(forms.Form):
    member = forms.ModelChoiceField(label=pgettext_lazy("one member", "委员"), queryset=None)
    kind = forms.ChoiceField(label=gettext_lazy("方式"), choices=[("", "—"), *ContactKind.choices])
    date = forms.DateField(
        label=gettext_lazy("日期"), widget=DateInput(), validators=[not_after_today]
    )
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
        multi = orgs.count() > 1
        params = {"multi": "1"} if multi else {}
        # Members, accounts and units grow with the committees in scope: searched on the
        # server (members/picker_sources.py) within these querysets, which validate the post.
        self.fields["member"].queryset = seated_members(orgs)
        self.fields["member"].label_from_instance = member_label
        self.fields["by_user"].queryset = staff_users(
            access.organisations(user, "members.contacts")
        )
        self.fields["by_user"].label_from_instance = user_label
        self.fields["followup_department"].queryset = contact_departments(orgs)
        self.fields["followup_department"].label_from_instance = department_label(multi)
        pickers.attach(self.fields["member"], "contact-members", params)
        pickers.attach(self.fields["by_user"], "contact-users")
        pickers.attach(self.fields["followup_department"], "contact-departments", params)
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


def cpc_members(term: Term):
    return with_label_data(
        Member.objects.filter(
            memberships__term=term,
            memberships__status=Membership.Status.ACTIVE,
            memberships__party__kind=Party.Kind.CPC,
        ).order_by("stroke_key", "id")
    )


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
        self.fields["leader"].queryset = cpc_members(term)
        self.fields["leader"].label_from_instance = member_label
        pickers.attach(
            self.fields["leader"], "party-leaders", {"organisation": term.organisation_id}
        )
        style(self)

    def clean_name(self):
        name = self.cleaned_data["name"].strip()
        if PartyGroup.objects.filter(term=self.term, name=name).exists():
            raise forms.ValidationError(_("本届已有名为“%(name)s”的党小组。") % {"name": name})
        return name


class AssignForm(forms.Form):
    seat = forms.ModelChoiceField(label=pgettext_lazy("one member", "委员"), queryset=None)
    group = forms.ModelChoiceField(label=gettext_lazy("编入党小组"), queryset=None)

    def __init__(self, data=None, *, term: Term, initial=None):
        super().__init__(data, initial=initial)
        from .partygroups import assignable_seats

        self.fields["seat"].queryset = assignable_seats(term)
        self.fields["seat"].label_from_instance = seat_label
        # Every active seat of the term (hundreds): searched on the server. The term's Party
        # groups are few and stay a plain list.
        pickers.attach(self.fields["seat"], "party-seats", {"organisation": term.organisation_id})
        self.fields["group"].queryset = PartyGroup.objects.filter(term=term).order_by("name")
        style(self)


# --- Conveners ----------------------------------------------------------------------------


class ConvenerForm(forms.Form):
    convener = forms.ModelChoiceField(label=gettext_lazy("召集人"), queryset=None)
    note = forms.CharField(label=gettext_lazy("备注"), max_length=200, required=False)

    def __init__(self, data=None, *, term: Term, initial=None):
        super().__init__(data, initial=initial)
        self.fields["convener"].queryset = term_members(term)
        self.fields["convener"].label_from_instance = member_label
        pickers.attach(
            self.fields["convener"], "convener-members", {"organisation": term.organisation_id}
        )
        style(self)


class ResidentForm(forms.Form):
    """A provincial or city member living in the district: chosen among the sitting members
    of the committees above it."""

    member = forms.ModelChoiceField(label=gettext_lazy("上级政协委员"), queryset=None)

    def __init__(self, data=None, *, organisation: Organisation):
        super().__init__(data)
        self.fields["member"].queryset = resident_candidates(organisation)
        self.fields["member"].label_from_instance = member_label
        pickers.attach(
            self.fields["member"], "convener-residents", {"organisation": organisation.pk}
        )
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
        params = {"organisation": organisation.pk}
        self.fields["street"].queryset = streets_under(organisation)
        self.fields["user"].queryset = staff_users(
            Organisation.objects.filter(path__startswith=organisation.path)
        )
        self.fields["user"].label_from_instance = user_label
        pickers.attach(self.fields["street"], "convener-streets", params)
        pickers.attach(self.fields["user"], "convener-users", params)
        style(self)


class ActivityForm(forms.Form):
    street = forms.ModelChoiceField(
        label=gettext_lazy("召集人"),
        queryset=None,
        required=False,
        empty_label=gettext_lazy("住区上级政协委员召集人"),
        help_text=gettext_lazy("选择街道，记为该街道政协工作召集人组织的活动"),
    )
    date = forms.DateField(
        label=gettext_lazy("日期"), widget=DateInput(), validators=[not_after_today]
    )
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
        self.fields["street"].queryset = streets_under(organisation)
        pickers.attach(self.fields["street"], "convener-streets", {"organisation": organisation.pk})
        style(self)

    def clean_date(self):
        value = self.cleaned_data["date"]
        if value > timezone.localdate() + dt.timedelta(days=366):
            raise forms.ValidationError(_("日期有误。"))
        return value

"""Forms of the members pages. They validate everything; services trust what they get."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from xieshang.core import pickers
from xieshang.core.forms import style_widgets as style
from xieshang.core.text import aside
from xieshang.core.widgets import DateInput
from xieshang.orgs.models import ActivityGroup, Committee, Level, Organisation, Party, Sector

from . import selectors, validators
from .models import Category, Gender, Member, Membership
from .services import MEMBER_FIELDS, MemberInput


def _org_label(obj, multi: bool) -> str:
    return aside(obj, obj.organisation) if multi else str(obj)


class MemberFilterForm(forms.Form):
    """The list's filters; unknown or foreign ids are simply refused by the choices."""

    q = forms.CharField(label=gettext_lazy("姓名或单位"), required=False, max_length=50)
    term = forms.ModelChoiceField(
        label=gettext_lazy("届次"), queryset=None, required=False, empty_label=gettext_lazy("本届")
    )
    sector = forms.ModelChoiceField(
        label=gettext_lazy("界别"),
        queryset=None,
        required=False,
        empty_label=gettext_lazy("全部界别"),
    )
    party = forms.ModelChoiceField(
        label=gettext_lazy("党派"),
        queryset=None,
        required=False,
        empty_label=gettext_lazy("全部党派"),
    )
    committee = forms.ModelChoiceField(
        label=gettext_lazy("专委会"),
        queryset=None,
        required=False,
        empty_label=gettext_lazy("全部专委会"),
    )
    group = forms.ModelChoiceField(
        label=gettext_lazy("活动小组"),
        queryset=None,
        required=False,
        empty_label=gettext_lazy("全部小组"),
    )
    status = forms.ChoiceField(
        label=gettext_lazy("状态"),
        required=False,
        choices=[("", gettext_lazy("全部状态")), *Membership.Status.choices],
    )
    order = forms.ChoiceField(
        label=gettext_lazy("排序"),
        required=False,
        choices=[("stroke", gettext_lazy("姓氏笔画排序")), ("pinyin", gettext_lazy("拼音排序"))],
    )

    def __init__(self, data, *, user, perm: str = "members.view"):
        super().__init__(data)
        choices = selectors.filter_choices(user, perm)
        # Labels show the organisation only for users who see several.
        multi = selectors.cppcc_organisations(user, perm).count() > 1
        # These grow with the organisation tree (about 5,000 choices for a province office):
        # searched on the server (core.pickers, members/picker_sources.py), never listed.
        params = {"perm": perm, **({"multi": "1"} if multi else {})}
        for name, key in (
            ("term", "terms"),
            ("sector", "sectors"),
            ("committee", "committees"),
            ("group", "groups"),
        ):
            self.fields[name].queryset = choices[key]
            self.fields[name].label_from_instance = lambda o, m=multi: _org_label(o, m)
            pickers.attach(self.fields[name], f"member-{key}", params)
        self.fields["party"].queryset = choices["parties"]
        style(self)

    def to_filter(self) -> selectors.MemberFilter:
        if not self.is_valid():
            return selectors.MemberFilter(term=-1)  # a bad filter shows nothing, not everything
        d = self.cleaned_data
        return selectors.MemberFilter(
            term=d["term"].pk if d["term"] else None,
            sector=d["sector"].pk if d["sector"] else None,
            party=d["party"].pk if d["party"] else None,
            committee=d["committee"].pk if d["committee"] else None,
            group=d["group"].pk if d["group"] else None,
            status=d["status"] or "",
            q=(d["q"] or "").strip(),
            order=d["order"] or "stroke",
        )


def member_streets(orgs):
    """The streets under any of the committees `orgs`: where a member of theirs may live."""
    streets = Organisation.objects.none()
    for org in orgs:
        streets |= Organisation.objects.filter(level=Level.STREET, path__startswith=org.path)
    return streets.order_by("path")


class MemberForm(forms.Form):
    """A member and their seat in the current term of their committee, in one form."""

    organisation = forms.ModelChoiceField(label=gettext_lazy("所属政协"), queryset=None)
    name = forms.CharField(
        label=gettext_lazy("姓名"),
        max_length=50,
        error_messages={"required": gettext_lazy("请填写姓名。")},
    )
    gender = forms.ChoiceField(label=gettext_lazy("性别"), choices=[("", "—"), *Gender.choices])
    ethnicity = forms.CharField(label=gettext_lazy("民族"), max_length=20, initial="汉族")
    birth_date = forms.DateField(
        label=gettext_lazy("出生日期"),
        required=False,
        widget=DateInput(),
        help_text=gettext_lazy("不填则按身份证号填写"),
    )
    id_number = forms.CharField(label=gettext_lazy("身份证号"), max_length=18, required=False)
    phone = forms.CharField(label=gettext_lazy("手机号码"), max_length=20, required=False)
    address = forms.CharField(label=gettext_lazy("家庭住址"), max_length=200, required=False)
    employer = forms.CharField(label=gettext_lazy("工作单位及职务"), max_length=200, required=False)
    education = forms.CharField(label=gettext_lazy("学历"), max_length=20, required=False)
    email = forms.EmailField(label=gettext_lazy("电子邮箱"), required=False)
    street = forms.ModelChoiceField(
        label=gettext_lazy("居住街道"), queryset=None, required=False, empty_label="—"
    )
    sector = forms.ModelChoiceField(label=gettext_lazy("界别"), queryset=None, empty_label="—")
    party = forms.ModelChoiceField(
        label=gettext_lazy("党派"), queryset=Party.objects.all(), empty_label="—"
    )
    categories = forms.MultipleChoiceField(
        label=gettext_lazy("联系类别"),
        choices=Category.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    committees = forms.ModelMultipleChoiceField(
        label=gettext_lazy("所在专委会"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    activity_group = forms.ModelChoiceField(
        label=gettext_lazy("活动小组"), queryset=None, required=False, empty_label="—"
    )
    is_standing = forms.BooleanField(label=gettext_lazy("常委"), required=False)
    position = forms.CharField(label=gettext_lazy("政协职务"), max_length=50, required=False)
    # 增补: the day the seat began when it was added during the term (the standing
    # committee's decision), checked against the term in `clean`.
    start_date = forms.DateField(
        label=gettext_lazy("任职开始日期"),
        required=False,
        widget=DateInput(),
        help_text=gettext_lazy("届中增补的委员填写增补日期；不填表示自本届开始任职"),
        error_messages={"invalid": gettext_lazy("请按“2024-03-15”的格式填写日期。")},
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, data=None, *, user, member: Member | None = None):
        self.member = member
        initial = self._initial(member) if member else {}
        super().__init__(data, initial=initial)
        if member is not None:
            orgs = Organisation.objects.filter(pk=member.organisation_id)
        else:
            orgs = selectors.cppcc_organisations(user, "members.edit")
        self.fields["organisation"].queryset = orgs
        org_list = list(orgs)
        if len(org_list) == 1:
            self.fields["organisation"].initial = org_list[0].pk
            self.fields["organisation"].widget = forms.HiddenInput()
            if member is None:
                # A member added once the term has begun is most often co-opted (增补) now:
                # the date is offered filled in, and emptied for a catch-up entry.
                term = selectors.current_term(org_list[0])
                today = timezone.localdate()
                if term is not None and term.start_date < today:
                    self.fields["start_date"].initial = today
        multi = len(org_list) > 1
        self.fields["sector"].queryset = Sector.objects.filter(organisation__in=orgs)
        self.fields["committees"].queryset = Committee.objects.filter(organisation__in=orgs)
        self.fields["activity_group"].queryset = ActivityGroup.objects.filter(organisation__in=orgs)
        self.fields["street"].queryset = member_streets(org_list)
        if multi:
            for name in ("sector", "committees", "activity_group"):
                self.fields[name].queryset = self.fields[name].queryset.select_related(
                    "organisation"
                )
                self.fields[name].label_from_instance = lambda o: _org_label(o, True)
        # Sectors, activity groups and streets grow with the committees in scope (thousands
        # for a province office): searched on the server (members/picker_sources.py), of the
        # one committee when the form knows it; these querysets validate the post.
        if multi:
            params = {"multi": "1"}
            # One committee's special committees are a few checkboxes; several committees'
            # are a picker.
            pickers.attach(self.fields["committees"], "member-form-committees", params)
            self.fields["organisation"].label_from_instance = lambda o: o.name
            pickers.attach(
                self.fields["organisation"],
                "organisations",
                {"perm": "members.edit", "level": ",".join(selectors.CPPCC_LEVELS)},
            )
        else:
            params = {"organisation": org_list[0].pk} if org_list else {}
        pickers.attach(self.fields["sector"], "member-form-sectors", params)
        pickers.attach(self.fields["activity_group"], "member-form-groups", params)
        pickers.attach(self.fields["street"], "member-form-streets", params)
        self.fields["name"].widget.attrs["autocomplete"] = "off"
        style(self)

    @staticmethod
    def _initial(member: Member) -> dict:
        initial = {name: getattr(member, name) for name in MEMBER_FIELDS}
        initial["organisation"] = member.organisation_id
        initial["version"] = member.version
        term = selectors.current_term(member.organisation)
        seat = Membership.objects.filter(member=member, term=term).first() if term else None
        if seat is not None:
            initial.update(
                sector=seat.sector_id,
                party=seat.party_id,
                activity_group=seat.activity_group_id,
                is_standing=seat.is_standing,
                position=seat.position,
                start_date=seat.start_date,
                committees=list(seat.committees.values_list("pk", flat=True)),
                categories=list(seat.categories.values_list("category", flat=True)),
            )
        return initial

    def clean_name(self):
        return validators.validate_chinese_name(self.cleaned_data.get("name", ""))

    def clean_id_number(self):
        value = self.cleaned_data.get("id_number", "")
        if not value.strip():
            return ""
        return validators.validate_id_number(value)

    def clean_phone(self):
        return validators.validate_mobile(self.cleaned_data.get("phone", ""))

    def clean(self):
        data = super().clean()
        org = data.get("organisation")
        if org is None:
            return data
        self.term = selectors.current_term(org)
        if self.term is None:
            raise forms.ValidationError(_("该政协尚未设置届次，请先由系统管理员添加本届。"))
        for name in ("sector", "activity_group"):
            value = data.get(name)
            if value is not None and value.organisation_id != org.pk:
                self.add_error(name, _("所选项不属于该政协。"))
        for committee in data.get("committees") or []:
            if committee.organisation_id != org.pk:
                self.add_error("committees", _("所选项不属于该政协。"))
                break
        if data.get("start_date") is not None:
            try:
                validators.validate_seat_start(data["start_date"], self.term)
            except forms.ValidationError as exc:
                self.add_error("start_date", exc)
        street = data.get("street")
        if street is not None and not street.path.startswith(org.path):
            self.add_error("street", _("所选街道不在该政协辖区内。"))
        id_number = data.get("id_number")
        if id_number:
            others = Member.objects.filter(organisation=org, id_number=id_number)
            if self.member is not None:
                others = others.exclude(pk=self.member.pk)
            if others.exists():
                self.add_error("id_number", _("该身份证号已登记在本政协的其他委员名下。"))
            gender = data.get("gender")
            if gender and validators.id_number_gender(id_number) != gender:
                self.add_error("gender", _("性别与身份证号不符。"))
            birth = validators.id_number_birth_date(id_number)
            if data.get("birth_date") is None:
                data["birth_date"] = birth
            elif data["birth_date"] != birth:
                self.add_error("birth_date", _("出生日期与身份证号不符。"))
        if self.member is not None and data.get("version") is None:
            raise forms.ValidationError(_("表单已过期，请刷新页面后重新填写。"))
        return data

    def to_input(self) -> MemberInput:
        d = self.cleaned_data
        return MemberInput(
            member={name: d.get(name) if d.get(name) is not None else "" for name in MEMBER_FIELDS}
            | {"street": d.get("street"), "birth_date": d.get("birth_date")},
            seat={
                "sector": d.get("sector"),
                "party": d.get("party"),
                "activity_group": d.get("activity_group"),
                "is_standing": bool(d.get("is_standing")),
                "position": d.get("position", ""),
                # Always given: empty is "from the term's start", not `_new_seat`'s today.
                "start_date": d.get("start_date"),
            },
            committees=list(d.get("committees") or []),
            categories=list(d.get("categories") or []),
        )


class StatusForm(forms.Form):
    """An exit (C5.10): resignation, revocation or term end, with date and reason."""

    to = forms.ChoiceField(
        label=gettext_lazy("变更为"),
        choices=[
            (Membership.Status.RESIGNED, Membership.Status.RESIGNED.label),
            (Membership.Status.REVOKED, Membership.Status.REVOKED.label),
            (Membership.Status.TERM_ENDED, Membership.Status.TERM_ENDED.label),
        ],
    )
    on_date = forms.DateField(
        label=gettext_lazy("日期"),
        widget=DateInput(),
        # Today on the product's clock (Beijing time), not the server's: after 16:00 UTC
        # the server's date is still yesterday's.
        initial=timezone.localdate,
    )
    reason = forms.CharField(label=gettext_lazy("原因"), max_length=200)

    def clean_on_date(self):
        # An exit the office records has happened: the seat ends now, its invitations to
        # meetings ahead are withdrawn, and a later date would count the member in the
        # evaluations of years they did not serve.
        on_date = self.cleaned_data["on_date"]
        if on_date > timezone.localdate():
            raise forms.ValidationError(_("退出日期不能晚于今天。"))
        return on_date

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style(self)


class ImportForm(forms.Form):
    organisation = forms.ModelChoiceField(label=gettext_lazy("导入到"), queryset=None)
    file = forms.FileField(
        label=gettext_lazy("Excel 文件（.xlsx）"),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx"}),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        orgs = selectors.cppcc_organisations(user, "members.import")
        self.fields["organisation"].queryset = orgs
        org_list = list(orgs)
        if len(org_list) == 1:
            self.fields["organisation"].initial = org_list[0].pk
            self.fields["organisation"].widget = forms.HiddenInput()
        style(self)

    def clean_file(self):
        from xieshang.core.uploads import check_upload

        f = self.cleaned_data["file"]
        check_upload(f, "spreadsheet")  # .xlsx by content and name, size limit
        return f

    def clean(self):
        """The row limit, from the sheet's stored size: refused here in a second rather
        than by the worker after a minute."""
        from . import excel, imports

        cleaned = super().clean()
        upload, org = cleaned.get("file"), cleaned.get("organisation")
        self.rows_total = None
        if upload is None or org is None:
            return cleaned
        try:
            self.rows_total = excel.sheet_rows(upload)
        except forms.ValidationError as exc:
            self.add_error("file", exc)
            return cleaned
        limit = imports.max_rows(org)
        if self.rows_total is not None and self.rows_total > limit:
            self.add_error("file", excel.too_many_rows(self.rows_total, limit))
        return cleaned

"""Forms of the administration pages, the audit-log filter and the second-factor pages."""

import datetime as dt

from django import forms
from django.conf import settings
from django.contrib.auth import forms as auth_forms
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.core.validators import RegexValidator
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from xieshang.orgs.models import ADMIN_DUTIES, Committee, Department, Level, Organisation, Role

from . import access, pickers, uploads
from .audit import VERB_LABELS, VERB_MODULES, StaleEdit
from .picker_sources import organisation_label, with_namesakes
from .pii import mask_phone
from .widgets import DateInput, with_pinyin

# Prefix filters offered before the single verbs (which every app registers in audit).
VERB_GROUPS = {
    "auth.": _("登录与认证（全部）"),
    "user.": _("账号与角色（全部）"),
    "pii.": _("个人信息（全部）"),
}


DASHES = "---------"  # Django's label of the empty choice


def _name_the_empty_choice(field: forms.Field) -> None:
    """Django's "---------" said in words: 请选择 where a choice is required, （无） where
    none is a valid answer. Filter forms name theirs themselves (全部, 全部界别…)."""
    if not isinstance(field, forms.ChoiceField) or isinstance(field, forms.MultipleChoiceField):
        return
    label = _("请选择") if field.required else _("（无）")
    if isinstance(field, forms.ModelChoiceField):
        if field.empty_label == DASHES:
            field.empty_label = label
        return
    choices = list(field.choices)
    if choices and choices[0][0] == "" and str(choices[0][1]) == DASHES:
        field.choices = [("", label), *choices[1:]]


def style_widgets(form: forms.BaseForm) -> None:
    """Bootstrap classes on every widget, so templates render fields plainly (and no inline
    styles are ever needed: the CSP forbids them). One place for every form in the app.

    Selects of model choices (departments, members, organisations…) also get the pinyin of
    each option, which the search-as-you-type pickers (static/xs/pickers.js) match on."""
    for field in form.fields.values():
        if isinstance(field, forms.ModelChoiceField):
            field.widget = with_pinyin(field.widget)
        _name_the_empty_choice(field)
        widget = field.widget
        if isinstance(
            widget, forms.CheckboxInput | forms.RadioSelect | forms.CheckboxSelectMultiple
        ):
            css = "form-check-input"
        elif isinstance(widget, forms.Select):
            css = "form-select"
        else:
            css = "form-control"
        widget.attrs.setdefault("class", css)


def one_char_line_breaks(form: forms.BaseForm) -> None:
    """A browser sends a textarea's line breaks as CRLF, while the writer and the page's
    counter (最多N字, static/xs/proposals.js) see one character each: the text is taken with
    LF breaks, so every length rule (max_length, a body limit) counts what the writer sees,
    and the text is stored with one character a break."""
    if not form.is_bound:
        return
    names = [
        form.add_prefix(name)
        for name, field in form.fields.items()
        if isinstance(field.widget, forms.Textarea)
    ]
    if not any("\r" in value for name in names for value in _values(form.data, name)):
        return
    data = form.data.copy()
    for name in names:
        values = [value.replace("\r\n", "\n") for value in _values(form.data, name)]
        if hasattr(data, "setlist"):
            data.setlist(name, values)
        elif values:
            data[name] = values[0]
    form.data = data


def _values(data, name: str) -> list:
    if hasattr(data, "getlist"):
        return [v for v in data.getlist(name) if isinstance(v, str)]
    value = data.get(name)
    return [value] if isinstance(value, str) else []


class LineBreaksCountOnce:
    """Mixin: a form whose textareas take CRLF as one character (`one_char_line_breaks`).
    Every `StyledForm` has it; a plain form or ModelForm with a counted text lists it first."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        one_char_line_breaks(self)


class StyledForm(LineBreaksCountOnce):
    """Mixin: `class MyForm(StyledForm, forms.Form)` gets Bootstrap classes on its widgets.
    Its textareas count a line break as one character (`LineBreaksCountOnce`).

    A form shown on one page beside another with a field of the same name ("note") sets
    `id_prefix` (on the class, or per instance: `NoteForm(id_prefix="close")`), so that each
    label points at its own field."""

    id_prefix = ""

    def __init__(self, *args, id_prefix: str = "", **kwargs):
        id_prefix = id_prefix or self.id_prefix
        if id_prefix:
            kwargs.setdefault("auto_id", f"id_{id_prefix}_%s")
        super().__init__(*args, **kwargs)
        style_widgets(self)


def add_service_errors(form: forms.BaseForm, exc: Exception, *, again: str | None = None) -> None:
    """Put a service's refusal onto the form the user submitted: a ValidationError with a
    field dict lands on those fields, a stale save as `refuse_stale` says (`again` as
    there), anything else (TransitionError, a plain ValidationError) on top of the form.
    The form keeps the user's input."""
    if isinstance(exc, StaleEdit):
        refuse_stale(form, exc, again=again)
    elif isinstance(exc, ValidationError) and hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    elif isinstance(exc, ValidationError):
        form.add_error(None, exc.messages)
    else:
        form.add_error(None, str(exc))


# Said under a stale save's refusal when the form now carries the current version. The
# other save may be the user's own, in another tab: "the other version", never "theirs".
# For a save of the record itself; an action on a record it does not overwrite (a leader's
# remarks on, or sign-off of, an answer revised meanwhile) says its own way on (`again`).
SAVE_AGAIN = _(
    "以本页内容为准的，请再次保存（将替换另一处保存的内容）；"
    "要先看另一处保存的内容的，请在新窗口打开本记录（本页的填写仍保留）。"
)


def refuse_stale(form: forms.BaseForm, exc: Exception, *, again: str | None = None) -> None:
    """A save refused because the record was saved after this user opened it, in another
    tab or by someone else (`StaleEdit`): the reason on top of the form, what was typed
    kept, and the form now carrying the record's current version
    (`StaleEdit.current_version`). Having looked, the user saves over the other change on
    purpose by submitting again; without it every later submit would be refused the same
    way, and the only way out would be a reload that throws the typing away.

    `again` is what the user does next, said under the reason where the action does not
    overwrite the record (SAVE_AGAIN otherwise, and nothing when no version is carried)."""
    current = getattr(exc, "current_version", None)
    if current is None or not form.is_bound or "version" not in form.fields:
        # Nothing to carry: the user reloads to see the other change (or, with `again`,
        # the page shown again already shows it).
        form.add_error(None, [str(exc), again] if again else str(exc))
        return
    form.add_error(None, [str(exc), again or SAVE_AGAIN])
    data = form.data.copy()
    data[form.add_prefix("version")] = current
    form.data = data


def refused_first(rows, refused) -> list:
    """A list page shown again after one row's action was refused: that row first (a
    colleague decided it meanwhile, say, so it may have left the list), then the page's
    other rows; the template shows the reason and what was typed on it."""
    rows = list(rows)
    if refused is None:
        return rows
    return [refused] + [row for row in rows if row.pk != refused.pk]


def refusal_message(exc: Exception) -> str:
    """A service's refusal as one sentence for a flash message."""
    return exc.messages[0] if isinstance(exc, ValidationError) else str(exc)


def run_action(request, run, *, success: str, done, form=None, rerender=None):
    """The POST half of a detail page's action: call the service `run()`; when it refuses,
    put the reason on `form` and show the page again (`rerender()`, keeping what was typed),
    or, with no form, flash it; then go back to `done` (a URL or a resolvable name)."""
    from django.contrib import messages
    from django.shortcuts import redirect

    from .audit import StaleEdit, TransitionError

    try:
        run()
    except (ValidationError, TransitionError, StaleEdit) as exc:
        if form is not None and rerender is not None:
            add_service_errors(form, exc)
            return rerender()
        messages.error(request, refusal_message(exc))
        return redirect(done)
    if success:
        messages.success(request, success)
    return redirect(done)


class _RoleFields(StyledForm, forms.Form):
    organisation = forms.ModelChoiceField(label=_("组织"), queryset=Organisation.objects.none())
    # No default: a hurried administrator must not create an office account by not choosing.
    role = forms.ChoiceField(label=_("角色"), choices=[("", "---------"), *Role.choices])
    department = forms.ModelChoiceField(
        label=_("承办单位"),
        queryset=Department.objects.none(),
        required=False,
        help_text=_("承办单位经办人、负责人须选择。"),
    )
    committee = forms.ModelChoiceField(
        label=_("专门委员会"), queryset=Committee.objects.none(), required=False
    )

    def __init__(self, *args, actor, **kwargs):
        super().__init__(*args, **kwargs)
        orgs = access.organisations(actor, "security.manage").order_by("path")
        # The chosen one reads as the picker's results do ("城关街道 · 和平社区"). No role in
        # a closed organisation (orgs.services.organisation_close).
        self.fields["organisation"].queryset = with_namesakes(orgs.filter(is_active=True))
        self.fields["organisation"].label_from_instance = organisation_label
        self.fields["department"].queryset = Department.objects.filter(
            organisation__in=orgs, is_active=True
        ).select_related("organisation")
        self.fields["department"].label_from_instance = lambda d: f"{d.organisation} · {d.name}"
        # Every unit of every organisation in scope (thousands for a province): searched on
        # the server (core.pickers), never listed in the page.
        # So do the organisations (a province's tree) and their special committees.
        scope = {"perm": "security.manage"}
        pickers.attach(self.fields["department"], "departments", scope)
        pickers.attach(self.fields["organisation"], "organisations", {**scope, "open": "1"})
        self.fields["committee"].queryset = Committee.objects.filter(
            organisation__in=orgs
        ).select_related("organisation")
        self.fields["committee"].label_from_instance = lambda c: f"{c.organisation.name} · {c.name}"
        pickers.attach(self.fields["committee"], "committees", scope)

    def clean(self):
        data = super().clean()
        org, dept, comm = data.get("organisation"), data.get("department"), data.get("committee")
        if data.get("role") in {Role.DEPARTMENT, Role.DEPARTMENT_LEADER} and dept is None:
            self.add_error("department", _("承办单位角色须选择承办单位。"))
        if org is not None and dept is not None and dept.organisation_id != org.pk:
            self.add_error("department", _("所选承办单位不属于该组织。"))
        if org is not None and comm is not None and comm.organisation_id != org.pk:
            self.add_error("committee", _("所选专门委员会不属于该组织。"))
        return data


class RoleAssignForm(_RoleFields):
    pass


class UserCreateForm(_RoleFields):
    username = forms.CharField(
        label=_("用户名"),
        max_length=150,
        validators=[
            RegexValidator(
                r"^[A-Za-z0-9_.@-]+$", _("用户名只能包含英文字母、数字和 _ . @ - 符号。")
            )
        ],
        help_text=_("登录时使用，建议用姓名拼音。"),
    )
    full_name = forms.CharField(label=_("姓名"), max_length=50)
    phone = forms.CharField(
        label=_("手机号码"),
        max_length=20,
        required=False,
        validators=[RegexValidator(r"^1\d{10}$", _("请输入11位手机号码。"))],
    )
    email = forms.EmailField(label=_("电子邮箱"), required=False)

    field_order = ["username", "full_name", "phone", "email", "organisation", "role"]

    def clean_username(self):
        # Said with the other errors, not after they are mended (the service checks again,
        # for two administrators creating the same name at once).
        from django.contrib.auth import get_user_model

        username = self.cleaned_data["username"]
        if get_user_model().objects.filter(username__iexact=username).exists():
            raise forms.ValidationError(_("用户名“%(name)s”已被使用。") % {"name": username})
        return username


class UserContactForm(StyledForm, forms.Form):
    """An account's name and mobile number, checked as at creation. The number registered
    is not shown in clear (the page masks it): left empty, it stays as it is."""

    full_name = UserCreateForm.base_fields["full_name"]
    phone = UserCreateForm.base_fields["phone"]
    # The name and masked number the page showed: a save over another administrator's
    # change made since is refused (core.services.user_update_contact).
    was_name = forms.CharField(required=False, widget=forms.HiddenInput)
    was_phone = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, subject, **kwargs):
        from .services import contact_shown

        name, phone = contact_shown(subject)
        kwargs.setdefault("initial", {"full_name": subject.full_name})
        kwargs["initial"] |= {"was_name": name, "was_phone": phone}
        super().__init__(*args, prefix="contact", **kwargs)
        if subject.role_assignments.filter(role__in=ADMIN_DUTIES).exists():
            # An administrator duty's temporary password is texted to this number, so the
            # security administrator neither registers nor changes it (services).
            self.fields["phone"].disabled = True
            self.fields["phone"].help_text = _(
                "管理员账号的手机号码（接收临时密码）由部署人员在服务器上登记，此处不能填写。"
            )
        elif subject.phone:
            self.fields["phone"].help_text = _("已登记 %(phone)s；填写新号码以更改，留空不变。") % {
                "phone": mask_phone(subject.phone)
            }


class CalendarDayForm(StyledForm, forms.Form):
    date = forms.DateField(label=_("日期"), widget=DateInput())
    is_working_day = forms.TypedChoiceField(
        label=_("类型"),
        choices=[("0", _("休息日")), ("1", _("工作日（调休上班）"))],
        coerce=lambda v: v == "1",
    )
    note = forms.CharField(label=_("说明"), max_length=100, required=False)


# --- The year's holiday notice (国务院办公厅节假日安排通知) ---------------------------------

# The festivals every notice names, offered as rows ready for their dates.
FESTIVALS = [
    _("元旦"),
    _("春节"),
    _("清明节"),
    _("劳动节"),
    _("端午节"),
    _("中秋节"),
    _("国庆节"),
]
_WEEKDAYS = [
    _("星期一"),
    _("星期二"),
    _("星期三"),
    _("星期四"),
    _("星期五"),
    _("星期六"),
    _("星期日"),
]


class HolidayNoticeForm(StyledForm, forms.Form):
    year = forms.IntegerField(label=_("年度"), min_value=2000, max_value=2100)
    title = forms.CharField(
        label=_("通知标题"),
        max_length=200,
        help_text=_("例如：国务院办公厅关于2027年部分节假日安排的通知"),
    )
    number = forms.CharField(
        label=_("文号"), max_length=50, required=False, help_text=_("例如：国办发明电〔2026〕X号")
    )
    published_on = forms.DateField(label=_("发布日期"), widget=DateInput())
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, today: dt.date, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today

    def clean_year(self):
        year = self.cleaned_data["year"]
        if year < self.today.year:
            raise ValidationError(_("只能录入今年或以后年度的节假日安排。"))
        return year


class HolidayPeriodForm(StyledForm, forms.Form):
    """One holiday period of the notice. A row without dates is left out (the festival
    names are offered ready, so an untouched row has a name and no dates)."""

    name = forms.CharField(label=_("节日"), max_length=50, required=False)
    first = forms.DateField(label=_("放假开始"), required=False, widget=DateInput())
    last = forms.DateField(label=_("放假结束"), required=False, widget=DateInput())

    def clean(self):
        data = super().clean()
        name, first, last = data.get("name"), data.get("first"), data.get("last")
        if "first" in self.errors or "last" in self.errors or (first is None and last is None):
            return data
        if first is None:
            self.add_error("first", _("请填写放假开始日期。"))
        if last is None:
            self.add_error("last", _("请填写放假结束日期。"))
        if not name:
            self.add_error("name", _("请填写节日名称。"))
        if first and last and last < first:
            self.add_error("last", _("放假结束日期不能早于开始日期。"))
        return data

    def period(self) -> tuple[str, dt.date, dt.date] | None:
        data = getattr(self, "cleaned_data", {})
        if data.get("first") and data.get("last") and data.get("name"):
            return data["name"], data["first"], data["last"]
        return None


class MakeupDayForm(StyledForm, forms.Form):
    """One make-up working day (调休上班日): a Saturday or Sunday worked."""

    date = forms.DateField(label=_("调休上班日期"), required=False, widget=DateInput())
    note = forms.CharField(
        label=_("说明"), max_length=100, required=False, help_text=_("例如：春节调休上班")
    )

    def clean(self):
        data = super().clean()
        if data.get("note") and data.get("date") is None and "date" not in self.errors:
            self.add_error("date", _("请填写调休上班日期。"))
        return data


HolidayPeriodFormSet = forms.formset_factory(HolidayPeriodForm, extra=0, max_num=30)
MakeupDayFormSet = forms.formset_factory(MakeupDayForm, extra=0, max_num=30)
PERIOD_ROWS = len(FESTIVALS) + 1
MAKEUP_ROWS = 8


class HolidayNoticeEntry:
    """The notice's one form: its header, the holiday periods and the make-up days, checked
    against each other. Rejected, all three re-render with what was typed."""

    def __init__(self, data=None, *, today: dt.date, notice=None):
        initial, periods, makeups = self._initial(notice, today)
        if data is not None:
            # A submitted row is cleaned for what it holds, not skipped as "unchanged" for
            # matching the row it was offered as.
            periods = makeups = None
        self.form = HolidayNoticeForm(data, today=today, initial=initial)
        self.periods = HolidayPeriodFormSet(data, prefix="period", initial=periods)
        self.makeups = MakeupDayFormSet(data, prefix="makeup", initial=makeups)

    @staticmethod
    def _initial(notice, today):
        if notice is None:
            periods = [{"name": str(name)} for name in FESTIVALS]
            return {"year": today.year + 1, "version": 0}, periods + [{}], [{}] * MAKEUP_ROWS
        periods, makeups = [], []
        for day in notice.days.order_by("date"):
            if day.is_working_day:
                makeups.append({"date": day.date, "note": day.note})
            elif (
                periods
                and periods[-1]["name"] == day.note
                and periods[-1]["last"] + dt.timedelta(days=1) == day.date
            ):
                periods[-1]["last"] = day.date
            else:
                periods.append({"name": day.note, "first": day.date, "last": day.date})
        header = {
            "year": notice.year,
            "title": notice.title,
            "number": notice.number,
            "published_on": notice.published_on,
            "version": notice.version,
        }
        periods += [{}] * max(2, PERIOD_ROWS - len(periods))
        makeups += [{}] * max(3, MAKEUP_ROWS - len(makeups))
        return header, periods, makeups

    def is_valid(self) -> bool:
        valid = [self.form.is_valid(), self.periods.is_valid(), self.makeups.is_valid()]
        # The rows are checked against each other even when one of them is wrong on its
        # own, so that a rejected notice lists every mistake at once.
        year = getattr(self.form, "cleaned_data", {}).get("year")
        if year:
            self._check_together(year, complete=all(valid))
        return not (
            self.form.errors or self.periods.total_error_count() or self.makeups.total_error_count()
        )

    def _check_together(self, year: int, *, complete: bool) -> None:
        taken: list[tuple[dt.date, dt.date, str]] = []
        for row in self.periods.forms:
            period = row.period()
            if period is None:
                continue
            name, first, last = period
            if first.year != year or last.year != year:
                row.add_error(
                    "first" if first.year != year else "last",
                    _("放假日期须在%(year)s年内；跨年的日子请在“工作日调整”中单独录入。")
                    % {"year": year},
                )
                continue
            clash = next((n for f, la, n in taken if first <= la and f <= last), None)
            if clash is not None:
                row.add_error("first", _("与“%(name)s”的放假日期重叠。") % {"name": clash})
                continue
            taken.append((first, last, name))
        if complete and not taken:
            self.form.add_error(None, _("请至少填写一个放假期间（节日名称和起止日期）。"))
        seen: set[dt.date] = set()
        for row in self.makeups.forms:
            day = getattr(row, "cleaned_data", {}).get("date")
            if day is None:
                continue
            if day.year != year:
                row.add_error("date", _("调休上班日须在%(year)s年内。") % {"year": year})
            elif day.weekday() < 5:
                row.add_error(
                    "date",
                    _("调休上班日应为周六或周日，该日是%(weekday)s。")
                    % {"weekday": _WEEKDAYS[day.weekday()]},
                )
            elif day in seen:
                row.add_error("date", _("该日期重复填写。"))
            else:
                inside = next((n for f, la, n in taken if f <= day <= la), None)
                if inside is not None:
                    row.add_error(
                        "date",
                        _("该日在“%(name)s”放假期间内，不能同时是调休上班日。") % {"name": inside},
                    )
            seen.add(day)

    def cleaned(self) -> dict:
        data = dict(self.form.cleaned_data)
        version = data.pop("version", None) or 0
        periods = [p for p in (row.period() for row in self.periods.forms) if p]
        makeups = [
            (row.cleaned_data["date"], row.cleaned_data.get("note", ""))
            for row in self.makeups.forms
            if getattr(row, "cleaned_data", {}).get("date")
        ]
        return {**data, "periods": periods, "makeups": makeups, "expected_version": version}


class OrganisationForm(StyledForm, forms.Form):
    name = forms.CharField(label=_("名称"), max_length=100)
    level = forms.ChoiceField(label=_("层级"), choices=Level.choices)
    parent = forms.ModelChoiceField(label=_("上级组织"), queryset=Organisation.objects.none())
    code = forms.CharField(
        label=_("代码"),
        max_length=20,
        required=False,
        help_text=_("如行政区划代码；留空则按上级组织的代码顺序编号。同一上级下不能重复。"),
    )

    def __init__(self, *args, actor, **kwargs):
        super().__init__(*args, **kwargs)
        # Open organisations only: nothing new is made below a closed one.
        self.fields["parent"].queryset = with_namesakes(
            access.organisations(actor, "system.manage").filter(is_active=True).order_by("path")
        )
        # A province's whole tree: searched on the server (core "organisations" source, same
        # permission, same labels); this queryset validates the post.
        self.fields["parent"].label_from_instance = organisation_label
        pickers.attach(
            self.fields["parent"], "organisations", {"perm": "system.manage", "open": "1"}
        )

    _ORDER = [Level.PROVINCE, Level.CITY, Level.DISTRICT, Level.STREET, Level.COMMUNITY]

    def clean(self):
        data = super().clean()
        parent, level = data.get("parent"), data.get("level")
        if parent is not None and level is not None:
            if self._ORDER.index(level) <= self._ORDER.index(parent.level):
                self.add_error("level", _("下级组织的层级须低于上级组织。"))
        return data


class OrganisationEditForm(StyledForm, forms.Form):
    """An organisation's name and code (组织机构 → 修改)."""

    name = forms.CharField(label=_("名称"), max_length=100)
    code = forms.CharField(
        label=_("代码"), max_length=20, help_text=_("同一上级下不能重复，如行政区划代码。")
    )
    # The organisation's version when the page was read: a save over another one made since
    # is refused (orgs.services.organisation_update, core.forms.refuse_stale).
    version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=0)


class OrganisationCloseForm(StyledForm, forms.Form):
    reason = forms.CharField(
        label=pgettext_lazy("organisation", "撤销原因"),
        max_length=200,
        help_text=_("记入审计日志，例如“行政区划调整，并入城关街道”。"),
        error_messages={"required": _("请填写撤销原因，例如“行政区划调整，并入城关街道”。")},
    )


class DepartmentOrderForm(forms.Form):
    """The official order of one organisation's departments: a position number each.

    A department given the number another one holds goes before it, so typing 3 for the
    thirtieth department moves it to third place and the others shift down."""

    def __init__(self, *args, departments, **kwargs):
        super().__init__(*args, **kwargs)
        self.departments = list(departments)
        for position, department in enumerate(self.departments, start=1):
            self.fields[f"pos-{department.pk}"] = forms.IntegerField(
                label=department.name,
                min_value=1,
                max_value=9999,
                initial=position,
                widget=forms.NumberInput(attrs={"class": "form-control form-control-sm"}),
            )

    def rows(self):
        return [(d, self[f"pos-{d.pk}"]) for d in self.departments]

    def order(self) -> list[int]:
        """Department ids in the order the numbers give (valid forms only)."""
        numbers = self.cleaned_data

        def key(item):
            position, department = item
            number = numbers[f"pos-{department.pk}"]
            return (number, number == position, position)  # moved ones first on a tie

        return [d.pk for _p, d in sorted(enumerate(self.departments, start=1), key=key)]


class AuditFilterForm(StyledForm, forms.Form):
    date_from = forms.DateField(label=_("起始日期"), required=False, widget=DateInput())
    date_to = forms.DateField(label=_("截止日期"), required=False, widget=DateInput())
    actor = forms.CharField(label=_("操作人"), max_length=150, required=False)
    verb = forms.ChoiceField(label=_("动作"), required=False)
    organisation = forms.ModelChoiceField(
        label=_("组织"),
        queryset=Organisation.objects.none(),
        required=False,
        empty_label=_("全部组织"),
    )
    q = forms.CharField(label=_("关键词"), max_length=100, required=False)

    def __init__(self, *args, organisations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = with_namesakes(organisations)
        # Every organisation below the auditor's: searched on the server, the chosen one
        # shown after filtering as the results name it; this queryset validates the filter.
        self.fields["organisation"].label_from_instance = organisation_label
        pickers.attach(self.fields["organisation"], "audit-organisations")
        # One group of actions per module, as the modules are named in the menu: the same
        # words (退回修改) stand for different actions in different modules.
        modules: dict[str, list[tuple[str, str]]] = {}
        for verb_key, label in sorted(VERB_LABELS.items()):
            modules.setdefault(str(VERB_MODULES.get(verb_key, "")), []).append(
                (verb_key, str(label))
            )
        self.fields["verb"].choices = [
            ("", _("全部")),
            *[(k, v) for k, v in VERB_GROUPS.items()],
            *[(module or _("其他"), options) for module, options in modules.items()],
        ]

    def clean(self):
        data = super().clean()
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", _("截止日期不能早于起始日期。"))
        return data

    def date_bounds(self) -> tuple[dt.date | None, dt.date | None]:
        return self.cleaned_data.get("date_from"), self.cleaned_data.get("date_to")


class ApiTokenForm(StyledForm, forms.Form):
    name = forms.CharField(
        label=_("名称"),
        max_length=100,
        help_text=_("写明用途，例如“统计报表同步”，撤销时才认得出。"),
    )
    days = forms.TypedChoiceField(
        label=_("有效期"),
        coerce=int,
    )

    def __init__(self, *args, **kwargs):
        from . import api_tokens

        super().__init__(*args, **kwargs)
        days = self.fields["days"]
        days.choices = [(d, _("%(n)s天") % {"n": d}) for d in api_tokens.validity_days()]
        days.initial = settings.API_TOKEN_DAYS


class LoginForm(auth_forms.AuthenticationForm):
    """The login form. A deactivated account whose password is right is told so: Django's
    backend refuses inactive accounts as if the password were wrong, so its holder read
    "wrong password, N more tries" and typed on towards a lockout. A wrong password still
    reads as any wrong password (nothing is told of the account then)."""

    error_messages = {
        **auth_forms.AuthenticationForm.error_messages,
        "inactive": _("该账号已停用，请联系本单位安全管理员。"),
    }

    def clean(self):
        try:
            return super().clean()
        except ValidationError as refused:
            if refused.code == "invalid_login" and self._inactive_with_password():
                raise ValidationError(self.error_messages["inactive"], code="inactive") from None
            raise

    def _inactive_with_password(self) -> bool:
        from django.contrib.auth import get_user_model

        username = self.cleaned_data.get("username")
        password = self.cleaned_data.get("password")
        if not username or not password:
            return False
        user = get_user_model().objects.filter(username=username, is_active=False).first()
        return user is not None and user.check_password(password)


class PasswordChangeForm(auth_forms.PasswordChangeForm):
    """Django's form, with what is wrong about the new password said under 新密码, where it
    was typed, rather than under 新密码确认 (which only says when the two differ)."""

    def clean(self):
        self.validate_passwords("new_password1", "new_password2")
        self.validate_password_for_user(self.user, "new_password1")
        return forms.Form.clean(self)


class OtpForm(StyledForm, forms.Form):
    code = forms.CharField(
        label=_("动态口令"),
        max_length=8,
        help_text=_("请输入身份验证器应用中显示的6位数字。"),
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}
        ),
    )

    def clean_code(self):
        code = self.cleaned_data["code"].strip().replace(" ", "")
        if not (code.isdigit() and len(code) == 6):
            raise forms.ValidationError(_("动态口令为6位数字。"))
        return code


class SafeFileField(forms.FileField):
    """The one file field of every upload form: the file must pass the named policy of
    `core.uploads` (size, and type by content agreeing with the extension). A refused
    submission re-renders the bound form, so every other field keeps what the user typed;
    browsers never refill a file input, which is why the messages ask to choose it again."""

    def __init__(self, *, policy: str = "document", **kwargs):
        self.policy = policy
        kwargs.setdefault("help_text", _lazy_describe(policy))
        super().__init__(**kwargs)
        self.widget.attrs.setdefault("accept", ",".join(uploads.get_policy(policy).extensions))

    def validate(self, value):
        super().validate(value)
        if isinstance(value, UploadedFile):
            uploads.check_upload(value, self.policy)


def _describe(policy: str) -> str:
    return uploads.get_policy(policy).describe()


_lazy_describe = lazy(_describe, str)

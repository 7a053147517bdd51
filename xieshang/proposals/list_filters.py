"""The proposal list's filters beside the state and the words (/proposals/ and its Excel
export): the year, 大会/平时 (kind), the session (届次/会次, or 平时: between sessions),
the organisation with or without the committees below it, and the answering department
(承办单位) with how far it got (交办, 已答复, 按时答复). These are what the figures page
counts by (figures.session_figures: organisation × session, a year;
figures.department_figures: department, a year), so each of its counts links to the list
filtered the same way and shows the same number (`SessionRow.list_queries`,
`DepartmentRow.list_queries`).

A department's proposals are those it answers (主办 or 分办, first round, not returned:
the figures' 交办), defined here once (`ANSWERING`, `LIVE`, `ON_TIME`) for both.

A value that is not valid (a year out of range, a session the user may not see) is shown
with its error and left out of the filter: the list still answers."""

from django import forms
from django.db.models import Exists, F, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from xieshang.core import access, pickers
from xieshang.orgs.models import Department, Level, Organisation, Session

from .models import Assignment, Proposal

COMMITTEE_LEVELS = [Level.PROVINCE, Level.CITY, Level.DISTRICT]
BETWEEN_SESSIONS = "none"  # session=none: the proposals of no session (平时提案)
OWN = "own"  # scope=own: the organisation's own proposals, not those of the committees below

# The assignments a department's figures count (figures.department_figures): it answers
# (lead or split, not a co-handler) and has not asked to hand it back or been replaced.
ANSWERING = [Assignment.Role.LEAD, Assignment.Role.SPLIT]
LIVE = [Assignment.Status.HANDLING, Assignment.Status.ANSWERED]
# Answered on time: the answer's follow-up task was submitted by its (extended) due date.
ANSWERED = Q(status=Assignment.Status.ANSWERED)
ON_TIME = ANSWERED & Q(task__submitted_at__date__lte=F("task__due_date"))
# handled=…: how far the department got with the proposal (the figures' columns).
HANDLED = {"answered": ANSWERED, "on_time": ON_TIME}


class ListFilterForm(forms.Form):
    year = forms.IntegerField(label=_("年度"), min_value=2000, max_value=2100, required=False)
    kind = forms.ChoiceField(
        label=pgettext_lazy("proposal kind", "类别"),
        choices=[("", _("全部")), *Proposal.Kind.choices],
        required=False,
    )
    session = forms.CharField(label=_("会次"), required=False)
    organisation = forms.ModelChoiceField(
        label=_("政协组织"), queryset=Organisation.objects.none(), required=False
    )
    scope = forms.ChoiceField(
        label=_("范围"),
        choices=[("", _("含下级政协")), (OWN, _("仅本级"))],
        required=False,
    )
    department = forms.ModelChoiceField(
        label=_("承办单位"), queryset=Department.objects.none(), required=False
    )
    handled = forms.ChoiceField(
        label=_("办理情况"),
        choices=[("", _("全部交办")), ("answered", _("已答复")), ("on_time", _("按时答复"))],
        required=False,
    )

    def __init__(self, data, *, user):
        # Without a year asked the list is this year's (as the figures page): the year an
        # office works in, numbered and counted by; a province's ten years are 300,000
        # proposals to count for every page. A year left empty in the form asks for every
        # year; a session names its own year (clean).
        data = data.copy() if data else {}
        self.default_year = "year" not in data and "session" not in data
        if self.default_year:
            data["year"] = str(timezone.localdate().year)
        super().__init__(data)
        self.user = user
        self.staff = access.can(user, "proposals.view")
        field = self.fields["organisation"]
        if self.staff:
            field.queryset = access.organisations(user, "proposals.view").filter(
                level__in=COMMITTEE_LEVELS
            )
        field.empty_label = _("全部")
        field.label_from_instance = lambda o: o.name
        pickers.attach(
            field,
            "organisations",
            {"perm": "proposals.view", "level": ",".join(COMMITTEE_LEVELS)},
        )
        field.widget.attrs.update({"class": "form-select form-select-sm", "id": "f-organisation"})
        # A province's every county department is no list for a page: searched on the
        # server (core "departments" source, active ones); the queryset, inactive units
        # included (last year's figures name them), validates.
        field = self.fields["department"]
        if self.staff:
            field.queryset = Department.objects.filter(
                organisation__in=access.organisations(user, "proposals.view")
            ).select_related("organisation")
        field.empty_label = _("全部")
        field.label_from_instance = lambda d: f"{d.organisation.name} · {d.name}"
        pickers.attach(field, "departments", {"perm": "proposals.view"})
        field.widget.attrs.update({"class": "form-select form-select-sm", "id": "f-department"})

    def clean_session(self):
        value = (self.cleaned_data.get("session") or "").strip()
        if value in ("", BETWEEN_SESSIONS):
            return value
        try:
            pk = int(value)
        except ValueError:
            raise forms.ValidationError(_("请选择会次。")) from None
        session = (
            Session.objects.filter(pk=pk, term__organisation__in=self._visible_organisations())
            .select_related("term")
            .first()
        )
        if session is None:
            raise forms.ValidationError(_("请选择会次。"))
        return session

    def clean(self):
        data = super().clean()
        session = data.get("session")
        if isinstance(session, Session) and data.get("year") != session.start_date.year:
            # A session picked with another year in the box (the form keeps the year it
            # showed): the session is the narrower choice, and its year is shown.
            data["year"] = session.start_date.year
            self.data = self.data.copy()
            self.data["year"] = str(data["year"])
        return data

    def _visible_organisations(self):
        return access.organisations(self.user, "proposals.view")

    def session_options(self) -> list[tuple[str, str]]:
        """The sessions offered: those of the chosen organisation, else of the user's own
        (one query; a province's every county session would be a list that grows), and the
        chosen one whatever it is."""
        organisation = self.cleaned_data.get("organisation") if self.is_bound else None
        if organisation is None and self.staff:
            organisation = access.home_organisation(self.user)
        options = [("", str(_("全部"))), (BETWEEN_SESSIONS, str(_("平时提案（闭会期间）")))]
        chosen = self.cleaned_data.get("session")
        sessions = []
        if organisation is not None:
            sessions = list(
                Session.objects.filter(term__organisation=organisation)
                .select_related("term")
                .order_by("-term__number", "-number")
            )
        if isinstance(chosen, Session) and chosen not in sessions:
            sessions.insert(0, chosen)
        return options + [(str(s.pk), str(s)) for s in sessions]

    def chosen_session(self) -> str:
        chosen = self.cleaned_data.get("session")
        return str(chosen.pk) if isinstance(chosen, Session) else (chosen or "")

    def where(self) -> Q:
        """The filter on the proposal's own columns (no join): what the valid fields ask."""
        self.is_valid()  # the invalid fields are left out of cleaned_data
        data = self.cleaned_data
        where = Q()
        if data.get("year"):
            where &= Q(year=data["year"])
        if data.get("kind"):
            where &= Q(kind=data["kind"])
        session = data.get("session")
        if session == BETWEEN_SESSIONS:
            where &= Q(session__isnull=True)
        elif isinstance(session, Session):
            where &= Q(session_id=session.pk)
        organisation = data.get("organisation")
        if organisation is not None:
            if data.get("scope") == OWN:
                where &= Q(organisation_id=organisation.pk)
            else:
                below = Organisation.objects.filter(path__startswith=organisation.path)
                where &= Q(organisation_id__in=below.values("pk"))
        department, handled = data.get("department"), data.get("handled") or ""
        if department is not None or handled:
            where &= Q(Exists(answering(department.pk if department else None, handled)))
        return where


def answering(department_id: int | None, handled: str = ""):
    """The first-round answering assignment of the proposal (OuterRef) of the department
    (of any with None), as the figures count it: 交办 with no `handled`, else 已答复 or
    按时答复 (`HANDLED`)."""
    assignments = Assignment.objects.filter(
        proposal=OuterRef("pk"), role__in=ANSWERING, status__in=LIVE, round=1
    )
    if department_id is not None:
        assignments = assignments.filter(department_id=department_id)
    if handled in HANDLED:
        assignments = assignments.filter(HANDLED[handled])
    return assignments

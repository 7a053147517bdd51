"""基础数据: the reference data a CPPCC committee sets up for itself — its terms (届) and
plenary sessions (全体会议, 第N次会议), its handling units (承办单位), sectors (界别) and special
committees (专门委员会). Each change is validated here, audited, and refused with a clear
message when it would duplicate a row.

These models carry no version field, so an edit is guarded by the values the page showed:
the form sends them back (`expected`), the row is re-read with a lock, and a row that no
longer holds them was changed by someone else meanwhile (`StaleEdit`)."""

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from xieshang.core.audit import StaleEdit, lock, record_event
from xieshang.core.text import chinese_date, reader_date

from .models import Committee, Department, Organisation, Sector, Session, Term, ordinal


def shown(value) -> str:
    """A field's value as a page shows it (and sends it back in a hidden field)."""
    if value is None:
        return ""
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def _check_unchanged(obj, expected: dict | None) -> None:
    if expected is None:
        return
    for field, was in expected.items():
        if shown(getattr(obj, field)) != (was or ""):
            raise StaleEdit()


def _require_cppcc(organisation: Organisation) -> None:
    if not organisation.is_cppcc:
        raise ValidationError(_("只有政协组织才设置届次、全体会议、界别、专门委员会和承办单位。"))


# --- 届次 -----------------------------------------------------------------------------------


def next_term_number(organisation: Organisation) -> int:
    last = organisation.terms.aggregate(n=Max("number"))["n"]
    return (last or 0) + 1


@transaction.atomic
def term_create(organisation: Organisation, *, actor, start_date: dt.date, number=None) -> Term:
    """A new term, after the last one: its number is higher (by default the last + 1) and it
    starts after the last term started and after that term's last session closed. The last
    term ends the day before (its end date is set or moved there)."""
    _require_cppcc(organisation)
    organisation = lock(Organisation, organisation.pk)
    number = number or next_term_number(organisation)
    if organisation.terms.filter(number=number).exists():
        raise ValidationError({"number": _("本政协已有第%(n)s届。") % {"n": ordinal(number)}})
    last = organisation.terms.order_by("-number").first()
    if last is not None:
        last = lock(Term, last.pk)
        if number < last.number:
            raise ValidationError(
                {"number": _("新的一届须排在已有的%(last)s之后。") % {"last": last}}
            )
        if start_date <= last.start_date:
            raise ValidationError(
                {
                    "start_date": _("开始日期须晚于%(last)s的开始日期（%(d)s）。")
                    % {"last": last, "d": reader_date(last.start_date)}
                }
            )
        closing = last.sessions.aggregate(d=Max("end_date"))["d"]
        if closing is not None and start_date <= closing:
            raise ValidationError(
                {
                    "start_date": _("开始日期须晚于%(last)s最后一次会议的闭幕日期（%(d)s）。")
                    % {"last": last, "d": reader_date(closing)}
                }
            )
    term = Term.objects.create(organisation=organisation, number=number, start_date=start_date)
    record_event(
        actor=actor,
        verb="org.term_create",
        subject=term,
        organisation=organisation,
        to_state=_("%(term)s，%(d)s起") % {"term": term, "d": chinese_date(start_date)},
    )
    if last is not None:
        day_before = start_date - dt.timedelta(days=1)
        if last.end_date != day_before:
            was = last.end_date
            last.end_date = day_before
            last.save(update_fields=["end_date"])
            record_event(
                actor=actor,
                verb="org.term_end",
                subject=last,
                organisation=organisation,
                from_state=chinese_date(was),
                to_state=chinese_date(day_before),
                note=_("%(term)s开始，上一届于前一日结束。") % {"term": term},
            )
    return term


# --- 全体会议 ---------------------------------------------------------------------------------


def _session_errors(term: Term, *, number, start_date, end_date, proposal_deadline, exclude=None):
    """The rules of a plenary session within its term (docs/decisions.md)."""
    errors: dict[str, list] = {}

    def add(field, message):
        errors.setdefault(field, []).append(message)

    others = term.sessions.exclude(pk=exclude) if exclude else term.sessions.all()
    if others.filter(number=number).exists():
        add("number", _("%(term)s已有第%(n)s次会议。") % {"term": term, "n": ordinal(number)})
    if end_date < start_date:
        add("end_date", _("闭幕日期不能早于开幕日期。"))
    if start_date < term.start_date:
        add(
            "start_date",
            _("开幕日期不能早于本届开始日期（%(d)s）。") % {"d": reader_date(term.start_date)},
        )
    if term.end_date and end_date > term.end_date:
        add(
            "end_date",
            _("闭幕日期不能晚于本届结束日期（%(d)s）。") % {"d": reader_date(term.end_date)},
        )
    if proposal_deadline is not None:
        if proposal_deadline > end_date:
            add("proposal_deadline", _("大会提案截止日期不能晚于闭幕日期。"))
        elif proposal_deadline < term.start_date:
            add(
                "proposal_deadline",
                _("大会提案截止日期不能早于本届开始日期（%(d)s）。")
                % {"d": reader_date(term.start_date)},
            )
    if "end_date" not in errors:
        clash = (
            others.filter(start_date__lte=end_date, end_date__gte=start_date)
            .order_by("number")
            .first()
        )
        if clash is not None:
            add(
                "start_date",
                _("会期与%(s)s（%(a)s至%(b)s）重叠。")
                % {
                    "s": clash,
                    "a": reader_date(clash.start_date),
                    "b": reader_date(clash.end_date),
                },
            )
    if errors:
        raise ValidationError(errors)


def _session_text(session: Session) -> str:
    text = _("第%(n)s次会议，%(a)s至%(b)s") % {
        "n": ordinal(session.number),
        "a": chinese_date(session.start_date),
        "b": chinese_date(session.end_date),
    }
    if session.proposal_deadline:
        text += _("，提案截止%(d)s") % {"d": chinese_date(session.proposal_deadline)}
    return text


@transaction.atomic
def session_create(
    term: Term, *, actor, number: int, start_date, end_date, proposal_deadline=None
) -> Session:
    term = lock(Term, term.pk)
    _session_errors(
        term,
        number=number,
        start_date=start_date,
        end_date=end_date,
        proposal_deadline=proposal_deadline,
    )
    session = Session.objects.create(
        term=term,
        number=number,
        start_date=start_date,
        end_date=end_date,
        proposal_deadline=proposal_deadline,
    )
    record_event(
        actor=actor,
        verb="org.session_create",
        subject=session,
        organisation=term.organisation,
        to_state=_session_text(session),
    )
    return session


SESSION_FIELDS = ("number", "start_date", "end_date", "proposal_deadline")


@transaction.atomic
def session_update(
    session_pk: int,
    *,
    actor,
    expected: dict | None,
    number: int,
    start_date,
    end_date,
    proposal_deadline=None,
) -> Session:
    session = lock(Session, session_pk)
    _check_unchanged(session, expected)
    term = lock(Term, session.term_id)
    _session_errors(
        term,
        number=number,
        start_date=start_date,
        end_date=end_date,
        proposal_deadline=proposal_deadline,
        exclude=session.pk,
    )
    before = _session_text(session)
    session.number, session.start_date = number, start_date
    session.end_date, session.proposal_deadline = end_date, proposal_deadline
    after = _session_text(session)
    if after != before:
        session.save(update_fields=list(SESSION_FIELDS))
        record_event(
            actor=actor,
            verb="org.session_update",
            subject=session,
            organisation=term.organisation,
            from_state=before,
            to_state=after,
        )
    return session


# --- 承办单位、界别、专门委员会 ----------------------------------------------------------


def _clean_name(name: str) -> str:
    name = " ".join((name or "").split())
    if not name:
        raise ValidationError({"name": _("请填写名称。")})
    return name


def _refuse_duplicate(model, organisation, name: str, exclude=None) -> None:
    rows = model.objects.filter(organisation=organisation, name=name)
    if exclude is not None:
        rows = rows.exclude(pk=exclude)
    if rows.exists():
        raise ValidationError(
            {
                "name": _("本政协已有名为“%(name)s”的%(what)s。")
                % {"name": name, "what": _KIND[model]()}
            }
        )


_KIND = {
    Department: lambda: _("承办单位"),
    Sector: lambda: _("界别"),
    Committee: lambda: _("专门委员会"),
}
_VERB = {Department: "department", Sector: "sector", Committee: "committee"}


def _describe(obj, fields) -> str:
    return "；".join(
        f"{obj._meta.get_field(f).verbose_name}：{shown(getattr(obj, f)) or '—'}"
        for f in fields
        if f != "kind"
    ) + (
        f"；{obj._meta.get_field('kind').verbose_name}：{obj.get_kind_display()}"
        if "kind" in fields
        else ""
    )


def _next_order(model, organisation) -> int:
    return (
        model.objects.filter(organisation=organisation).aggregate(n=Max("sort_order"))["n"] or 0
    ) + 1


@transaction.atomic
def _create(model, organisation, *, actor, fields: dict):
    _require_cppcc(organisation)
    organisation = lock(Organisation, organisation.pk)
    fields = {**fields, "name": _clean_name(fields.get("name", ""))}
    _refuse_duplicate(model, organisation, fields["name"])
    if fields.get("sort_order") is None:
        fields["sort_order"] = _next_order(model, organisation)
    obj = model.objects.create(organisation=organisation, **fields)
    record_event(
        actor=actor,
        verb=f"org.{_VERB[model]}_create",
        subject=obj,
        organisation=organisation,
        to_state=_describe(obj, list(fields)),
    )
    return obj


@transaction.atomic
def _update(model, pk: int, *, actor, expected: dict | None, fields: dict):
    obj = lock(model, pk)
    _check_unchanged(obj, expected)
    if "name" in fields:
        fields = {**fields, "name": _clean_name(fields["name"])}
        _refuse_duplicate(model, obj.organisation_id, fields["name"], exclude=obj.pk)
    changed = [f for f, v in fields.items() if getattr(obj, f) != v]
    if not changed:
        return obj
    before = _describe(obj, changed)
    for f in changed:
        setattr(obj, f, fields[f])
    obj.save(update_fields=changed)
    record_event(
        actor=actor,
        verb=f"org.{_VERB[model]}_update",
        subject=obj,
        organisation=obj.organisation,
        from_state=before,
        to_state=_describe(obj, changed),
    )
    return obj


def department_create(organisation, *, actor, name: str, phone: str = "", leader_name: str = ""):
    """A new handling unit, in use, placed last in the official order."""
    return _create(
        Department,
        organisation,
        actor=actor,
        fields={"name": name, "phone": phone.strip(), "leader_name": leader_name.strip()},
    )


DEPARTMENT_FIELDS = ("name", "phone", "leader_name")


def department_update(pk: int, *, actor, expected, name: str, phone: str, leader_name: str):
    return _update(
        Department,
        pk,
        actor=actor,
        expected=expected,
        fields={"name": name, "phone": phone.strip(), "leader_name": leader_name.strip()},
    )


@transaction.atomic
def department_set_active(pk: int, *, actor, active: bool) -> Department:
    """停用 / 重新启用: a unit out of use is not offered for new assignments; what it
    handles already stays with it."""
    department = lock(Department, pk)
    if department.is_active == active:
        raise ValidationError(
            _("“%(name)s”已经在用。") % {"name": department.name}
            if active
            else _("“%(name)s”已经停用。") % {"name": department.name}
        )
    department.is_active = active
    department.save(update_fields=["is_active"])
    record_event(
        actor=actor,
        verb="org.department_activate" if active else "org.department_deactivate",
        subject=department,
        organisation=department.organisation,
        from_state=_("已停用") if active else _("在用"),
        to_state=_("在用") if active else _("已停用"),
    )
    return department


def sector_create(organisation, *, actor, name: str, sort_order=None) -> Sector:
    return _create(
        Sector, organisation, actor=actor, fields={"name": name, "sort_order": sort_order}
    )


def sector_update(pk: int, *, actor, expected, name: str, sort_order: int) -> Sector:
    return _update(
        Sector, pk, actor=actor, expected=expected, fields={"name": name, "sort_order": sort_order}
    )


def committee_create(organisation, *, actor, name: str, kind: str, sort_order=None) -> Committee:
    return _create(
        Committee,
        organisation,
        actor=actor,
        fields={"name": name, "kind": kind, "sort_order": sort_order},
    )


def committee_update(pk: int, *, actor, expected, name: str, kind: str, sort_order: int):
    return _update(
        Committee,
        pk,
        actor=actor,
        expected=expected,
        fields={"name": name, "kind": kind, "sort_order": sort_order},
    )

"""Changes to the organisation tree: creating, renaming, closing and reopening an organisation
(the system administrator's 组织机构 page), and the official order of departments."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from xieshang.core.audit import StaleEdit, lock, record_event

from .models import Department, Level, Organisation


def organisation_name_taken(*, parent: Organisation, name: str, exclude=None) -> bool:
    """Does another organisation directly below `parent` have this name (ignoring case and
    the spaces around it)? Siblings of one name cannot be told apart in any list or picker."""
    siblings = Organisation.objects.filter(parent=parent, name__iexact=(name or "").strip())
    if exclude is not None:
        siblings = siblings.exclude(pk=exclude.pk)
    return siblings.exists()


def organisation_code_taken(*, parent: Organisation | None, code: str, exclude=None) -> bool:
    """Does another organisation directly below `parent` have this code (ignoring case)?"""
    siblings = Organisation.objects.filter(parent=parent, code__iexact=(code or "").strip())
    if exclude is not None:
        siblings = siblings.exclude(pk=exclude.pk)
    return siblings.exists()


# Digits a level adds to its parent's code, as the administrative division codes do
# (city 9901, district 990102, street 990102001, community 990102001001).
CODE_DIGITS = {Level.PROVINCE: 2, Level.CITY: 2, Level.DISTRICT: 2}


def next_code(parent: Organisation | None, level: str) -> str:
    """The code a new organisation gets when none is typed: the parent's code followed by
    the next number after its children's (990102 → 990102001, 990102002…), never one a
    sibling has. One query."""
    prefix = parent.code if parent is not None else ""
    digits = CODE_DIGITS.get(level, 3)
    codes = set(
        Organisation.objects.filter(parent=parent).values_list("code", flat=True).order_by()
    )
    used = [
        int(code[len(prefix) :])
        for code in codes
        if code.startswith(prefix) and code[len(prefix) :].isdigit()
    ]
    number = max(used, default=0) + 1
    while f"{prefix}{number:0{digits}d}" in codes:
        number += 1
    return f"{prefix}{number:0{digits}d}"


@transaction.atomic
def organisation_create(
    *, name: str, level: str, parent: Organisation | None = None, actor=None, **fields
) -> Organisation:
    if not (fields.get("code") or "").strip():
        fields["code"] = next_code(parent, level)
    org = Organisation.objects.create(name=name, level=level, parent=parent, **fields)
    org.path = (parent.path if parent else "") + f"{org.pk:06d}."
    org.save(update_fields=["path"])
    record_event(actor=actor, verb="org.create", subject=org, organisation=org)
    return org


@transaction.atomic
def department_order_set(*, organisation: Organisation, order: list[int], actor) -> bool:
    """Put `organisation`'s departments in the official order `order` (department ids,
    first first): they are numbered 1, 2, 3… in that order, and departments missing from
    the list follow in their present order. Returns whether the order changed; if it did,
    one audit event keeps the order before and after."""
    from xieshang.core import access

    access.require(actor, "orgs.department_order", organisation)
    departments = list(
        Department.objects.select_for_update()
        .filter(organisation=organisation)
        .order_by("sort_order", "name", "pk")
    )
    by_id = {d.pk: d for d in departments}
    wanted = [by_id[pk] for pk in dict.fromkeys(order) if pk in by_id]
    chosen = {d.pk for d in wanted}
    ordered = wanted + [d for d in departments if d.pk not in chosen]
    before = [d.name for d in departments]
    moved = []
    for position, department in enumerate(ordered, start=1):
        if department.sort_order != position:
            department.sort_order = position
            moved.append(department)
    if moved:
        Department.objects.bulk_update(moved, ["sort_order"])
    after = [d.name for d in ordered]
    if after != before:
        record_event(
            actor=actor,
            verb="org.department_order",
            subject=organisation,
            organisation=organisation,
            data={"from": before, "to": after},
        )
    return after != before


@transaction.atomic
def department_remit_set(*, department: Department, remit: str, actor) -> bool:
    """Set a department's remit (主要职责), which the department suggestion (智能分办)
    reads. Returns whether it changed; if it did, one audit event keeps both texts."""
    from xieshang.core import access

    access.require(actor, "orgs.department_order", department.organisation)
    department = Department.objects.select_for_update().get(pk=department.pk)
    remit = (remit or "").strip()
    if remit == department.remit:
        return False
    before = department.remit
    department.remit = remit
    department.save(update_fields=["remit"])
    record_event(
        actor=actor,
        verb="org.department_remit",
        subject=department,
        organisation=department.organisation,
        data={"department": department.name, "from": before, "to": remit},
    )
    return True


# --- Renaming, closing and reopening (the system administrator) ------------------------------


def _require_manage(actor, organisation: Organisation) -> None:
    from xieshang.core import access

    access.require(actor, "system.manage", organisation)


@transaction.atomic
def organisation_update(
    *,
    actor,
    organisation: Organisation,
    name: str,
    code: str,
    expected_version: int | None = None,
) -> bool:
    """A new name (a district renamed, a typo corrected) or code. Refused when the name is
    empty, or when a sibling has the name or the code (codes are given to the existing
    organisations that have none this way), and (`StaleEdit`) when the organisation was
    saved since the form was read at `expected_version`: of two administrators editing it,
    the second does not overwrite the first unseen. Records keep pointing at the
    organisation, so every page shows the new name; one audit row per change keeps the old
    and the new value. Returns whether anything changed."""
    _require_manage(actor, organisation)
    name, code = (name or "").strip(), (code or "").strip()
    organisation = lock(Organisation, organisation.pk)
    errors = {}
    parent = organisation.parent
    if not name:
        errors["name"] = _("请填写组织名称。")
    elif name != organisation.name and parent is not None:
        if organisation_name_taken(parent=parent, name=name, exclude=organisation):
            errors["name"] = _("“%(parent)s”下已有名为“%(name)s”的组织，请换一个名称。") % {
                "parent": parent.name,
                "name": name,
            }
    if not code:
        errors["code"] = _("请填写组织代码。")
    elif code != organisation.code and organisation_code_taken(
        parent=parent, code=code, exclude=organisation
    ):
        errors["code"] = _("同一上级下已有代码为“%(code)s”的组织，请换一个代码。") % {"code": code}
    if errors:
        raise ValidationError(errors)
    changes = [
        (verb, field, getattr(organisation, field), value)
        for verb, field, value in (("org.rename", "name", name), ("org.code", "code", code))
        if getattr(organisation, field) != value
    ]
    if not changes:
        return False
    if expected_version is not None and organisation.version != expected_version:
        raise StaleEdit(current_version=organisation.version)
    for _verb, field, _before, value in changes:
        setattr(organisation, field, value)
    organisation.version += 1
    organisation.save(update_fields=[field for _v, field, _b, _a in changes] + ["version"])
    for verb, _field, before, after in changes:
        record_event(
            actor=actor,
            verb=verb,
            subject=organisation,
            organisation=organisation,
            from_state=before,
            to_state=after,
        )
    return True


# The states an organisation's 撤销 and 恢复 are audited between (Event.from_state and
# to_state); the audit log reads them as 启用 and 撤销 (core.signals registers the labels).
OPEN, CLOSED = "active", "closed"


def close_blockers(organisation: Organisation) -> dict[str, int]:
    """What keeps the organisation from being closed: its open child organisations and the
    active accounts holding a role in it. Two queries."""
    from django.contrib.auth import get_user_model

    children = organisation.children.filter(is_active=True).count()
    accounts = (
        get_user_model()
        .objects.filter(is_active=True, role_assignments__organisation=organisation)
        .distinct()
        .count()
    )
    return {"children": children, "accounts": accounts}


@transaction.atomic
def organisation_close(*, actor, organisation: Organisation, reason: str) -> None:
    """撤销: an organisation merged away or abolished. Refused without a reason, and while
    an open organisation is below it or an active account holds a role in it (those are
    closed or moved first, so nobody is left working in a closed organisation). Its records
    stay, readable as before from above; it is no longer offered for new organisations or
    accounts."""
    _require_manage(actor, organisation)
    reason = (reason or "").strip()[:200]
    if not reason:
        raise ValidationError({"reason": _("请填写撤销原因，例如“行政区划调整，并入城关街道”。")})
    organisation = lock(Organisation, organisation.pk)
    if not organisation.is_active:
        return
    if organisation.parent_id is None:
        raise ValidationError({"reason": _("最上级组织不能撤销。")})
    blockers = close_blockers(organisation)
    if blockers["children"]:
        raise ValidationError(
            {
                "reason": _("“%(name)s”下还有 %(n)s 个在用的下级组织，请先撤销或调整它们。")
                % {"name": organisation.name, "n": blockers["children"]}
            }
        )
    if blockers["accounts"]:
        raise ValidationError(
            {
                "reason": _(
                    "“%(name)s”还有 %(n)s 个在用账号（在该组织有角色），"
                    "须先由安全管理员停用这些账号或撤销其角色。"
                )
                % {"name": organisation.name, "n": blockers["accounts"]}
            }
        )
    organisation.is_active = False
    organisation.save(update_fields=["is_active"])
    record_event(
        actor=actor,
        verb="org.close",
        subject=organisation,
        organisation=organisation,
        from_state=OPEN,
        to_state=CLOSED,
        note=reason,
    )


@transaction.atomic
def organisation_reopen(*, actor, organisation: Organisation, reason: str = "") -> None:
    """A closed organisation in use again (a closing by mistake). Refused while its parent
    is closed: reopen from the top down."""
    _require_manage(actor, organisation)
    organisation = lock(Organisation, organisation.pk)
    if organisation.is_active:
        return
    if organisation.parent_id and not organisation.parent.is_active:
        raise ValidationError(
            {
                "reason": _("上级组织“%(parent)s”已撤销，请先恢复上级组织。")
                % {"parent": organisation.parent.name}
            }
        )
    organisation.is_active = True
    organisation.save(update_fields=["is_active"])
    record_event(
        actor=actor,
        verb="org.reopen",
        subject=organisation,
        organisation=organisation,
        from_state=CLOSED,
        to_state=OPEN,
        note=(reason or "").strip()[:200],
    )

"""Changes to the organisation tree."""

from django.db import transaction

from xieshang.core.audit import record_event

from .models import Department, Organisation


def organisation_name_taken(*, parent: Organisation, name: str, exclude=None) -> bool:
    """Does another organisation directly below `parent` have this name (ignoring case and
    the spaces around it)? Siblings of one name cannot be told apart in any list or picker."""
    siblings = Organisation.objects.filter(parent=parent, name__iexact=(name or "").strip())
    if exclude is not None:
        siblings = siblings.exclude(pk=exclude.pk)
    return siblings.exists()


@transaction.atomic
def organisation_create(
    *, name: str, level: str, parent: Organisation | None = None, actor=None, **fields
) -> Organisation:
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

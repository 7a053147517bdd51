"""Changes to the screening lexicon, made by the office in the product. Each is audited.

An office manages the terms of the organisations in its scope (`portal.screening`); the
deployment-wide terms (no organisation, the seeded lexicon) are the system administrator's
(`system.manage`), because every office's forms use them.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from xieshang.core import access
from xieshang.core.audit import lock, record_event

from .models import ScreeningTerm
from .screening import compact

PERM = "portal.screening"


def can_manage_term(user, organisation) -> bool:
    if organisation is None:
        return access.can(user, "system.manage")
    return access.can(user, PERM, organisation)


@transaction.atomic
def term_add(*, actor, organisation, term: str, category: str, severity: str) -> ScreeningTerm:
    """Add a term (or re-activate the same term of the same scope, with the new category
    and severity). It applies to the next screening."""
    if not can_manage_term(actor, organisation):
        raise PermissionDenied
    term = term.strip()
    if len(compact(term)) < 2:
        # One letter or character would mark half of all requests.
        raise ValidationError({"term": _("筛查词至少两个字（不计空格和标点）。")})
    existing = ScreeningTerm.objects.filter(organisation=organisation, term=term).first()
    if existing is not None:
        if existing.is_active:
            raise ValidationError({"term": _("该筛查词已在词库中。")})
        existing = lock(ScreeningTerm, existing.pk)
        existing.category, existing.severity, existing.is_active = category, severity, True
        existing.save(update_fields=["category", "severity", "is_active"])
        obj = existing
    else:
        obj = ScreeningTerm.objects.create(
            organisation=organisation,
            term=term,
            category=category,
            severity=severity,
            created_by=actor,
        )
    record_event(
        actor=actor,
        verb="screening.term_add",
        subject=obj,
        organisation=organisation,
        note=f"{obj.get_severity_display()}·{obj.get_category_display()}：{obj.term}",
    )
    return obj


@transaction.atomic
def term_set_active(*, actor, term: ScreeningTerm, active: bool) -> ScreeningTerm:
    term = lock(ScreeningTerm, term.pk)
    if not can_manage_term(actor, term.organisation):
        raise PermissionDenied
    if term.is_active == active:
        return term
    term.is_active = active
    term.save(update_fields=["is_active"])
    record_event(
        actor=actor,
        verb="screening.term_activate" if active else "screening.term_deactivate",
        subject=term,
        organisation=term.organisation,
        from_state="inactive" if active else "active",
        to_state="active" if active else "inactive",
        note=term.term,
    )
    return term

"""Conveners (召集人, C5.5).

- The provincial and city members who live in a district (`HigherLevelMember`) are
  convened by the district chair: `ConvenerGroup` records the convener per organisation
  and term; without a record the chair of the term is the convener.
- Each street has a CPPCC work convener (街道政协工作召集人, `StreetConvener`), usually the
  deputy secretary of the street's Party working committee.
- Both keep a dated activity log (`ConvenerActivity`).
"""

import datetime as dt

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Exists, OuterRef, QuerySet
from django.utils.translation import gettext as _

from xieshang.core import access
from xieshang.core.audit import TransitionError, record_event
from xieshang.orgs.models import Level, Organisation, Term

from .models import (
    ConvenerActivity,
    ConvenerGroup,
    HigherLevelMember,
    Member,
    Membership,
    StreetConvener,
)

PERM = "members.conveners"
CHAIR_POSITION = "主席"


def _require(actor, organisation) -> None:
    if not access.can(actor, PERM, organisation):
        raise PermissionDenied


def chair_of(term: Term) -> Member | None:
    """The chair (主席) among the active members of `term`."""
    seat = (
        Membership.objects.filter(
            term=term, status=Membership.Status.ACTIVE, position=CHAIR_POSITION
        )
        .select_related("member")
        .order_by("id")
        .first()
    )
    return seat.member if seat else None


def convener_of(organisation: Organisation, term: Term) -> tuple[Member | None, bool]:
    """(convener, is_default): the recorded convener of the term, else the chair."""
    group = (
        ConvenerGroup.objects.select_related("convener")
        .filter(organisation=organisation, term=term)
        .first()
    )
    if group is not None:
        return group.convener, False
    return chair_of(term), True


@transaction.atomic
def convener_set(
    *, organisation: Organisation, term: Term, convener: Member, actor, note: str = ""
) -> ConvenerGroup:
    """Record who convenes the higher-level members living in `organisation` for `term`:
    an active member of the term. Every resident member of the district moves under them."""
    _require(actor, organisation)
    if term.organisation_id != organisation.pk:
        raise TransitionError(_("所选届次不属于该政协。"))
    if not Membership.objects.filter(
        member=convener, term=term, status=Membership.Status.ACTIVE
    ).exists():
        raise TransitionError(_("召集人应为本届在任委员。"))
    before, _default = convener_of(organisation, term)
    group, _created = ConvenerGroup.objects.update_or_create(
        organisation=organisation,
        term=term,
        defaults={"convener": convener, "note": note.strip()[:200]},
    )
    HigherLevelMember.objects.filter(organisation=organisation).update(convener=convener)
    record_event(
        actor=actor,
        verb="convener.set",
        subject=group,
        organisation=organisation,
        from_state=before.name if before else "",
        to_state=convener.name,
        note=note,
        data={"term": term.pk, "convener": convener.pk},
    )
    return group


@transaction.atomic
def street_convener_set(
    *, street: Organisation, name: str, title: str, actor, user=None
) -> StreetConvener:
    """Record (or replace) a street's CPPCC work convener."""
    _require(actor, street)
    if street.level != Level.STREET:
        raise TransitionError(_("只能为街道（乡镇）设置召集人。"))
    name = name.strip()
    if not name:
        raise TransitionError(_("请填写召集人姓名。"))
    before = StreetConvener.objects.filter(street=street).first()
    old = f"{before.name}（{before.title}）" if before else ""
    row, _created = StreetConvener.objects.update_or_create(
        street=street, defaults={"name": name[:50], "title": title.strip()[:100], "user": user}
    )
    record_event(
        actor=actor,
        verb="street_convener.set",
        subject=street,
        organisation=street,
        from_state=old,
        to_state=f"{row.name}（{row.title}）",
        data={"user": user.pk if user else None},
    )
    return row


@transaction.atomic
def activity_record(
    *,
    organisation: Organisation,
    date: dt.date,
    title: str,
    actor,
    street: Organisation | None = None,
    place: str = "",
    participants: int = 0,
    summary: str = "",
) -> ConvenerActivity:
    """Log an activity of the higher-level members' group (no street) or of a street's
    CPPCC work convener."""
    _require(actor, street or organisation)
    if street is not None and not (
        street.level == Level.STREET and street.path.startswith(organisation.path)
    ):
        raise TransitionError(_("所选街道不在该政协辖区内。"))
    activity = ConvenerActivity.objects.create(
        organisation=organisation,
        street=street,
        date=date,
        title=title.strip()[:200],
        place=place.strip()[:100],
        participants=participants or 0,
        summary=summary.strip(),
        recorded_by=actor if getattr(actor, "pk", None) else None,
    )
    record_event(
        actor=actor,
        verb="convener_activity.record",
        subject=activity,
        note=activity.title,
        data={"date": date.isoformat(), "street": street.pk if street else None},
    )
    return activity


def _convener_for(organisation: Organisation) -> Member | None:
    from .selectors import current_term

    term = current_term(organisation)
    return convener_of(organisation, term)[0] if term else None


@transaction.atomic
def resident_add(*, organisation: Organisation, member: Member, actor) -> HigherLevelMember:
    """Add a provincial or city member (of a committee above `organisation`) who lives in
    the district to the group its convener convenes."""
    _require(actor, organisation)
    if member.organisation_id not in organisation.ancestor_ids() or (
        member.organisation_id == organisation.pk
    ):
        raise TransitionError(_("只能添加上级（省、市）政协的委员。"))
    if HigherLevelMember.objects.filter(organisation=organisation, member=member).exists():
        raise TransitionError(_("%(name)s已在住区委员名单中。") % {"name": member.name})
    row = HigherLevelMember.objects.create(
        organisation=organisation, member=member, convener=_convener_for(organisation)
    )
    record_event(
        actor=actor,
        verb="convener.resident_add",
        subject=member,
        organisation=organisation,
        note=f"{member.name}（{member.organisation}）",
    )
    return row


@transaction.atomic
def resident_remove(*, row: HigherLevelMember, actor) -> None:
    _require(actor, row.organisation)
    member, organisation = row.member, row.organisation
    row.delete()
    record_event(
        actor=actor,
        verb="convener.resident_remove",
        subject=member,
        organisation=organisation,
        note=f"{member.name}（{member.organisation}）",
    )


# --- Reads ----------------------------------------------------------------------------------


def streets_of(organisation: Organisation) -> QuerySet:
    """Streets under `organisation` with their convener (None when missing), missing first."""
    has = StreetConvener.objects.filter(street=OuterRef("pk"))
    return (
        Organisation.objects.filter(level=Level.STREET, path__startswith=organisation.path)
        .annotate(has_convener=Exists(has))
        .select_related("convener", "parent")
        .order_by("has_convener", "path")
    )


def streets_without_convener(organisation: Organisation) -> QuerySet:
    return streets_of(organisation).filter(has_convener=False)


def residents(organisation: Organisation) -> QuerySet:
    """Provincial and city members living in the district."""
    return (
        HigherLevelMember.objects.filter(organisation=organisation)
        .select_related("member", "member__organisation")
        .order_by("member__organisation__path", "member__stroke_key", "member__id")
    )


def activities(organisation: Organisation, year: int | None = None) -> QuerySet:
    qs = ConvenerActivity.objects.filter(organisation=organisation)
    if year:
        qs = qs.filter(date__year=year)
    return qs.select_related("street").order_by("-date", "-id")

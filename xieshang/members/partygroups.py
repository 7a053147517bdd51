"""Party groups of members (委员党小组, C6.2): every Party-member member of a term sits in
exactly one group of that term; the coverage report shows who does not yet.

A Party-member member is one whose seat's party is of kind 中国共产党 (`Party.Kind.CPC`)."""

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import Case, IntegerField, QuerySet, Value, When
from django.utils.translation import gettext as _

from xieshang.core import access
from xieshang.core.audit import TransitionError, record_event
from xieshang.orgs.models import Organisation, Party, Term

from .models import Member, Membership, PartyGroup, PartyGroupMember

PERM = "members.party_groups"


def is_party_member(seat: Membership) -> bool:
    return seat.party_id is not None and seat.party.kind == Party.Kind.CPC


def _check_seat(seat: Membership, term: Term) -> None:
    """The rules a seat must meet to be in (or lead) a group of `term`."""
    if seat.term_id != term.pk:
        raise TransitionError(_("%(name)s不是本届委员。") % {"name": seat.member.name})
    if seat.status != Membership.Status.ACTIVE:
        raise TransitionError(_("%(name)s已不在任。") % {"name": seat.member.name})
    if not is_party_member(seat):
        raise TransitionError(
            _("%(name)s的党派为“%(party)s”，不是中共党员，不能编入委员党小组。")
            % {"name": seat.member.name, "party": seat.party or _("未填写")}
        )


def _leader_seat(leader: Member | None, term: Term) -> None:
    if leader is None:
        return
    seat = (
        Membership.objects.select_related("party", "member")
        .filter(member=leader, term=term)
        .first()
    )
    if seat is None:
        raise TransitionError(_("%(name)s不是本届委员。") % {"name": leader.name})
    _check_seat(seat, term)


@transaction.atomic
def party_group_create(
    *, organisation: Organisation, term: Term, name: str, leader: Member | None, actor
) -> PartyGroup:
    """A new group of `term`, led by a Party-member member of the term (or nobody yet)."""
    if not access.can(actor, PERM, organisation):
        raise PermissionDenied
    name = name.strip()
    if not name:
        raise TransitionError(_("请填写党小组名称。"))
    if term.organisation_id != organisation.pk:
        raise TransitionError(_("所选届次不属于该政协。"))
    if PartyGroup.objects.filter(term=term, name=name).exists():
        raise TransitionError(_("本届已有名为“%(name)s”的党小组。") % {"name": name})
    _leader_seat(leader, term)
    group = PartyGroup.objects.create(
        organisation=organisation, term=term, name=name, leader=leader
    )
    record_event(
        actor=actor,
        verb="party_group.create",
        subject=group,
        note=name,
        data={"term": term.pk, "leader": leader.pk if leader else None},
    )
    return group


@transaction.atomic
def party_group_assign(*, group: PartyGroup, seat: Membership, actor) -> PartyGroupMember:
    """Put a Party-member member of the group's term into the group; one already in another
    group of the term moves (the event says from which). Refused, with the reason, for a
    member who is not a Party member, not in this term or no longer active."""
    if not access.can(actor, PERM, group.organisation):
        raise PermissionDenied
    seat = Membership.objects.select_related("party", "member").get(pk=seat.pk)
    _check_seat(seat, group.term)
    current = PartyGroupMember.objects.select_related("group").filter(membership=seat).first()
    if current is not None and current.group_id == group.pk:
        raise TransitionError(
            _("%(name)s已在“%(group)s”。") % {"name": seat.member.name, "group": group.name}
        )
    if current is not None:
        old = current.group
        current.group = group
        current.save(update_fields=["group"])
        row = current
    else:
        old = None
        try:
            with transaction.atomic():
                row = PartyGroupMember.objects.create(group=group, membership=seat)
        except IntegrityError as exc:  # assigned by someone else a moment ago
            raise TransitionError(_("该委员刚被编入其他党小组，请刷新后重试。")) from exc
    record_event(
        actor=actor,
        verb="party_group.move" if old else "party_group.assign",
        subject=group,
        from_state="",
        note=seat.member.name,
        data={"member": seat.member_id, "from_group": old.pk if old else None},
    )
    return row


@transaction.atomic
def party_group_remove(*, row: PartyGroupMember, actor) -> None:
    group = row.group
    if not access.can(actor, PERM, group.organisation):
        raise PermissionDenied
    name = row.membership.member.name
    member_id = row.membership.member_id
    row.delete()
    record_event(
        actor=actor,
        verb="party_group.remove",
        subject=group,
        note=name,
        data={"member": member_id},
    )


# --- Reads ----------------------------------------------------------------------------------


def groups_of(term: Term) -> QuerySet:
    from django.db.models import Count

    return (
        PartyGroup.objects.filter(term=term)
        .select_related("leader")
        .annotate(size=Count("seats"))
        .order_by("name", "id")
    )


def coverage(term: Term) -> list[Membership]:
    """Every active Party-member member of `term`, those in no group first, then official
    order; `seat.party_group_seat` is the row of the covered ones."""
    rows = (
        Membership.objects.filter(
            term=term, status=Membership.Status.ACTIVE, party__kind=Party.Kind.CPC
        )
        .annotate(
            covered=Case(
                When(party_group_seat__isnull=True, then=Value(0)),
                default=Value(1),
                output_field=IntegerField(),
            )
        )
        .select_related("member", "sector", "party_group_seat__group")
        .order_by("covered", "member__stroke_key", "member__id")
    )
    return list(rows)


def assignable_seats(term: Term) -> QuerySet:
    """The seats a clerk may pick in the assign form: every active seat of the term (the
    service, not the list, refuses a non-Party member, so the clerk reads why)."""
    return (
        Membership.objects.filter(term=term, status=Membership.Status.ACTIVE)
        .select_related("member", "party")
        .order_by("party__sort_order", "member__stroke_key", "member__id")
    )

"""Talks with and visits to members (谈心谈话、走访看望委员, C3.3): recording, the office's
list, the member's own entries and the yearly report.

Staff in scope (`members.contacts`) record and read the entries of their organisations; a
member reads only the entries about themselves (`contacts_of_member`)."""

import datetime as dt
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Count, Exists, OuterRef, QuerySet, Subquery
from django.utils.translation import gettext as _

from xieshang.core import access
from xieshang.core.audit import record_event
from xieshang.orgs.models import Term

from .models import ContactKind, Member, MemberContact, Membership

PERM = "members.contacts"


@transaction.atomic
def contact_record(
    *,
    member: Member,
    kind: str,
    date: dt.date,
    by_name: str,
    topic: str,
    actor,
    by_user=None,
    place: str = "",
    raised: str = "",
    follow_up: str = "",
    followup_department=None,
    followup_days: int | None = None,
) -> MemberContact:
    """Record one talk or visit. With `followup_department`, the department is asked for
    written feedback on what the member raised (a follow-up task due in `followup_days`
    working days). Writes `member_contact.record` (no content of the talk in the audit row:
    it may be personal)."""
    if not access.can(actor, PERM, member.organisation):
        raise PermissionDenied
    contact = MemberContact.objects.create(
        organisation=member.organisation,
        member=member,
        kind=kind,
        date=date,
        by_name=by_name.strip()[:100],
        by_user=by_user,
        place=place.strip()[:100],
        topic=topic.strip()[:200],
        raised=raised.strip(),
        follow_up=follow_up.strip(),
        recorded_by=actor if getattr(actor, "pk", None) else None,
    )
    if followup_department is not None:
        from xieshang.followups.models import Task
        from xieshang.followups.services import task_open

        contact.followup_task = task_open(
            organisation=member.organisation,
            title=_("委员%(name)s反映：%(topic)s") % {"name": member.name, "topic": contact.topic},
            actor=actor,
            kind=Task.Kind.OTHER,
            subject=contact,
            department=followup_department,
            working_days=followup_days or 10,
            request=contact.raised or contact.follow_up,
        )
        contact.save(update_fields=["followup_task"])
    record_event(
        actor=actor,
        verb="member_contact.record",
        subject=contact,
        note=str(contact.get_kind_display()),
        data={
            "member": member.pk,
            "kind": kind,
            "date": date.isoformat(),
            "followup_task": contact.followup_task_id,
        },
    )
    return contact


# --- Reads ----------------------------------------------------------------------------------


@dataclass
class ContactFilter:
    year: int | None = None
    kind: str = ""
    sector: int | None = None
    q: str = ""


def contact_rows(user, f: ContactFilter | None = None) -> QuerySet:
    """Entries the user may read as staff, newest first, filtered."""
    from .selectors import current_terms

    f = f or ContactFilter()
    qs = access.scope(MemberContact.objects.all(), user, PERM)
    if f.year:
        qs = qs.filter(date__year=f.year)
    if f.kind:
        qs = qs.filter(kind=f.kind)
    if f.sector:
        seats = Membership.objects.filter(
            member=OuterRef("member"),
            sector_id=f.sector,
            term__in=current_terms(access.organisations(user, PERM)),
        )
        qs = qs.filter(Exists(seats))
    if f.q:
        qs = qs.filter(member__name__icontains=f.q)
    # The task's department and organisation: whether its link is shown asks the task
    # page's own permission question (followups.policies.can_view) of every row.
    return qs.select_related(
        "member", "organisation", "followup_task__department", "followup_task__organisation"
    ).order_by("-date", "-id")


def contacts_of_member(member: Member) -> QuerySet:
    """The entries about one member: what the member sees on their own page."""
    return MemberContact.objects.filter(member=member).order_by("-date", "-id")


def yearly_report(term: Term, year: int) -> dict:
    """Counts per kind and per sector of `year`'s contacts with the members of `term` who
    served the year (less the seats resigned or revoked by its end or added after it,
    `selectors.not_seated_in`), and those members nobody talked to or visited in the year."""
    from .selectors import not_seated_in

    active = Membership.objects.filter(term=term).exclude(not_seated_in(year))
    contacts = MemberContact.objects.filter(
        organisation=term.organisation, date__year=year, member__memberships__in=active
    )
    kinds = list(ContactKind.choices)
    by_kind = dict(contacts.values_list("kind").annotate(n=Count("id")))
    sector_name = Subquery(
        Membership.objects.filter(member=OuterRef("member"), term=term).values("sector__name")[:1]
    )
    cells = (
        contacts.annotate(sector_name=sector_name)
        .values("sector_name", "kind")
        .annotate(n=Count("id"), people=Count("member", distinct=True))
    )
    contacted_in_year = MemberContact.objects.filter(
        member=OuterRef("member"), date__year=year, organisation=term.organisation
    )
    seats = list(
        active.annotate(contacted=Exists(contacted_in_year))
        .select_related("member", "sector", "party")
        .order_by("sector__sort_order", "sector_id", "member__stroke_key", "member__id")
    )
    unset = _("（未填写）")
    sectors: dict[str, dict] = {}
    for seat in seats:
        label = seat.sector.name if seat.sector else unset
        row = sectors.setdefault(
            label, {"label": label, "members": 0, "contacted": 0, "kinds": {}, "total": 0}
        )
        row["members"] += 1
        row["contacted"] += 1 if seat.contacted else 0
    for cell in cells:
        label = cell["sector_name"] or unset
        row = sectors.setdefault(
            label, {"label": label, "members": 0, "contacted": 0, "kinds": {}, "total": 0}
        )
        row["kinds"][cell["kind"]] = row["kinds"].get(cell["kind"], 0) + cell["n"]
        row["total"] += cell["n"]
    for row in sectors.values():
        row["counts"] = [row["kinds"].get(value, 0) for value, _label in kinds]
        row["share"] = round(row["contacted"] * 100 / row["members"], 1) if row["members"] else 0.0
    not_contacted = [seat for seat in seats if not seat.contacted]
    return {
        "kinds": [
            {"value": v, "label": str(label), "count": by_kind.get(v, 0)} for v, label in kinds
        ],
        "total": sum(by_kind.values()),
        "sectors": list(sectors.values()),
        "members": len(seats),
        "contacted": len(seats) - len(not_contacted),
        "not_contacted": not_contacted,
    }

"""Every change to members and their seats. Each function runs in one transaction and
writes its audit event; personal data in the event is masked (core.pii)."""

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop as N_

from xieshang.core import access, pii
from xieshang.core.audit import (
    TransitionError,
    changed_fields,
    lock,
    record_event,
    save_versioned,
    transition,
)
from xieshang.core.db import analyze
from xieshang.core.notifications import notify
from xieshang.core.phrases import Phrase
from xieshang.core.text import reader_date
from xieshang.orgs.models import Organisation, Role, Term

from .exits import pending_exits
from .models import Category, Member, Membership, MembershipCategory
from .signals import seat_ended

# Fields of Member that the form and the import set.
MEMBER_FIELDS = (
    "name",
    "gender",
    "ethnicity",
    "birth_date",
    "id_number",
    "phone",
    "address",
    "employer",
    "education",
    "email",
    "street",
)
# Fields of the current-term Membership that the form and the import set. `start_date`
# (增补): set only when given, None then meaning "from the term's start"; a new seat not
# given one keeps `_new_seat`'s default.
SEAT_FIELDS = ("sector", "party", "activity_group", "is_standing", "position", "start_date")
PII_FIELDS = ("id_number", "phone", "address")


@dataclass
class MemberInput:
    """What a clerk enters for one member: the person and their seat in the term."""

    member: dict[str, Any]
    seat: dict[str, Any]
    committees: list = field(default_factory=list)
    categories: list[str] = field(default_factory=list)


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return _("是") if value else _("否")
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def _snapshot(member: Member, seat: Membership | None, committees, categories) -> dict[str, str]:
    """A flat, printable picture of the record for `changed_fields`, PII masked."""
    data = {}
    for name in MEMBER_FIELDS:
        if name == "birth_date":
            # Year and month, as the pages show it: with the day, the region prefix and the
            # last four digits a masked ID number keeps give the whole number away.
            data[name] = pii.mask_birth_date(member.birth_date)
            continue
        value = _text(getattr(member, name))
        data[name] = pii.masked(name, value) if name in PII_FIELDS else value
    for name in SEAT_FIELDS:
        data[name] = _text(getattr(seat, name)) if seat is not None else ""
    data["committees"] = "、".join(sorted(str(c) for c in committees))
    labels = dict(Category.choices)
    data["categories"] = "、".join(sorted(str(labels.get(c, c)) for c in categories))
    return data


def _apply_seat(seat: Membership, data: MemberInput) -> None:
    for name in SEAT_FIELDS:
        if name in data.seat:
            setattr(seat, name, data.seat[name])
    seat.save()
    seat.committees.set(data.committees)
    wanted = set(data.categories)
    seat.categories.exclude(category__in=wanted).delete()
    have = set(seat.categories.values_list("category", flat=True))
    MembershipCategory.objects.bulk_create(
        [MembershipCategory(membership=seat, category=c) for c in sorted(wanted - have)]
    )


def _new_seat(member: Member, term: Term) -> Membership:
    """A seat in `term` entered now. Entered after the term began, it is an addition (增补)
    that starts today: the years already past do not evaluate it (`selectors.joined_after`).
    Entered before or on the term's first day, it is one the term began with. This is the
    default only: a start date the clerk gave (the form, the import's column, even empty)
    replaces it in `_apply_seat`."""
    today = timezone.localdate()
    return Membership(
        member=member, term=term, start_date=today if today > term.start_date else None
    )


def _same_organisation(organisation_id: int, term: Term) -> None:
    """A seat is in a term of the member's own organisation: who may see it, and how the
    list counts it (`selectors.membership_count`), follow from that. The forms offer only
    such terms; anything else is a programming error."""
    if term.organisation_id != organisation_id:
        raise ValueError(f"term {term.pk} is not a term of organisation {organisation_id}")


@transaction.atomic
def member_create(
    *, organisation: Organisation, term: Term, data: MemberInput, actor, verb: str = "member.create"
) -> Member:
    """Create a member with their seat in `term`. Writes `member.create` with the entered
    fields (personal data masked)."""
    _same_organisation(organisation.pk, term)
    member = Member(organisation=organisation)
    for name in MEMBER_FIELDS:
        if name in data.member:
            setattr(member, name, data.member[name])
    member.refresh_sort_keys()
    member.save()
    seat = _new_seat(member, term)
    _apply_seat(seat, data)
    empty = {key: "" for key in _snapshot(Member(), None, [], [])}
    after = _snapshot(member, seat, data.committees, data.categories)
    record_event(
        actor=actor,
        verb=verb,
        subject=member,
        note=str(term),
        data={"changed": changed_fields(empty, after), "term": term.pk},
    )
    return member


@transaction.atomic
def member_update(
    *, member: Member, term: Term, expected_version: int, data: MemberInput, actor
) -> Member:
    """Save the clerk's edit of `member` and their seat in `term`, unless someone saved the
    member after the clerk loaded it (raises StaleEdit, nothing written)."""
    _same_organisation(member.organisation_id, term)
    seat = Membership.objects.filter(member=member, term=term).first()
    before = _snapshot(
        member,
        seat,
        list(seat.committees.all()) if seat else [],
        list(seat.categories.values_list("category", flat=True)) if seat else [],
    )
    for name in MEMBER_FIELDS:
        if name in data.member:
            setattr(member, name, data.member[name])
    member.refresh_sort_keys()
    member.updated_at = timezone.now()
    save_versioned(
        member,
        expected_version=expected_version,
        fields=[*MEMBER_FIELDS, "stroke_key", "pinyin_key", "updated_at"],
    )
    if seat is None:
        seat = _new_seat(member, term)
    _apply_seat(seat, data)
    after = _snapshot(member, seat, data.committees, data.categories)
    record_event(
        actor=actor,
        verb="member.update",
        subject=member,
        data={"changed": changed_fields(before, after), "term": term.pk},
    )
    return member


# --- The member's own contact data (我的信息) -------------------------------------------------

# What a member keeps up to date themselves; the rest of the record is the office's.
CONTACT_FIELDS = ("phone", "email", "address", "employer")


@transaction.atomic
def member_update_contact(
    *, member: Member, expected_version: int, data: dict[str, str], actor
) -> dict[str, list[str]]:
    """A member's edit of their own contact data. It takes effect at once (docs/decisions.md):
    `member.self_update` is audited with each field from → to (phone and address masked) and
    the office of the member's committee is told what changed. Raises StaleEdit (nothing
    written) when the record was saved after the member loaded it; returns the changes
    ({} when nothing changed, and then nothing is written)."""
    if getattr(actor, "pk", None) is None or member.user_id != actor.pk:
        raise PermissionDenied
    before = {name: getattr(member, name) or "" for name in CONTACT_FIELDS}
    after = {name: (data.get(name) or "").strip() for name in CONTACT_FIELDS}
    if before == after:
        return {}
    for name in CONTACT_FIELDS:
        setattr(member, name, after[name])
    member.updated_at = timezone.now()
    save_versioned(
        member, expected_version=expected_version, fields=[*CONTACT_FIELDS, "updated_at"]
    )

    # Compared as stored (two numbers can look alike once masked), written masked.
    changed = {
        name: [_shown(name, before[name]), _shown(name, after[name])]
        for name in CONTACT_FIELDS
        if before[name] != after[name]
    }
    record_event(actor=actor, verb="member.self_update", subject=member, data={"changed": changed})
    _tell_office(member, changed)
    return changed


def _shown(name: str, value: str) -> str:
    return pii.masked(name, value) if name in PII_FIELDS else value


def _tell_office(member: Member, changed: dict[str, list[str]]) -> None:
    office = list(access.role_holders(member.organisation_id, Role.OFFICE))
    # One change a line, each read in the reader's language (the field's label too).
    lines = [
        Phrase(
            N_("%(label)s：%(old)s → %(new)s"),
            label=Member._meta.get_field(name).verbose_name,
            old=old or "—",
            new=new or "—",
        )
        for name, (old, new) in changed.items()
    ]
    notify(
        office,
        title=Phrase(N_("委员%(name)s修改了本人联系方式"), name=member.name),
        body=lines,
        url=reverse("members:detail", args=[member.pk]),
    )


# --- Exits (C5.10): the seat changes state, the member and the history stay ----------------

EXIT_VERBS = {
    Membership.Status.RESIGNED: "membership.resign",
    Membership.Status.REVOKED: "membership.revoke",
    Membership.Status.TERM_ENDED: "membership.term_end",
}


def _exit(*, membership: Membership, to: str, actor, reason: str, on_date: dt.date) -> Membership:
    reason = (reason or "").strip()
    if not reason:
        raise TransitionError(_("请填写变更原因。"))
    with transaction.atomic():
        seat = lock(Membership, membership.pk)
        # An exit step another app holds open (a revocation proposal waiting for the
        # chairman's meeting) is decided where it was opened; its decision ends the seat.
        step = pending_exits([seat.pk]).get(seat.pk)
        if step is not None:
            raise TransitionError(
                _("该委员有待决定的退出事项（%(label)s），请先登记其决定，不能直接办理退出。")
                % {"label": step.label}
            )
        term_start = Term.objects.filter(pk=seat.term_id).values_list("start_date", flat=True)[0]
        if term_start is not None and on_date < term_start:
            raise TransitionError(
                _("退出日期不能早于本届开始日期（%(date)s）。") % {"date": reader_date(term_start)}
            )
        seat.status_changed_on = on_date
        seat.status_reason = reason[:200]
        transition(
            seat,
            to=to,
            allowed_from=[Membership.Status.ACTIVE],
            actor=actor,
            verb=EXIT_VERBS[to],
            note=reason,
            extra_fields=["status_changed_on", "status_reason"],
            data={"date": on_date.isoformat(), "member": seat.member_id},
        )
        seat_ended.send(sender=Membership, membership=seat, actor=actor)
    return seat


def membership_resign(*, membership: Membership, actor, reason: str, on_date: dt.date):
    """辞去委员: an active seat ends at the member's request."""
    return _exit(
        membership=membership,
        to=Membership.Status.RESIGNED,
        actor=actor,
        reason=reason,
        on_date=on_date,
    )


def membership_revoke(*, membership: Membership, actor, reason: str, on_date: dt.date):
    """撤销委员资格: the standing committee's decision, recorded with its reason."""
    return _exit(
        membership=membership,
        to=Membership.Status.REVOKED,
        actor=actor,
        reason=reason,
        on_date=on_date,
    )


def membership_end_term(*, membership: Membership, actor, reason: str, on_date: dt.date):
    """届满: the term is over."""
    return _exit(
        membership=membership,
        to=Membership.Status.TERM_ENDED,
        actor=actor,
        reason=reason,
        on_date=on_date,
    )


EXIT_SERVICES = {
    Membership.Status.RESIGNED: membership_resign,
    Membership.Status.REVOKED: membership_revoke,
    Membership.Status.TERM_ENDED: membership_end_term,
}


# --- Import ------------------------------------------------------------------------------


@transaction.atomic
def members_import(
    *, organisation: Organisation, term: Term, rows: list[MemberInput], actor, file_name: str = ""
) -> list[Member]:
    """Create every row or none: the caller validated all rows first, and any database
    error here rolls the whole file back."""
    created = [
        member_create(
            organisation=organisation, term=term, data=row, actor=actor, verb="member.import"
        )
        for row in rows
    ]
    record_event(
        actor=actor,
        verb="member.import_file",
        organisation=organisation,
        note=file_name,
        data={"count": len(created), "term": term.pk},
    )
    # Fresh planner statistics for the rows just written (PostgreSQL; no-op on SQLite).
    analyze(Member, Membership, MembershipCategory)
    return created

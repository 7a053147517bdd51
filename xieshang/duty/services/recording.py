"""Recording duty facts: the one write path into the duty ledger (`record_duty`,
`record_duties`), the years whose scores are settled, and the absences dated after a
member left office."""

import datetime as dt
from decimal import Decimal
from typing import NamedTuple

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_noop as N_

from xieshang.core.phrases import Phrase

from ..models import DutyKind, DutyRecord


def record_duty(
    *,
    member,
    kind: DutyKind | str,
    date: dt.date,
    title: str,
    source: models.Model | None = None,
    quantity: Decimal | int = 1,
    actor=None,
) -> DutyRecord:
    """Record one duty fact for `member`. Idempotent per (member, kind, source object):
    calling it again for the same source returns the existing row unchanged. None when the
    fact is one the member cannot have (an absence after leaving office, `record_duties`)."""
    fact = Fact(member, kind, date, title, source, quantity)
    found = record_duties([fact], actor=actor)
    return found[0] if found else None


class Fact(NamedTuple):
    """One duty fact for `record_duties`."""

    member: object
    kind: str
    date: dt.date
    title: str
    source: models.Model | None = None
    quantity: Decimal | int = 1


def record_duties(facts: list[Fact], *, actor=None) -> list[DutyRecord]:
    """Record many duty facts at once (closing a plenary writes one per member and sitting),
    with the same idempotency as `record_duty`, in a few queries whatever the number.

    A fact dated in a year whose scores are settled (`policies.settling_commendation`: its
    commendation list is with the chairman's meeting or published) is never written into
    that year, whose published scores would move: it is dated today, the day it became
    certain, in the open year (a settled year has always ended, `awards.commendation_submit`),
    with a note saying so on the record (`evidence`) and in the audit log.

    An absence (`ABSENCE_KINDS`) dated after the member left office (`members.selectors.
    exit_dates`: the exit date of a member who holds no seat any more) is not recorded: a
    member who left cannot be absent from a later meeting. The result lists the records of
    the facts kept, in their order."""
    facts = _without_absences_after_exit(facts)

    def key(member_id, kind, content_type_id, object_id):
        return (member_id, str(kind), content_type_id, object_id)

    rows, keys = [], []
    for fact in facts:
        ct = ContentType.objects.get_for_model(fact.source) if fact.source is not None else None
        object_id = str(fact.source.pk) if fact.source is not None else ""
        keys.append(key(fact.member.pk, fact.kind, ct.pk if ct else None, object_id))
        rows.append(
            DutyRecord(
                member=fact.member,
                kind=fact.kind,
                content_type=ct,
                object_id=object_id,
                organisation_id=fact.member.organisation_id,
                date=fact.date,
                title=fact.title[:200],
                quantity=fact.quantity,
                created_by=actor,
            )
        )
    sourced = [k for k in keys if k[2] is not None]
    existing = {}
    if sourced:
        query = models.Q()
        for ct_id in {k[2] for k in sourced}:
            ids = {k[3] for k in sourced if k[2] == ct_id}
            query |= models.Q(content_type_id=ct_id, object_id__in=ids)
        members = {k[0] for k in sourced}
        for record in DutyRecord.objects.filter(query, member_id__in=members):
            existing[
                key(record.member_id, record.kind, record.content_type_id, record.object_id)
            ] = record
    new, result = [], []
    for k, row in zip(keys, rows, strict=True):
        if k[2] is not None and k in existing:
            result.append(existing[k])
            continue
        if k[2] is not None:
            existing[k] = row  # the same fact twice in one call is written once
        new.append(row)
        result.append(row)
    carried = _carry_out_of_settled_years(new)
    DutyRecord.objects.bulk_create(new)
    if carried:
        _audit_carried(carried, actor)
    return result


# The kinds that record a member's absence from a meeting (出席 is not one): a member who
# left office is not absent from the meetings after it (`record_duties`).
ABSENCE_KINDS = frozenset(
    {
        DutyKind.PLENARY_ABSENCE_UNEXCUSED,
        DutyKind.PLENARY_ABSENCE_EXCUSED,
        DutyKind.ABSENCE_UNEXCUSED,
    }
)


def _without_absences_after_exit(facts: list[Fact]) -> list[Fact]:
    """`facts` less the absences dated after the member's exit. One query when there are
    absences among them, none otherwise."""
    from xieshang.members.selectors import exit_dates

    absent = {f.member.pk for f in facts if f.kind in ABSENCE_KINDS}
    if not absent:
        return list(facts)
    left = exit_dates(absent)
    return [
        f
        for f in facts
        if not (f.kind in ABSENCE_KINDS and f.member.pk in left and f.date > left[f.member.pk])
    ]


def on_seat_ended(sender, *, membership, actor, **kwargs) -> None:
    """`members.signals.seat_ended`: once the exit is committed (a 换届 seats the member
    again in the same transaction, and then nothing is removed), take the absences after
    the exit date out of the member's file."""
    from django.db import transaction

    member = membership.member
    transaction.on_commit(lambda: remove_absences_after_exit(member=member, actor=actor))


def remove_absences_after_exit(*, member, actor=None) -> int:
    """Remove from the member's duty file the absences dated after the day they left office
    (recorded before the exit was, e.g. a resignation entered with an earlier date than a
    meeting already closed): one audit row each, on the member's committee. The attendance
    itself stays with the meeting. Returns how many were removed; none while the member
    holds a seat.

    An absence in a settled year (`record_duties`: its commendation list is with the
    chairman's meeting or published) stays, since removing it would move the published
    scores; its audit row (`duty.absence_kept`) says why it was not removed."""
    from django.conf import settings
    from django.utils import translation

    from xieshang.core.audit import record_events
    from xieshang.members.selectors import exit_dates

    from ..policies import settled_reason

    left_on = exit_dates([member.pk]).get(member.pk)
    if left_on is None:
        return 0
    rows = list(
        DutyRecord.objects.filter(
            member=member, kind__in=ABSENCE_KINDS, date__gt=left_on
        ).select_related("member", "organisation")
    )
    if not rows:
        return 0
    settled = _settled_rounds({(r.organisation_id, r.date.year) for r in rows})
    kept = [r for r in rows if (r.organisation_id, r.date.year) in settled]
    removed = [r for r in rows if (r.organisation_id, r.date.year) not in settled]
    if kept:
        notes = {}
        for r in kept:
            # A message with a context cannot be a phrase: the reason in the site's language.
            with translation.override(settings.LANGUAGE_CODE):
                reason = settled_reason(settled[(r.organisation_id, r.date.year)])
            notes[r.pk] = Phrase(
                N_(
                    "已于%(date)s退出，其后的缺席本应移出履职档案；%(reason)s，"
                    "该年度的履职积分已定格，此记录保留。"
                ),
                date=left_on,
                reason=reason,
            )
        record_events(
            actor=actor,
            verb="duty.absence_kept",
            subjects=kept,
            notes=notes,
            reprs={r.pk: f"{r} {r.title}" for r in kept},
        )
    if not removed:
        return 0
    note = Phrase(N_("已于%(date)s退出，其后的缺席不计入履职档案"), date=left_on)
    record_events(
        actor=actor,
        verb="duty.absence_removed",
        subjects=removed,
        notes={r.pk: note for r in removed},
        reprs={r.pk: f"{r} {r.title}" for r in removed},
    )
    DutyRecord.objects.filter(pk__in=[r.pk for r in removed]).delete()
    return len(removed)


def remove_source_records(*, source: models.Model, actor=None, note="") -> list[DutyRecord]:
    """Take out of the duty files the records `source` earned, once it no longer holds (a
    社情民意 adoption corrected or 撤销): one audit row each (`duty.record_removed`, `note`
    saying why), as `remove_absences_after_exit` does for absences. A record in a settled
    year stays, since removing it would move the published scores: its audit row
    (`duty.record_kept`) says so. Returns the records kept (none in an open year)."""
    from django.conf import settings
    from django.utils import translation

    from xieshang.core.audit import record_events

    from ..policies import settled_reason

    rows = list(
        DutyRecord.objects.filter(
            content_type=ContentType.objects.get_for_model(source), object_id=str(source.pk)
        ).select_related("member", "organisation")
    )
    if not rows:
        return []
    settled = _settled_rounds({(r.organisation_id, r.date.year) for r in rows})
    kept = [r for r in rows if (r.organisation_id, r.date.year) in settled]
    removed = [r for r in rows if (r.organisation_id, r.date.year) not in settled]
    for organisation_id in {r.organisation_id for r in rows}:
        own_kept = [r for r in kept if r.organisation_id == organisation_id]
        own_removed = [r for r in removed if r.organisation_id == organisation_id]
        if own_kept:
            notes = {}
            for r in own_kept:
                with translation.override(settings.LANGUAGE_CODE):
                    reason = settled_reason(settled[(r.organisation_id, r.date.year)])
                notes[r.pk] = Phrase(
                    N_("%(note)s；%(reason)s，该年度的履职积分已定格，此记录保留。"),
                    note=note,
                    reason=reason,
                )
            record_events(
                actor=actor,
                verb="duty.record_kept",
                subjects=own_kept,
                organisation=own_kept[0].organisation,
                notes=notes,
                reprs={r.pk: f"{r} {r.title}" for r in own_kept},
            )
        if own_removed:
            record_events(
                actor=actor,
                verb="duty.record_removed",
                subjects=own_removed,
                organisation=own_removed[0].organisation,
                notes={r.pk: note for r in own_removed},
                reprs={r.pk: f"{r} {r.title}" for r in own_removed},
            )
    DutyRecord.objects.filter(pk__in=[r.pk for r in removed]).delete()
    return kept


def _settled_rounds(wanted: set[tuple[int, int]]) -> dict:
    """{(organisation id, year): the commendation round settling it} for the settled
    (organisation, year) pairs among `wanted` (`policies.settling_commendation`). One
    query, none when `wanted` is empty."""
    from ..award_models import Commendation

    if not wanted:
        return {}
    return {
        (c.organisation_id, c.year): c
        for c in Commendation.objects.filter(
            organisation_id__in={o for o, _y in wanted},
            year__in={y for _o, y in wanted},
            status__in=[
                Commendation.Status.SUBMITTED,
                Commendation.Status.APPROVED,
                Commendation.Status.PUBLISHED,
            ],
        ).only("organisation_id", "year", "status")
    }


def _carry_out_of_settled_years(rows: list[DutyRecord]) -> list[DutyRecord]:
    """Date the rows that fall in a settled year today (see `record_duties`), each with its
    note in `evidence` (in the site's language) and as a phrase for its audit row. Returns
    [(row moved, note)]. One query, none when all are this year's."""
    from django.conf import settings
    from django.utils import timezone, translation

    from xieshang.core.phrases import store

    from ..policies import settled_reason

    today = timezone.localdate()
    wanted = {(r.organisation_id, r.date.year) for r in rows if r.date.year != today.year}
    if not wanted:
        return []
    settled = _settled_rounds(wanted)
    carried = []
    for row in rows:
        round_ = settled.get((row.organisation_id, row.date.year))
        if round_ is None:
            continue
        # The reason is a message with a context (policies.settled_reason), which a phrase
        # cannot carry: it is kept in the site's language; the dates read the reader's way.
        with translation.override(settings.LANGUAGE_CODE):
            reason = settled_reason(round_)
        note = Phrase(
            N_(
                "原应记于%(date)s；%(reason)s，该年度的履职积分已定格，改记于%(today)s，"
                "计入%(year)s年度。"
            ),
            date=row.date,
            reason=reason,
            year=today.year,
            today=today,
        )
        row.evidence = store(note)[0]
        row.date = today
        carried.append((row, note))
    return carried


def _audit_carried(carried: list[tuple[DutyRecord, Phrase]], actor) -> None:
    """One audit row per record moved out of a settled year, its note saying why."""
    from xieshang.core.audit import record_events
    from xieshang.orgs.models import Organisation

    notes = {row.pk: note for row, note in carried if row.pk is not None}
    rows = [r for r, _note in carried if r.pk is not None]  # every backend returns the ids
    organisations = Organisation.objects.in_bulk({r.organisation_id for r in rows})
    for organisation_id, organisation in organisations.items():
        own = [r for r in rows if r.organisation_id == organisation_id]
        record_events(
            actor=actor,
            verb="duty.record_carried",
            subjects=own,
            organisation=organisation,
            notes={r.pk: notes[r.pk] for r in own},
            reprs={r.pk: f"{r} {r.title}" for r in own},
        )

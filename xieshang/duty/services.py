"""The one write path into the duty ledger."""

import datetime as dt
from decimal import Decimal
from typing import NamedTuple

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_noop as N_

from xieshang.core.phrases import Phrase, site_text

from .models import DutyKind, DutyRecord


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

    from .policies import settled_reason

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


def _settled_rounds(wanted: set[tuple[int, int]]) -> dict:
    """{(organisation id, year): the commendation round settling it} for the settled
    (organisation, year) pairs among `wanted` (`policies.settling_commendation`). One
    query, none when `wanted` is empty."""
    from .award_models import Commendation

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

    from .policies import settled_reason

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


# --- manual entries, score rules, discipline, certificates ------------------------------

CERTIFICATE_KINDS = [
    DutyKind.PLENARY_HALF_DAY,
    DutyKind.MEETING,
    DutyKind.TRAINING,
    DutyKind.PLENARY_SPEECH,
    DutyKind.INSPECTION,
    DutyKind.STUDIO,
]
MANUAL_KINDS = [
    DutyKind.MEETING,
    DutyKind.TRAINING,
    DutyKind.INSPECTION,
    DutyKind.SECTOR_CONTACT,
    DutyKind.STUDIO,
    DutyKind.OTHER,
]


# At most this many files (photos, a sign-in sheet) support one hand-entered record.
MAX_ENTRY_FILES = 5


def check_entry_files(files) -> None:
    """The files of a hand-entered record, checked here as well as in the form (so no
    other caller bypasses it): at most MAX_ENTRY_FILES, each a JPEG, PNG or PDF that
    passes the upload policy "evidence" (by content, size-limited, a PDF that opens)."""
    from django.core.exceptions import ValidationError
    from django.utils.translation import gettext as _

    from xieshang.core.uploads import check_upload

    if len(files) > MAX_ENTRY_FILES:
        raise ValidationError(
            {"files": _("每条履职记录最多上传%(n)s个佐证材料。") % {"n": MAX_ENTRY_FILES}}
        )
    for file in files:
        try:
            check_upload(file, "evidence")
        except ValidationError as exc:
            raise ValidationError({"files": exc.messages}) from exc


def refuse_after_exit(member, date: dt.date, *, confirming: bool = False) -> None:
    """A hand-entered record (the member's report, the office's 代录) dated after the member
    left office is refused: what a former member did after it is not a member's duty. The
    same check refuses confirming a pending report so dated (`confirming`: the exit was
    entered after the report was), which the office can still return."""
    from django.core.exceptions import ValidationError
    from django.utils.translation import gettext as _

    from xieshang.core.text import reader_date
    from xieshang.members.selectors import exit_dates

    left_on = exit_dates([member.pk]).get(member.pk)
    if left_on is not None and date > left_on:
        if confirming:
            message = _("%(name)s已于%(date)s退出，不能确认此后日期的履职记录，可以退回。")
        else:
            message = _("%(name)s已于%(date)s退出，不能登记此后日期的履职记录。")
        raise ValidationError(message % {"name": member.name, "date": reader_date(left_on)})


def _manual_entry(member, actor, status, *, files=(), **fields) -> DutyRecord:
    """A member's duty fact entered by hand (by the member or the office), in `status`,
    with the files that support it (already checked by `check_entry_files`)."""
    from .models import EntryAttachment

    entry = DutyRecord.objects.create(
        member=member,
        organisation_id=member.organisation_id,
        kind=fields["kind"],
        date=fields["date"],
        title=fields["title"][:200],
        quantity=fields.get("quantity", 1),
        evidence=fields["evidence"],
        source=DutyRecord.Source.MANUAL,
        status=status,
        created_by=actor,
    )
    for file in files:
        EntryAttachment.objects.create(
            record=entry,
            file=file,
            original_name=(file.name or "").rsplit("/", 1)[-1][:255],
            uploaded_by=actor,
        )
    return entry


def manual_entry_submit(
    *, member, actor, kind, date, title, evidence, quantity=1, files=()
) -> DutyRecord:
    """A member reports a duty fact with evidence (a description, and photos or a sign-in
    sheet as files); it counts once the office confirms it."""
    from django.db import transaction
    from django.urls import reverse

    from xieshang.core import access
    from xieshang.core.audit import record_event
    from xieshang.core.notifications import notify
    from xieshang.orgs.models import Role

    from .policies import refuse_if_settled

    refuse_if_settled(member.organisation_id, date.year)
    refuse_after_exit(member, date)
    check_entry_files(files)
    with transaction.atomic():
        entry = _manual_entry(
            member,
            actor,
            DutyRecord.Status.PENDING,
            kind=kind,
            date=date,
            title=title,
            evidence=evidence,
            quantity=quantity,
            files=files,
        )
        record_event(actor=actor, verb="duty.entry_submit", subject=entry, to_state="pending")
        notify(
            access.role_holders(member.organisation, Role.OFFICE),
            title=Phrase(N_("%(name)s 报送了履职记录，待审核"), name=member.name),
            body=title,
            url=reverse("duty:entries"),
            dedupe_key=f"duty.entry.{entry.pk}",
        )
    return entry


def manual_entry_record(
    *, member, actor, kind, date, title, evidence, quantity=1, files=()
) -> DutyRecord:
    """The office enters a duty fact for a member (reported on paper or by phone, say),
    confirmed at once since the office is who confirms; the member is told."""
    from django.db import transaction
    from django.urls import reverse

    from xieshang.core.audit import record_event
    from xieshang.core.notifications import notify

    from .policies import can_manage, refuse_if_settled

    if not can_manage(actor, member.organisation):
        from django.core.exceptions import PermissionDenied

        raise PermissionDenied
    refuse_if_settled(member.organisation_id, date.year)
    refuse_after_exit(member, date)
    check_entry_files(files)
    with transaction.atomic():
        entry = _manual_entry(
            member,
            actor,
            DutyRecord.Status.CONFIRMED,
            kind=kind,
            date=date,
            title=title,
            evidence=evidence,
            quantity=quantity,
            files=files,
        )
        record_event(
            actor=actor,
            verb="duty.entry_record",
            subject=entry,
            to_state="confirmed",
            note=title[:500],
            data={"member": member.pk},
        )
        if member.user_id is not None:
            notify(
                [member.user],
                title=Phrase(N_("办公室为您登记了履职记录：%(t)s"), t=entry.title),
                body=evidence[:500],
                url=reverse("duty:my_file"),
                dedupe_key=f"duty.entry.{entry.pk}.recorded",
            )
    return entry


def manual_entry_decide(*, entry_id: int, actor, approve: bool, note: str = "") -> DutyRecord:
    from django.db import transaction
    from django.urls import reverse

    from xieshang.core.audit import lock, transition
    from xieshang.core.notifications import notify

    from .policies import refuse_if_settled

    with transaction.atomic():
        entry = lock(DutyRecord, entry_id)
        if approve:
            refuse_if_settled(entry.organisation_id, entry.date.year)
            refuse_after_exit(entry.member, entry.date, confirming=True)
        to = DutyRecord.Status.CONFIRMED if approve else DutyRecord.Status.REJECTED
        transition(
            entry,
            to=to,
            allowed_from=[DutyRecord.Status.PENDING],
            actor=actor,
            verb="duty.entry_approve" if approve else "duty.entry_reject",
            note=note,
        )
        user = entry.member.user
        if user is not None:
            notify(
                [user],
                title=Phrase(
                    N_("履职记录已确认：%(t)s") if approve else N_("履职记录未通过：%(t)s"),
                    t=entry.title,
                ),
                body=note,
                url=reverse("duty:my_file"),
                dedupe_key=f"duty.entry.{entry.pk}.{to}",
            )
    return entry


def rules_update(*, organisation, year: int, actor, changes: dict) -> int:
    """Apply {rule_id: (expected_version, points, cap)} to the score table; each changed row
    is saved with an optimistic version check and the whole edit is one audit event."""
    from django.db import transaction

    from xieshang.core.audit import record_event, save_versioned

    from .models import ScoreRule
    from .policies import refuse_if_settled

    refuse_if_settled(organisation.pk, year)
    changed = {}
    with transaction.atomic():
        for rule in ScoreRule.objects.filter(
            organisation=organisation, year=year, pk__in=list(changes)
        ):
            version, points, cap = changes[rule.pk]
            if rule.points == points and rule.cap == cap:
                continue  # already as this user wants it, whoever set it
            before = (str(rule.points), str(rule.cap) if rule.cap is not None else "")
            rule.points, rule.cap = points, cap
            save_versioned(rule, expected_version=version, fields=["points", "cap"])
            changed[rule.kind] = [before, [str(points), str(cap) if cap is not None else ""]]
        if changed:
            record_event(
                actor=actor,
                verb="duty.rules_update",
                organisation=organisation,
                note=str(year),
                data={"changes": changed},
            )
    return len(changed)


def scan_discipline(organisation, year: int, *, actor=None, yearly: bool = True) -> int:
    """Raise discipline cases for `year` (idempotent: one case per member, rule and year).
    Absence rules look at `year` and may fire while it runs: each counts absences that
    already happened. The yearly rules (no contribution, low score) judge `year` and the
    years before it as a whole, so they only run once `year` has ended, whatever the
    caller asks: a year in progress never raises them. They judge the members seated in the
    year's term (`selectors.term_of_year`), also those who left after the year."""
    from django.db.models import Count

    from xieshang.orgs import config

    from . import rules, selectors
    from .models import DisciplineCase

    Rule = DisciplineCase.Rule
    yearly = yearly and selectors.year_ended(year)
    wanted: list[tuple[int, str, str]] = []
    start, end = selectors.year_range(year)
    absences = (
        DutyRecord.objects.filter(
            organisation=organisation,
            kind=DutyKind.PLENARY_ABSENCE_UNEXCUSED,
            status=DutyRecord.Status.CONFIRMED,
            date__gte=start,
            date__lte=end,
        )
        .values("member_id")
        .annotate(n=Count("id"))
        .order_by()
    )
    reminder_at = config.get(organisation, rules.ABSENCE_REMINDER)
    warning_at = config.get(organisation, rules.ABSENCE_WARNING)
    for row in absences:
        facts = site_text(N_("无故缺席全体会议%(n)d次"), n=row["n"])
        if row["n"] >= warning_at:
            wanted.append((row["member_id"], Rule.ABSENCE_WARNING, facts))
        elif row["n"] >= reminder_at:
            wanted.append((row["member_id"], Rule.ABSENCE_REMINDER, facts))

    # The year's members, as its evaluation lists them: the term of that year (after the
    # January 换届 the old term's, their seats now 届满), less seats left by the year's end.
    term = selectors.term_of_year(organisation, year) if yearly else None
    if term is not None:
        from xieshang.members.models import Membership

        idle_years = max(1, int(config.get(organisation, rules.IDLE_YEARS)))
        low_years = max(1, int(config.get(organisation, rules.LOW_SCORE_YEARS)))
        seated = list(
            Membership.objects.filter(term=term)
            .exclude(selectors.left_by(year))
            .values_list("member_id", flat=True)
            .distinct()
        )
        # Only years fully inside the term count: a new member is not idle before joining.
        first_year = term.start_date.year
        # Nor is anyone idle in a year the organisation kept no duty file at all (before it
        # used the system, or a node whose members are filed elsewhere): an empty ledger
        # says nothing about the members.
        looked_at = range(year - max(idle_years, low_years) + 1, year + 1)
        kept = {
            day.year
            for day in DutyRecord.objects.filter(
                organisation=organisation,
                status=DutyRecord.Status.CONFIRMED,
                date__gte=selectors.year_range(looked_at[0])[0],
                date__lte=end,
            ).dates("date", "year")
        }
        first_year = max([first_year] + [y + 1 for y in looked_at if y not in kept])
        idle_span = list(range(year - idle_years + 1, year + 1))
        if seated and idle_span[0] >= first_year:
            active = selectors.contributions_by_year(organisation, seated, idle_span)
            for mid in seated:
                if not active.get(mid):
                    wanted.append(
                        (
                            mid,
                            Rule.NO_CONTRIBUTION,
                            site_text(N_("%(a)d—%(b)d年"), a=idle_span[0], b=idle_span[-1]),
                        )
                    )
        low_span = list(range(year - low_years + 1, year + 1))
        if seated and low_span[0] >= first_year:
            competent = config.get(organisation, rules.GRADE_COMPETENT)
            per_year = [selectors.scores(organisation, y, seated) for y in low_span]
            for mid in seated:
                if all(s[mid].total < competent for s in per_year):
                    wanted.append(
                        (
                            mid,
                            Rule.LOW_SCORE,
                            site_text(N_("%(a)d—%(b)d年"), a=low_span[0], b=low_span[-1]),
                        )
                    )

    existing = set(
        DisciplineCase.objects.filter(organisation=organisation, year=year).values_list(
            "member_id", "rule"
        )
    )
    created = len(_raise_cases(organisation, year, wanted, existing, actor))
    if created:
        from django.urls import reverse

        from xieshang.core import access
        from xieshang.core.notifications import notify
        from xieshang.orgs.models import Role

        notify(
            access.role_holders(organisation, Role.OFFICE),
            title=Phrase(N_("新增%(n)d件履职纪律事项待处理"), n=created),
            url=reverse("duty:cases"),
            dedupe_key=f"duty.cases.{organisation.pk}.{year}.{created}.{len(existing)}",
        )
    return created


def _raise_cases(organisation, year: int, wanted, existing: set, actor) -> list:
    """Open the cases of `wanted` [(member id, rule, facts)] not in `existing`: one INSERT for
    the cases and one for their audit rows (each case's own `duty.case_raise`, from nothing
    to open, by `actor` or the system), in one transaction. A scan running at the same time
    may have raised some meanwhile: then the insert fails on the unique key and the cases
    are raised again after re-reading which exist."""
    from django.db import IntegrityError, transaction

    from xieshang.core.audit import record_events
    from xieshang.members.models import Member

    from .models import DisciplineCase

    seen, new = set(existing), []
    for mid, rule, facts in wanted:
        if (mid, rule) not in seen:
            seen.add((mid, rule))
            new.append((mid, rule, facts))
    if not new:
        return []
    for attempt in range(2):
        try:
            with transaction.atomic():
                cases = DisciplineCase.objects.bulk_create(
                    [
                        DisciplineCase(
                            organisation=organisation, member_id=mid, rule=rule, year=year,
                            facts=facts,
                        )
                        for mid, rule, facts in new
                    ]
                )  # fmt: skip
                if any(case.pk is None for case in cases):  # a backend that returns no ids
                    keys = {(c.member_id, c.rule) for c in cases}
                    cases = [
                        c
                        for c in DisciplineCase.objects.filter(organisation=organisation, year=year)
                        if (c.member_id, c.rule) in keys
                    ]
                names = dict(
                    Member.objects.filter(pk__in={c.member_id for c in cases}).values_list(
                        "pk", "name"
                    )
                )
                labels = dict(DisciplineCase.Rule.choices)
                record_events(
                    actor=actor,
                    verb="duty.case_raise",
                    subjects=cases,
                    organisation=organisation,
                    to_state=DisciplineCase.Status.OPEN,
                    reprs={c.pk: f"{names.get(c.member_id, '')} {labels[c.rule]}" for c in cases},
                    data={"year": year, "scan": True},
                )
            return cases
        except IntegrityError:
            if attempt:
                raise
            taken = set(
                DisciplineCase.objects.filter(
                    year=year, member_id__in={m for m, _r, _f in new}
                ).values_list("member_id", "rule")
            )
            new = [(m, r, f) for m, r, f in new if (m, r) not in taken]
            if not new:
                return []
    return []


def case_decide(*, case_id: int, actor, decision: str, note: str):
    from django.db import transaction
    from django.urls import reverse
    from django.utils import timezone

    from xieshang.core.audit import lock, transition
    from xieshang.core.notifications import notify

    from .models import DisciplineCase

    with transaction.atomic():
        case = lock(DisciplineCase, case_id)
        case.decision_note = note
        case.decided_by = actor
        case.decided_at = timezone.now()
        transition(
            case,
            to=decision,
            allowed_from=[DisciplineCase.Status.OPEN],
            actor=actor,
            verb="duty.case_decide",
            note=note,
            extra_fields=["decision_note", "decided_by", "decided_at"],
        )
        if decision == DisciplineCase.Status.REVOCATION_PROPOSED:
            exit_propose(case=case, actor=actor, reason=note)
        user = case.member.user
        if user is not None and decision != DisciplineCase.Status.DISMISSED:
            notify(
                [user],
                title=Phrase(
                    N_("履职纪律事项处理结果：%(s)s"),
                    s=DisciplineCase.Status(case.status).label,
                ),
                body=note,
                url=reverse("duty:case", args=[case.pk]),
                dedupe_key=f"duty.case.{case.pk}.decided",
            )
    return case


# --- Discipline -> exit (C5.11 -> C5.10) ---------------------------------------------------


def exit_propose(*, case, actor, reason: str):
    """Open the exit step for the member of a case decided as 建议撤销委员资格: a pending
    proposal on their current seat for the chairman's meeting. The seat is not touched.
    Runs in the caller's transaction (the case decision)."""
    from django.urls import reverse
    from django.utils.translation import gettext as _

    from xieshang.core import access
    from xieshang.core.audit import TransitionError, record_event
    from xieshang.core.notifications import notify
    from xieshang.members.models import Membership
    from xieshang.orgs.models import Role

    from .models import ExitProposal

    # The member's seat still in force, newest term first: at the change of term the office
    # records the next term before its members are seated, and the old seats run until then.
    seat = (
        Membership.objects.filter(
            member_id=case.member_id,
            term__organisation=case.organisation,
            status=Membership.Status.ACTIVE,
        )
        .order_by("-term__number")
        .first()
    )
    if seat is None:
        raise TransitionError(_("该委员本届不在任，不能建议撤销委员资格。"))
    if ExitProposal.objects.filter(membership=seat, status=ExitProposal.Status.PENDING).exists():
        raise TransitionError(_("该委员已有待主席会议确认的撤销委员资格建议。"))
    proposal = ExitProposal.objects.create(
        organisation=case.organisation,
        membership=seat,
        case=case,
        reason=(reason or site_text(case.Rule(case.rule).label))[:200],
        proposed_by=actor,
    )
    record_event(
        actor=actor,
        verb="duty.exit_propose",
        subject=proposal,
        to_state=ExitProposal.Status.PENDING,
        note=proposal.reason,
        data={"case": case.pk, "membership": seat.pk},
    )
    notify(
        access.role_holders(case.organisation, Role.CHAIR, Role.OFFICE),
        title=Phrase(N_("撤销%(name)s委员资格的建议待主席会议确认"), name=case.member.name),
        body=proposal.reason,
        url=reverse("duty:case", args=[case.pk]),
        dedupe_key=f"duty.exit.{proposal.pk}.proposed",
    )
    return proposal


def exit_decide(
    *,
    proposal_id: int,
    actor,
    confirm: bool,
    decided_on: dt.date,
    note: str = "",
    meeting=None,
):
    """Record the chairman's meeting's decision on a pending exit. Confirmed: the seat ends
    as 撤销委员资格 on `decided_on` through the members' exit service (its own audit event;
    the member, the seat's history and the duty file stay). Declined: nothing changes on
    the seat. Only staff who may record exits (`members.edit`) record the decision."""
    from django.core.exceptions import PermissionDenied
    from django.db import transaction
    from django.utils import timezone
    from django.utils.translation import gettext as _

    from xieshang.core import access
    from xieshang.core.audit import TransitionError, lock, transition
    from xieshang.members.services import membership_revoke

    from .models import ExitProposal

    with transaction.atomic():
        proposal = lock(ExitProposal, proposal_id)
        if not access.can(actor, "members.edit", proposal.organisation):
            raise PermissionDenied
        if meeting is not None and meeting.organisation_id != proposal.organisation_id:
            raise TransitionError(_("请选择本政协的主席会议。"))
        proposal.decided_on = decided_on
        proposal.decision_note = note
        proposal.meeting = meeting
        proposal.decided_by = actor
        proposal.decided_at = timezone.now()
        to = ExitProposal.Status.CONFIRMED if confirm else ExitProposal.Status.DECLINED
        transition(
            proposal,
            to=to,
            allowed_from=[ExitProposal.Status.PENDING],
            actor=actor,
            verb="duty.exit_confirm" if confirm else "duty.exit_decline",
            note=note,
            extra_fields=["decided_on", "decision_note", "meeting", "decided_by", "decided_at"],
            data={"date": decided_on.isoformat()},
        )
        if confirm:
            from django.conf import settings
            from django.utils import translation

            # The seat's exit reason is data, read by everyone: in the site's language.
            with translation.override(settings.LANGUAGE_CODE):
                meeting_label = str(meeting) if meeting is not None else _("主席会议")
            membership_revoke(
                membership=proposal.membership,
                actor=actor,
                reason=site_text(
                    N_("%(meeting)s确认：%(reason)s"),
                    meeting=meeting_label,
                    reason=proposal.reason,
                ),
                on_date=decided_on,
            )
    return proposal


def certificate_records(member, start: dt.date, end: dt.date):
    return DutyRecord.objects.filter(
        member=member,
        kind__in=CERTIFICATE_KINDS,
        status=DutyRecord.Status.CONFIRMED,
        date__gte=start,
        date__lte=end,
    ).order_by("date", "id")


def certificate_issue(*, member, actor, start: dt.date, end: dt.date):
    import secrets

    from xieshang.core.audit import record_event

    from .models import Certificate

    alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
    code = "".join(secrets.choice(alphabet) for _ in range(12))
    records = list(certificate_records(member, start, end))
    cert = Certificate.objects.create(
        organisation_id=member.organisation_id,
        member=member,
        code=code,
        start_date=start,
        end_date=end,
        activity_count=len(records),
        issued_by=actor,
    )
    record_event(actor=actor, verb="duty.certificate_issue", subject=cert)
    return cert, records


def scan_all(year: int | None = None) -> dict[str, int]:
    """Scan every organisation that has members: the current year for absences, and the
    last completed year for the yearly rules."""
    from django.utils import timezone

    from xieshang.orgs.models import Organisation

    today = timezone.localdate()
    # (year, yearly rules too?): the current year is still running, so only absences count.
    years = [(year, True)] if year else [(today.year - 1, True), (today.year, False)]
    created = 0
    for org in Organisation.objects.filter(members__isnull=False).distinct():
        for y, yearly in years:
            created += scan_discipline(org, y, yearly=yearly)
    return {"created": created}

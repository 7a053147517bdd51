"""A closed year's 办理统计, stored (FiguresSnapshot): what `figures.figures` counted, read
back in a few queries instead of counting the year's rows again (a province's year is some
30,000 proposals and 26,000 answering assignments: 3 s a page where a district's took 0.45 s).

What is stored is the computed result itself, per organisation, year and (for an
organisation with committees below) the export's every-unit variant, so the numbers are
exactly the live ones by construction: the same function counted them. Only the rows are
kept; what the reader's language or today's settings decide is made again on reading: the
labels (session names, 合计, a committee's current name), the totals (added up from the
rows as `figures` does), the shares, the outcome-category labels and the key-proposal
target. The stored figures are used only while

- the year is closed (before the current year: the current year is always counted live),
- nothing they count has changed since: every save or deletion of a proposal, an answering
  assignment, a contact, an answer, a rating, an assignment's follow-up task (its due date
  or submission), a seat, a term, a session, a party, a sector, a handling unit or an
  organisation invalidates the stored figures of the years and organisations it touches
  (signals below; `invalidate` for code that writes with `update()` or `bulk_create`,
  which send none), and
- the organisation's committees below and its outcome-category codes are those they were
  counted with (checked on reading, free: `figures` reads both anyway).

Invalidating empties `data` and raises `generation`; a fill writes only if `generation` is
unchanged since it started counting, so a change made while it counted is never covered
by numbers from before it. A fill marks its row as being counted (`counted_at` set, `data`
still empty) before it reads `generation`; invalidation touches only the rows that hold
data or carry that mark, so saving a closed year's proposal again does not lock and
rewrite the already emptied rows above it (the province's one row, which every save in
the province would otherwise queue on). The nightly job (jobs.py `proposals.fill_figures`, and
`manage.py fill_figures`) counts every closed year of every committee that is missing.
"""

import dataclasses
import datetime as dt
import logging
import time

from django.db import transaction
from django.db.models import F, Q
from django.db.models.signals import post_delete, post_init, post_save
from django.utils import timezone

from xieshang.orgs.models import Level, Organisation

logger = logging.getLogger(__name__)

COMMITTEE_LEVELS = [Level.PROVINCE, Level.CITY, Level.DISTRICT]


def closed(year: int, today: dt.date | None = None) -> bool:
    """A year whose figures may be stored: any year before the current one."""
    return year < (today or timezone.localdate()).year


def _export_key(export: bool, below) -> bool:
    # Without committees below the page's and the export's rows are the same: one snapshot.
    return bool(export and below)


# --- Rows to JSON and back ---------------------------------------------------------------


def _department(row) -> dict:
    data = {f.name: getattr(row, f.name) for f in dataclasses.fields(row)}
    data.pop("shares")
    data["committee"] = row.committee.pk if row.committee else None
    return data


def _session(row) -> dict:
    data = {f.name: getattr(row, f.name) for f in dataclasses.fields(row)}
    data["committee"] = row.committee.pk if row.committee else None
    data.pop("label")  # in the reader's language, made again from `numbers`
    return data


def dump(fig) -> dict:
    """The counted rows of `fig` as JSON; totals, labels, shares and settings are not kept."""
    return {
        "codes": fig.category_codes,
        "below": [o.pk for o in fig.below],
        "departments": [_department(r) for r in fig.departments],
        "committees": [_department(r) for r in fig.committees],
        "sessions": [_session(r) for r in fig.sessions],
        "session_committees": [_session(r) for r in fig.session_committees],
        "received": {"by_time": fig.received.by_time, "by_seat": fig.received.by_seat},
    }


def load(organisation, year: int, data: dict, categories, below, counted_at):
    """`figures.Figures` from stored `data`, with today's labels, target and committees."""
    from . import figures as f

    codes = [code for code, _label in categories]
    committees = {o.pk: o for o in below}

    def department(d: dict) -> f.DepartmentRow:
        committee = committees[d.pop("committee")] if d["committee"] else None
        if committee is not None:
            d["name"] = committee.name
        d.pop("committee", None)
        row = f.DepartmentRow(**d, committee=committee)
        row.shares = row.category_shares(codes)
        return row

    def session(d: dict) -> f.SessionRow:
        committee = committees[d.pop("committee")] if d["committee"] else None
        d.pop("committee", None)
        numbers = tuple(d.pop("numbers")) if d["numbers"] else d.pop("numbers")
        label = committee.name if committee is not None else f.session_label(numbers)
        return f.SessionRow(label=label, numbers=numbers, committee=committee, **d)

    departments = [department(dict(d)) for d in data["departments"]]
    department_committees = [department(dict(d)) for d in data["committees"]]
    total = f.department_total([*departments, *department_committees])
    total.shares = total.category_shares(codes)
    sessions = [session(dict(d)) for d in data["sessions"]]
    session_committees = [session(dict(d)) for d in data["session_committees"]]
    return f.Figures(
        organisation=organisation,
        year=year,
        categories=categories,
        departments=departments,
        department_total=total,
        sessions=sessions,
        session_total=f.session_total(
            [*sessions, *session_committees],
            list_filter={"year": year, "organisation": organisation.pk},
        ),
        key_target=f.config.get(organisation, f.KEY_NONPARTY_TARGET),
        received=f.Received(**data["received"]),
        committees=department_committees,
        session_committees=session_committees,
        below=below,
        counted_at=counted_at,
    )


# --- Reading and filling -------------------------------------------------------------------


def stored(organisation, year: int, export: bool, categories, below):
    """The stored figures (one query, two more for the target), or None: the current year,
    nothing stored, invalidated, or counted with other committees below or other codes."""
    from .models import FiguresSnapshot

    if not closed(year):
        return None
    row = (
        FiguresSnapshot.objects.filter(
            organisation=organisation,
            year=year,
            export=_export_key(export, below),
            data__isnull=False,
        )
        .values_list("data", "counted_at")
        .first()
    )
    if row is None:
        return None
    data, counted_at = row
    if data["below"] != [o.pk for o in below] or data["codes"] != [c for c, _l in categories]:
        return None
    fig = load(organisation, year, data, categories, below, counted_at)
    if export:
        # A district's export reads the page's snapshot: without the charts' counts and
        # the links to the list, as the export counts it.
        fig.received = type(fig.received)()
        for row in fig.departments:
            row.list_filter = {}
    return fig


def fill(organisation, year: int, *, export: bool = False) -> bool:
    """Count the organisation's closed year live and store it, unless something it counts
    changed while it was being counted (then the next fill counts it again). Returns
    whether it was stored. Run outside a transaction (the job, the command): the
    placeholder row must be visible to the invalidations made meanwhile."""
    from . import figures as f
    from .models import FiguresSnapshot

    if not closed(year):
        return False
    below = f.committees_below(organisation)
    key = _export_key(export, below)
    if export and not key:
        return False  # the page's snapshot serves the export
    started = timezone.now()
    with transaction.atomic():
        snap, _created = FiguresSnapshot.objects.get_or_create(
            organisation=organisation, year=year, export=key
        )
    # Marked as being counted first, then the generation read: an invalidation after the
    # mark raises it (it touches marked rows), one before it is seen by the count.
    FiguresSnapshot.objects.filter(pk=snap.pk, data__isnull=True).update(counted_at=started)
    generation = FiguresSnapshot.objects.values_list("generation", flat=True).get(pk=snap.pk)
    categories = f.category_labels(organisation)
    fig = f.counted(organisation, year, key, categories, below)
    written = FiguresSnapshot.objects.filter(pk=snap.pk, generation=generation).update(
        data=dump(fig), counted_at=started
    )
    return bool(written)


def committees() -> list[Organisation]:
    return list(Organisation.objects.filter(level__in=COMMITTEE_LEVELS).order_by("path"))


def fill_closed_years(
    *, today: dt.date | None = None, organisations=None, years=None, progress=None
) -> int:
    """Count and store every closed year (or of `years`) with proposals of every committee
    (or of `organisations`) that has no current stored figures: the page's, and the
    export's for a committee with committees below. Idempotent; returns how many were
    stored. `progress(org, year, export, seconds)` is told of each one counted."""
    from .models import NOT_RECEIVED, FiguresSnapshot, Proposal

    today = today or timezone.localdate()
    orgs = committees() if organisations is None else list(organisations)
    # (organisation path, year) of every received proposal of a closed year, once each.
    pairs = set(
        Proposal.objects.filter(year__lt=today.year)
        .exclude(status__in=NOT_RECEIVED)
        .values_list("organisation__path", "year")
        .distinct()
    )
    done = set(
        FiguresSnapshot.objects.filter(data__isnull=False).values_list(
            "organisation_id", "year", "export"
        )
    )
    stored_n = 0
    for org in orgs:
        found = sorted({y for path, y in pairs if path.startswith(org.path)})
        has_below = org.level in (Level.PROVINCE, Level.CITY) and bool(
            Organisation.objects.filter(parent=org, level__in=COMMITTEE_LEVELS).exists()
        )
        for year in found:
            if years is not None and year not in years:
                continue
            for export in (False, True) if has_below else (False,):
                if (org.pk, year, export) in done:
                    continue
                started = time.monotonic()
                if fill(org, year, export=export):
                    stored_n += 1
                if progress is not None:
                    progress(org, year, export, time.monotonic() - started)
    return stored_n


# --- Invalidation --------------------------------------------------------------------------


def invalidate(organisation_ids, years=None) -> int:
    """Drop the stored figures of these organisations (in the given years, or all): call
    it with an organisation's ancestors after writing what the figures count without
    signals (`update()`, `bulk_create`). Returns how many rows it emptied (those holding
    figures or being counted: an emptied row is left alone, not locked again)."""
    from .models import FiguresSnapshot

    rows = FiguresSnapshot.objects.filter(organisation_id__in=list(organisation_ids))
    if years is not None:
        years = [y for y in years if y is not None and closed(y)]
        if not years:
            return 0
        rows = rows.filter(year__in=years)
    return _empty(rows)


def invalidate_all() -> int:
    from .models import FiguresSnapshot

    return _empty(FiguresSnapshot.objects.all())


def _empty(rows) -> int:
    """Empty the rows that hold figures or are being counted (`fill` marks `counted_at`
    first), now and again once the change commits: a fill that marked its row only after
    this change looked at it (so was skipped), and counted before the change committed, is
    then caught by its generation and does not store figures without the change."""
    rows = rows.filter(Q(data__isnull=False) | Q(counted_at__isnull=False))
    emptied = rows.update(data=None, counted_at=None, generation=F("generation") + 1)
    if transaction.get_connection().in_atomic_block:
        transaction.on_commit(
            lambda: rows.update(data=None, counted_at=None, generation=F("generation") + 1)
        )
    return emptied


def _ancestors(path: str) -> list[int]:
    return [int(part) for part in path.split(".") if part]


def _org_path(instance, field: str = "organisation") -> str | None:
    """The path of `instance`'s organisation: the cached one, else one query."""
    cached = instance._state.fields_cache.get(field)
    if cached is not None:
        return cached.path
    pk = getattr(instance, f"{field}_id")
    return Organisation.objects.filter(pk=pk).values_list("path", flat=True).first()


def _proposal_changed(proposal_filter: dict, proposal=None) -> None:
    """Invalidate the year and the organisations above the proposal (found by `proposal`
    cached on the instance, else by one query), unless its year is the current one."""
    from .models import Proposal

    if proposal is not None:
        if not closed(proposal.year):
            return
        path = _org_path(proposal)
        if path:
            invalidate(_ancestors(path), [proposal.year])
        return
    found = Proposal.objects.filter(**proposal_filter).values_list("year", "organisation__path")
    for year, path in found:
        if closed(year):
            invalidate(_ancestors(path), [year])


def _cached(instance, *chain):
    """The object at the end of `chain` of cached relations of `instance`, or None."""
    for name in chain:
        instance = instance._state.fields_cache.get(name)
        if instance is None:
            return None
    return instance


def _on_proposal_init(sender, instance, **kwargs):
    fields = instance.__dict__
    instance._figures_was = (fields.get("organisation_id"), fields.get("year"))


def _on_proposal(sender, instance, **kwargs):
    was_org, was_year = getattr(instance, "_figures_was", (None, None))
    if was_year is not None and was_org is not None and closed(was_year):
        if (was_org, was_year) != (instance.organisation_id, instance.year):
            path = Organisation.objects.filter(pk=was_org).values_list("path", flat=True).first()
            if path:
                invalidate(_ancestors(path), [was_year])
    if instance.year is not None and closed(instance.year):
        path = _org_path(instance)
        if path:
            invalidate(_ancestors(path), [instance.year])
    instance._figures_was = (instance.organisation_id, instance.year)


def _on_assignment(sender, instance, **kwargs):
    _proposal_changed({"pk": instance.proposal_id}, _cached(instance, "proposal"))


def _on_answer_or_contact(sender, instance, **kwargs):
    proposal = _cached(instance, "assignment", "proposal")
    _proposal_changed({"assignments": instance.assignment_id}, proposal)


def _on_evaluation(sender, instance, **kwargs):
    proposal = _cached(instance, "answer", "assignment", "proposal")
    _proposal_changed({"assignments__answers": instance.answer_id}, proposal)


def _task_dates(task) -> tuple:
    return (task.__dict__.get("submitted_at"), task.__dict__.get("due_date"))


def _on_task_init(sender, instance, **kwargs):
    instance._figures_dates = _task_dates(instance)


def _on_task(sender, instance, created=False, **kwargs):
    """An assignment's task counts for 按时答复 by its due date and submission time; a new
    task has no assignment yet (the assignment's own save invalidates)."""
    if not created and getattr(instance, "_figures_dates", None) != _task_dates(instance):
        _proposal_changed({"assignments__task": instance.pk})
    instance._figures_dates = _task_dates(instance)


def _on_task_delete(sender, instance, **kwargs):
    _proposal_changed({"assignments__task": instance.pk})


def _on_organisation(sender, instance, **kwargs):
    # Its name is in the rows above it; a new or moved committee changes the roll-up.
    if instance.path:
        invalidate(_ancestors(instance.path))


def _on_department(sender, instance, **kwargs):
    path = _org_path(instance)
    if path:
        invalidate(_ancestors(path))


def _on_term(sender, instance, **kwargs):
    path = _org_path(instance)
    if path:
        invalidate(_ancestors(path))


def _on_session(sender, instance, **kwargs):
    from xieshang.orgs.models import Term

    path = (
        Term.objects.filter(pk=instance.term_id)
        .values_list("organisation__path", flat=True)
        .first()
    )
    if path:
        invalidate(_ancestors(path))


def _on_membership(sender, instance, **kwargs):
    # A seat decides the key proposals' democratic-party share and the charts' sector and
    # party of the proposals of its term's organisation.
    term = _cached(instance, "term")
    org = _cached(term, "organisation") if term is not None else None
    if org is not None:
        path = org.path
    else:
        from xieshang.orgs.models import Term

        path = (
            Term.objects.filter(pk=instance.term_id)
            .values_list("organisation__path", flat=True)
            .first()
        )
    if path:
        invalidate(_ancestors(path))


def _on_everywhere(sender, instance, **kwargs):
    # A party's or a sector's name, kind or short name: rare, every stored year.
    invalidate_all()


def connect() -> None:
    """Connect the invalidations (apps.ProposalsConfig.ready)."""
    from xieshang.followups.models import Task
    from xieshang.members.models import Membership
    from xieshang.orgs.models import Department, Party, Sector, Session, Term

    from .models import Answer, Assignment, Contact, Evaluation, Proposal

    uid = "proposals.figures_store"
    post_init.connect(_on_proposal_init, sender=Proposal, dispatch_uid=f"{uid}.proposal_init")
    post_init.connect(_on_task_init, sender=Task, dispatch_uid=f"{uid}.task_init")
    post_save.connect(_on_task, sender=Task, dispatch_uid=f"{uid}.task")
    post_delete.connect(_on_task_delete, sender=Task, dispatch_uid=f"{uid}.task_delete")
    handlers = [
        (Proposal, _on_proposal),
        (Assignment, _on_assignment),
        (Answer, _on_answer_or_contact),
        (Contact, _on_answer_or_contact),
        (Evaluation, _on_evaluation),
        (Organisation, _on_organisation),
        (Department, _on_department),
        (Term, _on_term),
        (Session, _on_session),
        (Membership, _on_membership),
        (Party, _on_everywhere),
        (Sector, _on_everywhere),
    ]
    for model, handler in handlers:
        name = model._meta.label_lower
        post_save.connect(handler, sender=model, dispatch_uid=f"{uid}.{name}.save")
        post_delete.connect(handler, sender=model, dispatch_uid=f"{uid}.{name}.delete")

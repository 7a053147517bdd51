"""Discipline: scanning for cases (absences, no contribution, low scores), raising
them and deciding them."""

from django.utils.translation import gettext_noop as N_

from xieshang.core.phrases import Phrase, site_text

from ..models import DutyKind, DutyRecord
from .revocation import exit_propose


def scan_discipline(organisation, year: int, *, actor=None, yearly: bool = True) -> int:
    """Raise discipline cases for `year` (idempotent: one case per member, rule and year).
    Absence rules look at `year` and may fire while it runs: each counts absences that
    already happened. The yearly rules (no contribution, low score) judge `year` and the
    years before it as a whole, so they only run once `year` has ended, whatever the
    caller asks: a year in progress never raises them. They judge the members seated in the
    year's term (`selectors.term_of_year`), also those who left after the year."""
    from django.db.models import Count

    from xieshang.orgs import config

    from .. import rules, selectors
    from ..models import DisciplineCase

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
            .exclude(selectors.not_seated_in(year))
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

    from ..models import DisciplineCase

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

    from ..models import DisciplineCase

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

"""The member's annual duty report (年度履职报告, C5.7): one PDF per member and year, in the
official layout, built from the ledger and the year's score; the office prints all the
members of a sector or activity group in one file (each member on their own pages, page
numbers restarting at 1, in surname-stroke order).

Only confirmed records are in the report (a pending manual entry is not yet part of the
file). Score and grade are the evaluation page's (`selectors.scores`): a year still
running shows the score so far and 进行中, never a grade.

A batch costs a fixed number of queries whatever its size: the seats, the score table and
its aggregate, and the records of every member at once.
"""

from dataclasses import dataclass, field

from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from xieshang.core import jobs
from xieshang.core.pdf import heading, render_pdf
from xieshang.core.text import chinese_date, chinese_number

from . import policies, selectors
from .models import ATTENDANCE_KINDS, DutyKind, DutyRecord

K = DutyKind
# The report's sections, in the order an annual report reads; each kind in one section.
SECTIONS: list[tuple[object, list[str]]] = [
    (
        gettext_lazy("会议出勤"),
        [
            *ATTENDANCE_KINDS,
            K.PLENARY_ABSENCE_EXCUSED,
            K.PLENARY_ABSENCE_UNEXCUSED,
            K.ABSENCE_UNEXCUSED,
        ],
    ),
    (
        gettext_lazy("提交提案"),
        [
            K.PROPOSAL_FIRST,
            K.PROPOSAL_COSIGNER,
            K.KEY_PROPOSAL_FIRST,
            K.KEY_PROPOSAL_COSIGNER,
            K.EXCELLENT_PROPOSAL_FIRST,
            K.EXCELLENT_PROPOSAL_COSIGNER,
        ],
    ),
    (
        gettext_lazy("反映社情民意信息"),
        [
            K.OPINION_SUBMITTED,
            K.OPINION_ADOPTED,
            K.OPINION_ADOPTED_CITY,
            K.OPINION_ADOPTED_PROVINCE,
            K.OPINION_ADOPTED_NATIONAL,
            K.OPINION_INSTRUCTED,
        ],
    ),
    (gettext_lazy("发言"), [K.PLENARY_SPEECH, K.CONSULTATION_SPEECH]),
    (
        gettext_lazy("参加活动"),
        [K.TRAINING, K.INSPECTION, K.SECTOR_CONTACT, K.STUDIO, K.OTHER],
    ),
]
# A kind added later and not placed above still appears, under the last section.
_SECTION_OF = {kind: i for i, (_title, kinds) in enumerate(SECTIONS) for kind in kinds}

# Batches of more members than this are rendered by the task worker (core.jobs): a PDF page
# costs far more than an Excel row, hence a threshold of its own. Measured on the district
# demo: ~0.45 s a member (three pages) on a busy 2-core machine, so 15 members stay well
# inside a request's time while a 33-member sector (15 s) goes to the worker.
JOB_KIND = "duty.annual_reports"


def job_threshold() -> int:
    return int(getattr(settings, "DUTY_REPORT_JOB_THRESHOLD", 15))


@dataclass
class Section:
    number: str  # 一, 二…
    title: str
    counts: list = field(default_factory=list)  # [(label, items)]
    records: list = field(default_factory=list)

    @property
    def total(self) -> int:
        return sum(n for _label, n in self.counts)


@dataclass
class MemberReport:
    member: object
    seat: object  # members.Membership or None
    score: selectors.Score
    sections: list[Section]
    score_rows: list  # [(label, quantity, points)]


def report_seats(organisation, *, sector=None, group=None, year: int | None = None) -> list:
    """The seats a batch prints: the members of `sector` or `group` in the term of `year`
    (`selectors.term_of_year`; the current term without a year) — the same members as the
    evaluation page: resigned and revoked seats are left out — in surname-stroke order."""
    from xieshang.members.models import Membership

    term = (
        selectors.term_of_year(organisation, year)
        if year is not None
        else selectors.current_term(organisation)
    )
    if term is None:
        return []
    qs = Membership.objects.filter(term=term)
    if year is not None:
        qs = qs.exclude(selectors.not_seated_in(year))
    else:
        qs = qs.exclude(status__in=[Membership.Status.RESIGNED, Membership.Status.REVOKED])
    if sector is not None:
        qs = qs.filter(sector=sector)
    if group is not None:
        qs = qs.filter(activity_group=group)
    return list(
        qs.select_related("member", "sector", "activity_group", "term").order_by(
            "member__stroke_key", "member_id"
        )
    )


def seat_of(member, year: int | None = None):
    """The seat a report of `year` names: the member's seat in the year's term
    (`selectors.term_of_year`, the same term the year is evaluated with), so a past year
    reads the sector, group and post held then, not today's; without a year, or with no
    seat in that term, the seat in the current term, else the latest one."""
    from xieshang.members.models import Membership

    seats = Membership.objects.filter(member=member).select_related(
        "sector", "activity_group", "term"
    )
    organisation = member.organisation
    for term in (
        selectors.term_of_year(organisation, year) if year is not None else None,
        selectors.current_term(organisation),
    ):
        seat = term and seats.filter(term=term).first()
        if seat:
            return seat
    return seats.order_by("-term__number").first()


def build(organisation, year: int, members_seats: list[tuple]) -> list[MemberReport]:
    """One report per (member, seat), in the order given."""
    member_ids = [m.pk for m, _seat in members_seats]
    found = selectors.scores(organisation, year, member_ids)
    start, end = selectors.year_range(year)
    by_member: dict[int, list[DutyRecord]] = {mid: [] for mid in member_ids}
    for record in DutyRecord.objects.filter(
        organisation=organisation,
        member_id__in=member_ids,
        status=DutyRecord.Status.CONFIRMED,
        date__gte=start,
        date__lte=end,
    ).order_by("date", "id"):
        by_member[record.member_id].append(record)
    labels = dict(DutyKind.choices)
    order = {k: i for i, k in enumerate(DutyKind.values)}
    reports = []
    for member, seat in members_seats:
        records = by_member[member.pk]
        sections = [
            Section(number=chinese_number(i + 1), title=str(title))
            for i, (title, _kinds) in enumerate(SECTIONS)
        ]
        counts: dict[str, int] = {}
        for record in records:
            sections[_SECTION_OF.get(record.kind, len(SECTIONS) - 1)].records.append(record)
            counts[record.kind] = counts.get(record.kind, 0) + 1
        for kind in sorted(counts, key=lambda k: order.get(k, 99)):
            section = sections[_SECTION_OF.get(kind, len(SECTIONS) - 1)]
            section.counts.append((labels.get(kind, kind), counts[kind]))
        score = selectors.leave_out(
            found[member.pk], seat and selectors.left_seat(member, year, seat), year
        )
        score_rows = [
            (labels.get(kind, kind), qty, points)
            for kind, (qty, points) in sorted(
                score.by_kind.items(), key=lambda kv: order.get(kv[0], 99)
            )
        ]
        reports.append(MemberReport(member, seat, score, sections, score_rows))
    return reports


def render(organisation, year: int, reports: list[MemberReport]) -> bytes:
    today = timezone.localdate()
    provisional = not selectors.year_ended(year)
    return render_pdf(
        "duty/annual_report/report_pdf.html",
        {
            **heading(organisation.name, _("%(year)d年度政协委员履职报告") % {"year": year}, today),
            "year": year,
            "reports": reports,
            "provisional": provisional,
            "as_of": chinese_date(today),
            "score_number": chinese_number(len(SECTIONS) + 1),
        },
    )


def member_pdf(member, year: int) -> bytes:
    organisation = member.organisation
    # Official documents are Chinese whatever the reader's language: the section titles,
    # duty kinds and grade are built here, before the template, so all of it in Chinese.
    with translation.override(settings.LANGUAGE_CODE):
        reports = build(organisation, year, [(member, seat_of(member, year))])
        return render(organisation, year, reports)


def batch_pdf(organisation, year: int, seats: list) -> bytes:
    with translation.override(settings.LANGUAGE_CODE):  # Chinese, as member_pdf
        return render(organisation, year, build(organisation, year, [(s.member, s) for s in seats]))


def batch_file_name(year: int, label: str) -> str:
    return _("%(year)d年度委员履职报告-%(label)s.pdf") % {"year": year, "label": label}


def batch_target(organisation, *, sector_id=None, group_id=None):
    """(sector, group, label) of the office's own organisation, or None when the id names
    nothing there (another committee's sector reads like one that does not exist)."""
    if sector_id:
        sector = organisation.sectors.filter(pk=sector_id).first()
        return None if sector is None else (sector, None, sector.name)
    if group_id:
        group = organisation.activity_groups.filter(pk=group_id).first()
        return None if group is None else (None, group, group.name)
    return None


@jobs.register(JOB_KIND, gettext_lazy("打印委员年度履职报告"))
def run_batch(job: jobs.Job) -> None:
    # Rights are read again when the job runs: a role removed meanwhile prints nothing.
    organisation = policies.office_organisation(job.owner)
    if organisation is None or organisation.pk != job.organisation_id:
        jobs.fail(job, message=_("您已无权打印委员年度履职报告。"))
        return
    params = job.params
    target = batch_target(
        organisation, sector_id=params.get("sector"), group_id=params.get("group")
    )
    if target is None:
        jobs.fail(job, message=_("所选界别或活动小组已不存在。"))
        return
    sector, group, label = target
    seats = report_seats(organisation, sector=sector, group=group, year=params["year"])
    jobs.progress(job, 0, len(seats))
    content = batch_pdf(organisation, params["year"], seats)  # Chinese, the official document
    # The job page's sentence and the file's name are the clerk's: core.jobs runs the job in
    # the language it was asked in, so they are made here, outside batch_pdf's Chinese.
    jobs.complete(
        job,
        message=_("已生成 %(n)d 名委员的年度履职报告。") % {"n": len(seats)},
        result=(batch_file_name(params["year"], label), content),
    )


def batch_choices(organisation, year: int | None = None) -> tuple[list, list]:
    """The organisation's sectors and activity groups with the number of members each batch
    of `year` would print (two queries); none for a year before the first term, when no
    one sat (the page says so)."""
    from django.db.models import Count, Q

    from xieshang.members.models import Membership

    term = (
        selectors.term_of_year(organisation, year)
        if year is not None
        else selectors.current_term(organisation)
    )
    left = (
        selectors.not_seated_in(year, "memberships__")
        if year is not None
        else Q(memberships__status__in=[Membership.Status.RESIGNED, Membership.Status.REVOKED])
    )
    if term is None:
        sectors = list(organisation.sectors.order_by("sort_order", "id"))
        groups = list(organisation.activity_groups.order_by("id"))
        for row in (*sectors, *groups):
            row.n = 0
        return sectors, groups
    seated = Q(memberships__term=term) & ~left
    sectors = list(
        organisation.sectors.annotate(n=Count("memberships", filter=seated)).order_by(
            "sort_order", "id"
        )
    )
    groups = list(
        organisation.activity_groups.annotate(n=Count("memberships", filter=seated)).order_by("id")
    )
    return sectors, groups

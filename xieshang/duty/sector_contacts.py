"""Members' contacts with the people of their sector, reported per sector (C3.4).

A contact is a manual duty entry of kind 联系界别群众 that the office confirmed (the member
names the people met, e.g. "个体工商户5人", which the entry's title keeps). Per sector and
year the report counts:

- members: the sector's members in the year's term, less the seats resigned or revoked by
  the year's end (as on the evaluation page);
- contacting members: those with at least one confirmed contact in the year;
- contacts: the confirmed contact entries;
- people reached (人次): the numbers written with 人/名/位 in each entry ("个体工商户5人、
  居民3人" is 8); an entry that gives no number counts as 1 — the form requires the people
  met, so at least one person was;
- issues raised: nothing links a contact to what came of it, so this counts the proposals
  (as first proposer) and social-conditions items (社情民意) that the contacting members
  submitted in the same year — what the people who did the contact work brought forward.

Fixed number of queries whatever the number of sectors and members.
"""

import re
from collections import defaultdict
from dataclasses import dataclass, field

from . import selectors
from .models import DutyKind, DutyRecord

ISSUE_KINDS = [DutyKind.PROPOSAL_FIRST, DutyKind.OPINION_SUBMITTED]
_CN_DIGITS = {"零": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7}
_CN_DIGITS |= {"八": 8, "九": 9}
_PEOPLE = re.compile(r"([0-9]{1,5}|[零一二两三四五六七八九十百]{1,5})\s*(?:人|名|位)")


def _chinese_int(text: str) -> int:
    """一 → 1, 十二 → 12, 三十 → 30, 一百零五 → 105; 0 when it is not a number."""
    total, digit = 0, 0
    for char in text:
        if char in _CN_DIGITS:
            digit = _CN_DIGITS[char]
        elif char == "十":
            total += (digit or 1) * 10
            digit = 0
        elif char == "百":
            total += (digit or 1) * 100
            digit = 0
    return total + digit


def people_count(title: str) -> int:
    """People reached by one contact entry, read from its text (1 when no number is given)."""
    found = 0
    for match in _PEOPLE.finditer(title):
        value = match.group(1)
        found += int(value) if value.isdigit() else _chinese_int(value)
    return found or 1


@dataclass
class MemberRow:
    member: object
    contacts: int = 0
    people: int = 0
    issues: int = 0


@dataclass
class SectorRow:
    sector: object  # orgs.Sector, or None for members without a sector
    members: list = field(default_factory=list)  # [MemberRow], stroke order

    @property
    def member_count(self) -> int:
        return len(self.members)

    @property
    def contacting(self) -> int:
        return sum(1 for m in self.members if m.contacts)

    @property
    def contacts(self) -> int:
        return sum(m.contacts for m in self.members)

    @property
    def people(self) -> int:
        return sum(m.people for m in self.members)

    @property
    def issues(self) -> int:
        return sum(m.issues for m in self.members if m.contacts)


def _seats(organisation, year: int):
    """The year's members, as the evaluation page counts them: the seats of the year's term
    (`selectors.term_of_year`; last year's report after a 换届 is the old term's), less those
    resigned or revoked by the year's end or added after it (`selectors.not_seated_in`)."""
    from xieshang.members.models import Membership

    term = selectors.term_of_year(organisation, year)
    if term is None:
        return []
    return list(
        Membership.objects.filter(term=term)
        .exclude(selectors.not_seated_in(year))
        .select_related("member", "sector")
        .order_by("member__stroke_key", "member_id")
    )


def contact_entries(organisation, year: int, member_ids=None):
    start, end = selectors.year_range(year)
    qs = DutyRecord.objects.filter(
        organisation=organisation,
        kind=DutyKind.SECTOR_CONTACT,
        status=DutyRecord.Status.CONFIRMED,
        date__gte=start,
        date__lte=end,
    )
    if member_ids is not None:
        qs = qs.filter(member_id__in=list(member_ids))
    return qs


def report(organisation, year: int, *, sector=None) -> list[SectorRow]:
    """One row per sector (in the sectors' official order; members without a sector last),
    or only `sector`'s row when given."""
    seats = _seats(organisation, year)
    if sector is not None:
        seats = [s for s in seats if s.sector_id == sector.pk]
    rows: dict[int | None, MemberRow] = {}
    by_sector: dict[int | None, SectorRow] = {}
    if sector is not None:
        by_sector[sector.pk] = SectorRow(sector)
    else:
        for s in organisation.sectors.order_by("sort_order", "id"):
            by_sector[s.pk] = SectorRow(s)
    for seat in seats:
        row = by_sector.setdefault(seat.sector_id, SectorRow(seat.sector))
        rows[seat.member_id] = MemberRow(seat.member)
        row.members.append(rows[seat.member_id])
    member_ids = list(rows)
    if member_ids:
        for mid, title in contact_entries(organisation, year, member_ids).values_list(
            "member_id", "title"
        ):
            rows[mid].contacts += 1
            rows[mid].people += people_count(title)
        start, end = selectors.year_range(year)
        issues: dict[int, int] = defaultdict(int)
        for mid in DutyRecord.objects.filter(
            organisation=organisation,
            member_id__in=member_ids,
            kind__in=ISSUE_KINDS,
            status=DutyRecord.Status.CONFIRMED,
            date__gte=start,
            date__lte=end,
        ).values_list("member_id", flat=True):
            issues[mid] += 1
        for mid, n in issues.items():
            rows[mid].issues = n
    # Members without a sector come last.
    none = by_sector.pop(None, None)
    return [*by_sector.values(), *([none] if none else [])]


def entries_of(organisation, year: int, sector=None) -> list[tuple[object, int, object]]:
    """(entry, people reached, sector) for the confirmed contact entries of the year of
    `sector`'s members (of every seated member when None), newest first. Two queries."""
    seats = _seats(organisation, year)
    if sector is not None:
        seats = [s for s in seats if s.sector_id == sector.pk]
    sector_of = {s.member_id: s.sector for s in seats}
    entries = (
        contact_entries(organisation, year, list(sector_of))
        .select_related("member")
        .order_by("-date", "-id")
    )
    return [(e, people_count(e.title), sector_of[e.member_id]) for e in entries]

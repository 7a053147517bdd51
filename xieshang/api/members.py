"""/api/v1/members/: the member list and one member, scoped and masked exactly like the
pages (same selectors, same `core.access` checks, same access log)."""

import datetime as dt
from typing import Literal

from django.http import Http404
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema
from ninja.errors import HttpError

from xieshang.api.schemas import ErrorOut, Id, PageOut, PageQuery, choice, paginate
from xieshang.core import access, pii
from xieshang.core.params import IdsFirst
from xieshang.members import selectors
from xieshang.members.models import Member, Membership

router = Router(tags=["members"])


class SeatOut(Schema):
    id: int
    term: str
    term_number: int
    organisation_id: int
    sector: str | None
    party: str | None
    categories: list[str]
    committees: list[str]
    activity_group: str | None
    is_standing: bool
    position: str
    status: str
    status_label: str
    status_changed_on: dt.date | None


class MemberRowOut(Schema):
    id: int
    name: str
    gender: str
    organisation: str
    employer: str
    phone: str
    seat: SeatOut


class MemberPage(PageOut):
    items: list[MemberRowOut]


class MemberOut(Schema):
    id: int
    name: str
    gender: str
    ethnicity: str
    birth_date: str = Field(
        description="出生日期：有权查看个人信息时为 YYYY-MM-DD，否则只有年月 YYYY-MM；未填为空"
    )
    organisation: str
    organisation_id: int
    employer: str
    education: str
    email: str
    id_number: str
    phone: str
    address: str
    pii_masked: bool
    memberships: list[SeatOut]


class MemberFilters(PageQuery):
    term: Id | None = None
    sector: Id | None = None
    party: Id | None = None
    committee: Id | None = None
    group: Id | None = None
    status: choice(Membership.Status) = ""
    q: str = ""
    order: Literal["stroke", "pinyin"] = "stroke"


def _seat(seat: Membership) -> dict:
    return {
        "id": seat.pk,
        "term": str(seat.term),
        "term_number": seat.term.number,
        "organisation_id": seat.term.organisation_id,
        "sector": seat.sector.name if seat.sector else None,
        "party": seat.party.name if seat.party else None,
        "categories": [str(c.get_category_display()) for c in seat.categories.all()],
        "committees": [c.name for c in seat.committees.all()],
        "activity_group": seat.activity_group.name if seat.activity_group else None,
        "is_standing": seat.is_standing,
        "position": seat.position,
        "status": seat.status,
        "status_label": str(seat.get_status_display()),
        "status_changed_on": seat.status_changed_on,
    }


@router.get("/", response={200: MemberPage, 403: ErrorOut}, summary="委员名单")
def member_list(request, filters: Query[MemberFilters]):
    user = request.auth
    if not access.can(user, "members.view"):
        raise HttpError(403, _("无权查看委员名单。"))
    wanted = selectors.MemberFilter(
        term=filters.term,
        sector=filters.sector,
        party=filters.party,
        committee=filters.committee,
        group=filters.group,
        status=filters.status,
        q=filters.q.strip(),
        order=filters.order,
    )
    pages = selectors.membership_pages(user, wanted)
    count = selectors.membership_count(user, wanted)
    rows = IdsFirst(pages.ids, lambda pks: pages.rows(pks).select_related("term", "activity_group"))
    unmasked = []

    def row(seat: Membership) -> dict:
        m: Member = seat.member
        show = access.can(user, "members.view_pii", m.organisation)
        if show and m.phone:
            unmasked.append(m.pk)
        return {
            "id": m.pk,
            "name": m.name,
            "gender": m.gender,
            "organisation": str(m.organisation),
            "employer": m.employer,
            "phone": m.phone if show else pii.mask_phone(m.phone),
            "seat": _seat(seat),
        }

    page = paginate(rows, filters, row, count=count)
    if unmasked:
        pii.log_access(
            actor=user,
            action="view",
            fields=["phone"],
            count=len(unmasked),
            organisation=access.home_organisation(user),
            note="api:/members/",
        )
    return page


@router.get("/{member_id}", response=MemberOut, summary="委员详情")
def member_detail(request, member_id: int):
    user = request.auth
    member = selectors.member_for_user(user, member_id)
    if member is None:
        raise Http404
    show = access.can(user, "members.view_pii", member.organisation)
    personal = pii.personal_data(actor=user, subject=member, show=show, note="api")
    return {
        "id": member.pk,
        "name": member.name,
        "gender": member.gender,
        "ethnicity": member.ethnicity,
        "organisation": str(member.organisation),
        "organisation_id": member.organisation_id,
        "employer": member.employer,
        "education": member.education,
        "email": member.email,
        **personal,
        "pii_masked": not show,
        "memberships": [_seat(s) for s in selectors.memberships_of(member)],
    }

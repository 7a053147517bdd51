"""/api/v1/members/: the member list and one member, scoped and masked exactly like the
pages (same selectors, same `core.access` checks, same access log)."""

import datetime as dt
from typing import Literal

from django.http import Http404
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status
from ninja.errors import HttpError

from xieshang.api.schemas import (
    ErrorOut,
    Id,
    PageOut,
    PageQuery,
    ValidationErrorOut,
    choice,
    described,
    paginate,
)
from xieshang.core import access, pii
from xieshang.core.params import IdsFirst
from xieshang.members import selectors
from xieshang.members.models import Member, Membership
from xieshang.orgs.models import Term

router = Router(tags=["members"])


class SeatOut(Schema):
    # A seat in one term. Each name comes with the id the member list's filters take
    # (`term` ← `term_id`, `sector` ← `sector_id`, …): the rows are where a script finds them.
    id: int
    term: str
    term_id: int = Field(description="届的编号，即委员名单筛选参数 term 的取值（不是届次）")
    term_number: int = Field(description="届次，如第十五届为 15")
    organisation_id: int
    sector: str | None
    sector_id: int | None = Field(description="界别编号，即筛选参数 sector 的取值")
    party: str | None
    party_id: int | None = Field(description="党派团体编号，即筛选参数 party 的取值")
    categories: list[str]
    committees: list[str]
    committee_ids: list[int] = Field(
        description="所在专委会的编号，与 committees 一一对应，即筛选参数 committee 的取值"
    )
    activity_group: str | None
    activity_group_id: int | None = Field(description="委员活动小组编号，即筛选参数 group 的取值")
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
    # The ids the rows return (`SeatOut`), not the numbers people see: `term` is a term's
    # id, never its 届次 (an id and a number would collide, and an office that sees several
    # committees sees a 第十五届 in each). A term the caller cannot see is a 422, not an
    # empty page (`member_list`).
    term: described(
        Id | None,
        "届：委员行中 seat.term_id 的值（届的编号，不是届次；第十五届不写 15）。"
        "不填为各组织的本届；您无权查看的届回答 422",
    ) = None
    sector: described(Id | None, "界别：委员行中 seat.sector_id 的值") = None
    party: described(Id | None, "党派团体：委员行中 seat.party_id 的值") = None
    committee: described(Id | None, "所在专委会：委员行中 seat.committee_ids 中的一个值") = None
    group: described(Id | None, "委员活动小组：委员行中 seat.activity_group_id 的值") = None
    status: described(choice(Membership.Status), "任职状态，不填为全部") = ""
    q: described(str, "按姓名或工作单位查找") = ""
    order: described(
        Literal["stroke", "pinyin"], "排序：stroke 按姓氏笔画（默认），pinyin 按拼音"
    ) = "stroke"


def _seat(seat: Membership) -> dict:
    committees = list(seat.committees.all())
    return {
        "id": seat.pk,
        "term": str(seat.term),
        "term_id": seat.term_id,
        "term_number": seat.term.number,
        "organisation_id": seat.term.organisation_id,
        "sector": seat.sector.name if seat.sector else None,
        "sector_id": seat.sector_id,
        "party": seat.party.name if seat.party else None,
        "party_id": seat.party_id,
        "categories": [str(c.get_category_display()) for c in seat.categories.all()],
        "committees": [c.name for c in committees],
        "committee_ids": [c.pk for c in committees],
        "activity_group": seat.activity_group.name if seat.activity_group else None,
        "activity_group_id": seat.activity_group_id,
        "is_standing": seat.is_standing,
        "position": seat.position,
        "status": seat.status,
        "status_label": str(seat.get_status_display()),
        "status_changed_on": seat.status_changed_on,
    }


@router.get(
    "/",
    response={200: MemberPage, 403: ErrorOut, 422: ValidationErrorOut},
    summary="委员名单",
    description=(
        "您可查看的委员及其任职，范围与个人信息的遮盖同“委员名单”页面；不填 term 时为各组织的"
        "本届。筛选参数取委员行中的编号：term ← seat.term_id，sector ← seat.sector_id，"
        "party ← seat.party_id，committee ← seat.committee_ids，group ← seat.activity_group_id。"
    ),
)
def member_list(request, filters: Query[MemberFilters]):
    user = request.auth
    if not access.can(user, "members.view"):
        raise HttpError(403, _("无权查看委员名单。"))
    if filters.term is not None and not _term_visible(user, filters.term):
        # The shape of ninja's own 422 for a query parameter (`loc` names it).
        error = {
            "type": "value_error",
            "loc": ["query", "term"],
            "msg": _("没有该届或无权查看：term 为委员行中 term_id 的值（届的编号），不是届次。"),
        }
        return Status(422, {"detail": [error]})
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


def _term_visible(user, term_id: int) -> bool:
    """Whether `term_id` is a term of an organisation whose members the user may list: any
    other number (a 届次 typed for an id, a term of another committee) would answer an empty
    page, which reads as "no such members"."""
    return Term.objects.filter(
        pk=term_id, organisation__in=access.organisations(user, "members.view")
    ).exists()


@router.get(
    "/{member_id}",
    response=MemberOut,
    summary="委员详情",
    description=(
        "一位委员的基本信息和历届任职。无权查看其个人信息时，出生日期只有年月，"
        "手机号、身份证号等已遮盖（pii_masked 为 true）。"
    ),
)
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

"""Types shared by every router: bounded numbers and the error bodies.

An id, a page or a year outside what the database or the calendar can hold is the
caller's mistake: bounding it in the schema makes ninja answer 422 (and documents the
range in the OpenAPI) before a query could overflow SQLite's INTEGER, PostgreSQL's bigint
or `datetime.date`.
"""

from typing import Annotated, Literal

from ninja import Schema
from pydantic import ConfigDict, Field, model_validator
from pydantic_core import PydanticCustomError

from xieshang.core.params import ID_MAX, PAGE_MAX, YEAR_MAX, YEAR_MIN

Id = Annotated[int, Field(ge=1, le=ID_MAX)]
Page = Annotated[int, Field(ge=1, le=PAGE_MAX)]
Year = Annotated[int, Field(ge=YEAR_MIN, le=YEAR_MAX)]


def described(kind, description: str):
    """`kind` with a description in the OpenAPI (a query parameter, a field): the docs are in
    Chinese, like the product."""
    return Annotated[kind, Field(description=description)]


def status_filter(*choices):
    """A list's `status` filter: one of these TextChoices, or "" (the default) for any."""
    return described(choice(*choices), "状态（可选值见下），不填为全部")


YEAR_FILTER = "年度，不填为全部"

# The operations that act as the member (or invitee) in person. API tokens are issued only
# to staff and administrators (`core.api_tokens.may_use`; no setting lets a member hold
# one), so no token holder can call them today: they stay for a future member app with its
# own sign-in (docs/decisions.md). Said in each one's description and in the overview.
MEMBER_ONLY = (
    "**仅限委员本人。** 接口令牌只发给工作人员和管理员，工作人员的令牌调用此接口回答 403。"
    "此接口留待今后有独立登录方式的委员端应用使用；目前委员请在网页（含手机）上办理。"
)
FIRST_PROPOSER_ONLY = (
    "**仅限第一提案人（委员）本人。** 接口令牌只发给工作人员和管理员，工作人员的令牌"
    "看不到委员的草稿（回答 404）。此接口留待今后有独立登录方式的委员端应用使用；"
    "目前委员请在网页（含手机）上修改。"
)
INVITEE_ONLY = (
    "**仅限本次会议的受邀人本人**（主要是委员，也包括以本人账号受邀的领导）。"
    "接口令牌只发给工作人员和管理员，委员不能持有；不在参会名单中的令牌调用时，%s。"
    "委员请在网页（含手机）上办理，此接口留待今后有独立登录方式的委员端应用使用。"
)


def bounded(model, field: str):
    """Text no longer than the model's column (and its page form): a longer one is the
    caller's 422, before SQLite stores it whole or PostgreSQL refuses it with a 500."""
    return Annotated[str, Field(max_length=model._meta.get_field(field).max_length)]


def up_to(max_length: int):
    """Free text no longer than the page's form takes (a note, a feedback, a reason): a
    longer one is the caller's 422 naming the limit, not a row the page could not show or
    edit."""
    return Annotated[str, Field(max_length=max_length)]


class BodyIn(Schema):
    """A request body: a field the operation does not know is the caller's 422 naming it
    (`{"titel": …}` or `{"note": …}` sent to the wrong action would otherwise be dropped
    in silence and answered 200, with nothing changed). The OpenAPI says
    `additionalProperties: false`."""

    model_config = ConfigDict(extra="forbid")


def choice(*choices, blank: bool = True):
    """One of the values of these TextChoices (or "" for any, with `blank`). An unknown
    value is the caller's 422 naming the values allowed, the same on every list; the
    OpenAPI lists them as an enum."""
    values = [v for c in choices for v in c.values] if choices else []
    if blank:
        values.insert(0, "")
    return Literal[tuple(values)]


class PatchIn(BodyIn):
    """A PATCH body: `version` is the one read (a stale edit is the caller's 409), and every
    other field defaults to "leave as it is" (null, or false for a `clear_…` flag). A body
    that changes nothing (only `version`, or only defaults) is the caller's 422
    `nothing_to_change`, before any service runs: no audit event, no new version. A script
    that sent `{"version": 3, "titel": …}` learns of its typo from `BodyIn`; one that sent
    `{"version": 3}` alone learns that it asked for nothing."""

    version: int

    @model_validator(mode="after")
    def _something_to_change(self):
        fields = type(self).model_fields
        if not any(
            getattr(self, name) != field.default
            for name, field in fields.items()
            if name != "version"
        ):
            raise PydanticCustomError("nothing_to_change", "nothing to change")
        return self


# Rows a list answers per page unless the caller asks for another size, and the most it
# may ask for.
PAGE_SIZE = 50
PAGE_SIZE_MAX = 200


class PageQuery(Schema):
    """The paging of every list (each list's filters extend it). A `page_size` out of range
    is the caller's 422 naming it and the limit, like every other bounded parameter, not
    clamped in silence: a script that asked for 1000 rows a page and got 200 would read
    `count` against the wrong page size."""

    page: Annotated[Page, Field(description="页码，从 1 起")] = 1
    page_size: Annotated[
        int,
        Field(ge=1, le=PAGE_SIZE_MAX, description=f"每页条数（1–{PAGE_SIZE_MAX}）"),
    ] = PAGE_SIZE


class PageOut(Schema):
    """The envelope of every list: the total `count` of rows matching the filters, this
    `page` and its `page_size`; each list adds `items`."""

    count: int
    page: int
    page_size: int


def paginate(rows, paging: PageQuery, convert, *, count: int | None = None) -> dict:
    """One page of `rows` (a queryset or anything sliceable with a `count()`) in the list
    envelope, each row through `convert`. `count` is given when the list counts otherwise
    (a cheaper query than counting `rows`)."""
    size = paging.page_size
    start = (paging.page - 1) * size
    return {
        "count": rows.count() if count is None else count,
        "page": paging.page,
        "page_size": size,
        "items": [convert(row) for row in rows[start : start + size]],
    }


class ErrorOut(Schema):
    """A refusal with a message for people (401, 403, 404, 409, 429); a service's refusal is
    a 422 in `ValidationErrorOut`'s shape."""

    detail: str


class ValidationErrorItem(Schema):
    type: str
    loc: list[str | int]
    msg: str


class ValidationErrorOut(Schema):
    """422: what was wrong with the request, one entry per field (ninja's format)."""

    detail: list[ValidationErrorItem]


class FileOut(Schema):
    name: str  # the uploader's file name
    url: str  # the checked download on the pages (a login)
    api_url: str  # the same file for a token's holder (/api/v1/files/)

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

    page: Page = 1
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

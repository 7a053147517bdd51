"""Types shared by every router: bounded numbers and the error bodies.

An id, a page or a year outside what the database or the calendar can hold is the
caller's mistake: bounding it in the schema makes ninja answer 422 (and documents the
range in the OpenAPI) before a query could overflow SQLite's INTEGER, PostgreSQL's bigint
or `datetime.date`.
"""

from typing import Annotated, Literal

from ninja import Schema
from pydantic import ConfigDict, Field

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


class ErrorOut(Schema):
    """A refusal with a message for people (401, 403, 404, and 400 from a service)."""

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

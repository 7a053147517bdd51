"""A rendered region of a page, kept across processes by the change generation (core.changes).

The key lists (the member list, the proposal list, a department's queue) cost 25-80 ms of CPU
a request, most of it Django rendering 50 rows and a filter form and building the ORM's
queries (docs/performance.md, 2026-12-05 and 2026-12-06). What they show changes only when
something is written, so the HTML of their region (everything inside the layout's content
block) is kept in core_renderedregion and served while nothing has been committed since:

    region = regions.cached(request, "members.list", build, templates=["members/_list.html"])

`build()` returns `(template, context, extra)`: the region's template and context, rendered
here with the request, and a JSON-able dict the view needs on every request, hit or miss (the
number of phone numbers shown unmasked, for the personal-data audit; the response's status).
`region.html` is the HTML (safe), `region.extra` that dict, `region.hit` whether it was kept.

A row is served only while all of these hold, and for REGION_CACHE_SECONDS at most:
- the change generation is the one read before the region was built: any committed write to a
  watched table (a role given, a proposal moved, a member edited) makes every region stale;
- the row is the user's own: a region is never served to another user (scope, masking, the
  user's roles are all in it);
- the key matches: the region's name, the request's path and its whole query string (the
  filters, the page), the language, the local day (deadlines counted from today, this year's
  list), the URL prefix, and the code: the caller's module, the named templates and the
  compiled translations (their files' mtimes).
The age bound covers what no write shows (SQL typed outside Django, the hour passing).

A region is rendered with a fixed placeholder as its `csrf_token` (CSRF_PLACEHOLDER, what
`{% csrf_token %}` and `{{ csrf_token }}` print), and kept so: the placeholder is replaced by
this request's token (`get_token`) on every read, kept or built alike, and by the same
function when the cache is off, so a region with POST forms (the proposal page) is kept with
no user's token in it and its forms post with the reader's. `render` is the same without
keeping (a page shown again with a refused form's input).

What a region must not hold, and the callers' templates do not: messages (the layout's,
outside the region), anything read from the session, a link or value that expires before
the age bound (the file links of core.files are plain paths, checked when followed). What
stays per request, in the view and outside `build`: the permission check before it, and the
audit of personal data shown after it (from `extra`), so a hit is audited as a build is. Off
in the tests' settings (their transactions never commit): tests/core/test_regions.py turns
it on.

Underneath, `kept(user_id, key, build_body, max_age)` keeps any JSON-able body per user and key
on these terms (the generation, the user, the age bound; the key digests the rest): `cached`
keeps a region's HTML and `extra` with it, `core.dashboard.cached_cards` the home cards (under
HOME_CARDS_CACHE_SECONDS, with a key of the language, the day, the URL prefix and its
providers' code, and no path). Storing a row removes the user's rows older than the storing
caller's bound, whichever kind they are.
"""

import datetime as dt
import functools
import hashlib
import json
import logging
import os
import sys
from collections.abc import Callable, Iterable
from contextlib import nullcontext
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.db import DatabaseError, connections, router, transaction
from django.middleware.csrf import get_token
from django.template import loader
from django.urls import get_script_prefix
from django.utils import timezone, translation
from django.utils.safestring import SafeString, mark_safe

logger = logging.getLogger(__name__)


@dataclass
class Region:
    html: SafeString
    extra: dict = field(default_factory=dict)
    hit: bool = False

    def __str__(self) -> str:
        return self.html

    def __html__(self) -> str:
        return self.html


Build = Callable[[], tuple[str, dict, dict]]

_READ = (
    'SELECT g."n", r."body" FROM "core_changegeneration" g '
    'LEFT JOIN "core_renderedregion" r ON r."user_id" = %s AND r."key" = %s '
    'AND r."built_at" >= %s AND r."generation" = g."n" '
    'WHERE g."id" = 1'
)
_UPSERT = (
    'INSERT INTO "core_renderedregion" ("user_id", "key", "generation", "built_at", "body") '
    "VALUES (%s, %s, %s, %s, %s) "
    'ON CONFLICT ("user_id", "key") DO UPDATE SET "generation" = EXCLUDED."generation", '
    '"built_at" = EXCLUDED."built_at", "body" = EXCLUDED."body"'
)
# A user's rows past the age bound, removed when one of theirs is stored: the table holds at
# most the regions each user opened within REGION_CACHE_SECONDS.
_PRUNE = 'DELETE FROM "core_renderedregion" WHERE "user_id" = %s AND "built_at" < %s'


# What a region is rendered with as its CSRF token: as long as a real one, of letters only (so
# that escaping leaves it as it is), and no word anyone types.
CSRF_PLACEHOLDER = "XsRegionCsrfPlaceholder" + "Q" * 41


def enabled() -> bool:
    return getattr(settings, "REGION_CACHE", False)


def cached(request, name: str, build: Build, *, templates: Iterable[str] = ()) -> Region:
    """The region `name` of this request's page: kept, or built by `build` and kept."""
    user = getattr(request, "user", None)
    if not enabled() or not getattr(user, "is_authenticated", False):
        return render(request, build)
    key = region_key(request, name, code_of((build.__module__,), tuple(templates)))

    def build_body() -> dict:
        html, extra = _render(request, build)
        return {"html": html, "extra": extra}

    body, hit = kept(user.pk, key, build_body, settings.REGION_CACHE_SECONDS)
    return Region(_with_token(request, body["html"]), body["extra"], hit=hit)


def kept(user_id, key: str, build_body: Callable[[], object], max_age: int) -> tuple[object, bool]:
    """The JSON-able body kept for (`user_id`, `key`) and True, while the change generation
    is the one read before it was built and it is younger than `max_age` seconds; else
    `build_body()`, stored at that generation, and False. What `key` must digest (everything
    the body was built under but the user and the generation) is the caller's: `region_key`
    for a page's region, `core.dashboard` for the home cards. The rows of both live in
    core_renderedregion; storing one removes the user's rows older than `max_age`."""
    from .models import RenderedRegion

    alias = router.db_for_write(RenderedRegion)
    connection = connections[alias]
    ops = connection.ops
    now = timezone.now()
    oldest = ops.adapt_datetimefield_value(now - dt.timedelta(seconds=max_age))
    with connection.cursor() as cursor:
        cursor.execute(_READ, [user_id, key, oldest])
        row = cursor.fetchone()
    if row is not None and row[1] is not None:
        return json.loads(row[1]), True
    # The generation was read before building: a write committed meanwhile leaves the new
    # row stale, never the other way round.
    body = build_body()
    if row is None:  # no generation row (a flushed test database): nothing to store at
        return body, False
    stored = json.dumps(body, ensure_ascii=False)
    try:
        # A savepoint only inside a transaction, where a failed statement would break it.
        with transaction.atomic(using=alias) if connection.in_atomic_block else nullcontext():
            with connection.cursor() as cursor:
                cursor.execute(_PRUNE, [user_id, oldest])
                cursor.execute(
                    _UPSERT, [user_id, key, row[0], ops.adapt_datetimefield_value(now), stored]
                )
    except DatabaseError:
        # A read-only database (a replica, the bench's --read-only) or a locked SQLite file:
        # the body is right, only not kept.
        logger.debug("body %s of user %s not stored", key[:8], user_id, exc_info=True)
    return body, False


def render(request, build: Build) -> Region:
    """The region `build` describes, rendered for this request and not kept."""
    html, extra = _render(request, build)
    return Region(_with_token(request, html), extra)


def _render(request, build: Build) -> tuple[str, dict]:
    """The region's HTML with CSRF_PLACEHOLDER for the token, and its `extra`."""
    template, context, extra = build()
    # The context's own csrf_token stands above the context processor's (the real token).
    context = {**context, "csrf_token": CSRF_PLACEHOLDER}
    return loader.render_to_string(template, context, request), extra


def _with_token(request, html: str) -> SafeString:
    """`html` with this request's CSRF token for the placeholder (asked for only when a
    form needs it: a page without one sets no CSRF cookie)."""
    if CSRF_PLACEHOLDER in html:
        html = html.replace(CSRF_PLACEHOLDER, get_token(request))
    return mark_safe(html)


def region_key(request, name: str, code: str) -> str:
    return key_of(
        name,
        request.path,
        request.META.get("QUERY_STRING", ""),
        translation.get_language() or settings.LANGUAGE_CODE,
        timezone.localdate().isoformat(),
        get_script_prefix(),
        code,
    )


def key_of(*parts: str) -> str:
    """The key `kept` stores a body under: a digest of everything it was built under."""
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()


@functools.lru_cache(maxsize=32)
def code_of(modules: tuple[str, ...], templates: tuple[str, ...] = ()) -> str:
    """The code a body was built by: the named modules (`module` or `module:qualname`, by
    their files' modification times), the named templates and the compiled translations,
    likewise: new code is a new key (a deploy's `migrate` also moves the generation)."""
    parts = []
    for name in modules:
        module = name.partition(":")[0]
        parts += [name, _mtime(getattr(sys.modules.get(module), "__file__", None))]
    for name in templates:
        origin = loader.get_template(name).origin
        parts.append(f"{name}:{_mtime(origin.name)}")
    for folder in settings.LOCALE_PATHS:
        for mo in sorted(Path(folder).glob("*/LC_MESSAGES/*.mo")):
            parts.append(f"{mo}:{_mtime(mo)}")
    return hashlib.sha256("|".join(parts).encode()).hexdigest()[:32]


def _mtime(path) -> str:
    try:
        return str(os.stat(path).st_mtime_ns) if path else ""
    except OSError:
        return ""

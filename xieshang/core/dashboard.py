"""The home page's work cards. Each app registers a provider in its AppConfig.ready():

    dashboard.register(proposal_cards)   # (user) -> list[Card]

so the home page shows, for whoever logs in, what waits for them in every module ("3 件待
审查", "2 项已逾期") without core knowing any domain. A provider asks only what its cards
need, with counts done in the database.
"""

import datetime as dt
import functools
import hashlib
import json
import logging
import os
import sys
from collections.abc import Callable
from contextlib import nullcontext
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.exceptions import EmptyResultSet
from django.db import DatabaseError, connections, router, transaction
from django.urls import get_script_prefix, reverse
from django.utils import timezone, translation
from django.utils.translation import gettext, gettext_lazy

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Card:
    title: str
    description: str
    url: str
    count: int | None = None  # shown as a badge when not None
    urgent: bool = False  # overdue and the like: the badge turns red
    order: int = 50


_providers: list[Callable] = []


def register(provider: Callable) -> Callable:
    if provider not in _providers:
        _providers.append(provider)
    return provider


def counts(*querysets) -> list[int]:
    """The number of rows of each queryset, asked in one round trip to the database.

    A card usually needs two or three counts (waiting, overdue); asking them one by one
    costs a round trip each, and the home page adds up a dozen cards. Each queryset becomes
    a `(SELECT COUNT(*) FROM (...))` column of one SELECT: the same rows as `.count()`
    (distinct, slices and joins included), one statement. All querysets must use the same
    database.
    """
    if not querysets:
        return []
    alias = querysets[0].db
    columns, params = [], []
    for i, qs in enumerate(querysets):
        if qs.db != alias:
            raise ValueError("counts() needs querysets of one database")
        if not (qs.query.distinct or qs.query.group_by or qs.query.is_sliced):
            # Only the key: the same rows, and a statement that is quicker to build and to
            # run than one naming every column of the model.
            qs = qs.values("pk")
        query = qs.query.chain()
        if query.is_empty():
            columns.append("0")
            continue
        if not query.is_sliced:
            query.clear_ordering(force=True)
        try:
            sql, sql_params = query.get_compiler(using=alias).as_sql(with_col_aliases=True)
        except EmptyResultSet:  # e.g. filter(pk__in=[])
            columns.append("0")
            continue
        columns.append(f"(SELECT COUNT(*) FROM ({sql}) xs_count_{i})")
        params.extend(sql_params)
    if all(column == "0" for column in columns):
        return [0] * len(columns)  # nothing can match: no round trip
    with connections[alias].cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(columns), params)
        return [int(n) for n in cursor.fetchone()]


def cards_for(user) -> list[Card]:
    """The user's home cards: from the cross-process cache when HOME_CARDS_CACHE is on and
    its row is current, else built (and stored)."""
    if settings.HOME_CARDS_CACHE and getattr(user, "is_authenticated", False):
        return cached_cards(user)
    return build_cards(user)


def build_cards(user) -> list[Card]:
    cards: list[Card] = []
    for provider in _providers:
        cards.extend(provider(user))
    return sorted(cards, key=lambda c: c.order)


# --- The cache of each user's cards, shared by every worker process ------------------------
#
# The cards cost 16-20 ms of CPU a request, almost all of it Django building the providers'
# querysets (docs/performance.md, 2026-12-05). A row of core_homecards holds one user's cards
# in one language as built on one day at one change generation (core.changes); it is served
# only while all of these still hold, and for HOME_CARDS_CACHE_SECONDS at most:
# - the generation is the current one: no committed write has been seen since it was read
#   (before the cards were built) — a change of the user's roles, organisation, rules or of
#   anything counted moves it on;
# - the day is today: counts of what is overdue, the year's score, the holiday notice's season;
# - the language is the request's: the cards' text;
# - `context`: the URL prefix the links were reversed under and the code that built them
#   (providers, their modules' and the translations' files; `_context`);
# - the age bound covers what no write shows: raw SQL outside Django, and the one card whose
#   count depends on the hour (platforms' 近期议事会, planned sessions from 12 hours ago to 30
#   days ahead: one entering or leaving that window shows up to the bound late).
# Nothing else reaches the providers: no settings, no session, no request.

_READ = (
    'SELECT g."n", c."cards" FROM "core_changegeneration" g '
    'LEFT JOIN "core_homecards" c ON c."user_id" = %s AND c."language" = %s AND c."day" = %s '
    'AND c."context" = %s AND c."built_at" >= %s AND c."generation" = g."n" '
    'WHERE g."id" = 1'
)
_UPSERT = (
    'INSERT INTO "core_homecards" '
    '("user_id", "language", "day", "context", "generation", "built_at", "cards") '
    "VALUES (%s, %s, %s, %s, %s, %s, %s) "
    'ON CONFLICT ("user_id", "language") DO UPDATE SET "day" = EXCLUDED."day", '
    '"context" = EXCLUDED."context", "generation" = EXCLUDED."generation", '
    '"built_at" = EXCLUDED."built_at", "cards" = EXCLUDED."cards"'
)


def cached_cards(user) -> list[Card]:
    """`build_cards`, through core_homecards: one query when the row is current; on a miss
    the generation comes from that same query (read before the cards are built, so a write
    committed meanwhile leaves the new row stale, never the other way round), then the cards
    are built and stored at it (a write that does not move the generation)."""
    from .models import HomeCards

    alias = router.db_for_write(HomeCards)
    connection = connections[alias]
    ops = connection.ops
    now = timezone.now()
    key = [
        user.pk,
        translation.get_language() or settings.LANGUAGE_CODE,
        ops.adapt_datefield_value(timezone.localdate(now)),
        _context(get_script_prefix()),
    ]
    oldest = now - dt.timedelta(seconds=settings.HOME_CARDS_CACHE_SECONDS)
    with connection.cursor() as cursor:
        cursor.execute(_READ, [*key, ops.adapt_datetimefield_value(oldest)])
        row = cursor.fetchone()
    if row is not None and row[1] is not None:
        return [Card(*fields) for fields in json.loads(row[1])]
    cards = build_cards(user)
    if row is None:  # no generation row (a flushed test database): nothing to store at
        return cards
    stored = json.dumps(
        [[str(c.title), str(c.description), str(c.url), c.count, c.urgent, c.order] for c in cards],
        ensure_ascii=False,
    )
    try:
        # A savepoint only inside a transaction, where a failed statement would break it.
        with transaction.atomic(using=alias) if connection.in_atomic_block else nullcontext():
            with connection.cursor() as cursor:
                cursor.execute(_UPSERT, [*key, row[0], ops.adapt_datetimefield_value(now), stored])
    except DatabaseError:
        # A read-only database (a replica, the bench's --read-only) or a locked SQLite file:
        # the cards are right, only not kept.
        logger.debug("home cards of user %s not stored", user.pk, exc_info=True)
    return cards


@functools.lru_cache(maxsize=8)
def _code(providers: tuple) -> str:
    """The providers and when their modules and the compiled translations last changed."""
    parts = []
    for provider in providers:
        parts.append(f"{provider.__module__}.{provider.__qualname__}")
        path = getattr(sys.modules.get(provider.__module__), "__file__", None)
        parts.append(_mtime(path))
    for folder in settings.LOCALE_PATHS:
        for mo in sorted(Path(folder).glob("*/LC_MESSAGES/*.mo")):
            parts.append(f"{mo}:{_mtime(mo)}")
    return "|".join(parts)


def _mtime(path) -> str:
    try:
        return str(os.stat(path).st_mtime_ns) if path else ""
    except OSError:
        return ""


@functools.lru_cache(maxsize=8)
def _digest(prefix: str, code: str) -> str:
    return hashlib.sha256(f"{prefix}\n{code}".encode()).hexdigest()[:32]


def _context(prefix: str) -> str:
    return _digest(prefix, _code(tuple(_providers)))


# The administration and reference pages of core itself: (title, description, url name,
# any of these permissions).
CORE_LINKS = [
    (
        gettext_lazy("委员名单"),
        gettext_lazy("查询、编辑和导出委员信息"),
        "members:list",
        ("members.view",),
    ),
    (
        gettext_lazy("检查与统计"),
        gettext_lazy("全员入委等检查和统计"),
        "members:checks",
        ("checks.view",),
    ),
    (
        gettext_lazy("账号与角色"),
        gettext_lazy("创建账号、分配角色、重置密码、解锁"),
        "users",
        ("security.manage",),
    ),
    (gettext_lazy("组织机构"), gettext_lazy("维护组织树"), "organisations", ("system.manage",)),
    (
        gettext_lazy("工作日调整"),
        gettext_lazy("法定节假日和调休上班日"),
        "calendar_days",
        ("system.manage",),
    ),
    (
        gettext_lazy("规则设置"),
        gettext_lazy("审查时限、分类、考核分数线等可配置规则"),
        "orgs:rules_home",
        ("orgs.rules",),
    ),
    (
        gettext_lazy("审计日志"),
        gettext_lazy("查询和导出操作记录"),
        "audit_log",
        ("audit.view", "audit.view_admins"),
    ),
]


def core_cards(user) -> list[Card]:
    from . import access

    return [
        Card(str(title), str(description), reverse(name), order=80)
        for title, description, name, perms in CORE_LINKS
        if any(access.can(user, perm) for perm in perms)
    ]


def calendar_cards(user) -> list[Card]:
    """From November 1, the office and the system administrator see that next year's
    holiday schedule is not entered yet: deadlines in that year may still move."""
    from django.utils import timezone

    from xieshang.orgs.models import Role

    from . import access, calendar

    today = timezone.localdate()
    if today.month < calendar.NOTICE_SEASON_MONTH:
        return []
    roles = {ra.role for ra in access.assignments(user)}
    if not (roles & {Role.OFFICE, Role.SYSTEM_ADMIN} or getattr(user, "is_superuser", False)):
        return []
    year = today.year + 1
    if calendar.year_confirmed(year):
        return []
    return [
        Card(
            gettext("%(year)s年调休安排未录入") % {"year": year},
            gettext("明年调休安排尚未录入，截止日期可能有变"),
            reverse("calendar_year", args=[year]),
            urgent=True,
            order=5,
        )
    ]


register(core_cards)
register(calendar_cards)

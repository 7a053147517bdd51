"""The home page's work cards. Each app registers a provider in its AppConfig.ready():

    dashboard.register(proposal_cards)   # (user) -> list[Card]

so the home page shows, for whoever logs in, what waits for them in every module ("3 件待
审查", "2 项已逾期") without core knowing any domain. A provider asks only what its cards
need, with counts done in the database.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.urls import get_script_prefix, reverse
from django.utils import timezone, translation
from django.utils.translation import gettext, gettext_lazy

from . import regions


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
# querysets (docs/performance.md, 2026-12-05). They are kept as the pages' regions are
# (`core.regions.kept`, a row of core_renderedregion a user and key) and served only while all
# of these still hold, and for HOME_CARDS_CACHE_SECONDS at most:
# - the change generation (core.changes) is the one read before they were built: no committed
#   write has been seen since — a change of the user's roles, organisation, rules or of
#   anything counted moves it on;
# - the row is the user's own;
# - the key (`_key`) is the same: the language (the cards' text), the local day (counts of what
#   is overdue, the year's score, the holiday notice's season), the URL prefix the links were
#   reversed under and the code that built them (the providers, their modules' and the
#   compiled translations' files; `regions.code_of`);
# - the age bound covers what no write shows: raw SQL outside Django, and the one card whose
#   count depends on the hour (platforms' 近期议事会, planned sessions from 12 hours ago to 30
#   days ahead: one entering or leaving that window shows up to the bound late).
# Nothing else reaches the providers: no settings, no session, no request (so no path in the
# key).


def cached_cards(user) -> list[Card]:
    """`build_cards`, through `regions.kept`: one query when the stored cards are current;
    on a miss the generation comes from that same query (read before the cards are built, so
    a write committed meanwhile leaves the new row stale, never the other way round), then the
    cards are built and stored at it (a write that does not move the generation)."""

    def build_body() -> list[list]:
        return [
            [str(c.title), str(c.description), str(c.url), c.count, c.urgent, c.order]
            for c in build_cards(user)
        ]

    body, _hit = regions.kept(user.pk, _key(), build_body, settings.HOME_CARDS_CACHE_SECONDS)
    return [Card(*fields) for fields in body]


def _key() -> str:
    providers = tuple(f"{p.__module__}:{p.__qualname__}" for p in _providers)
    return regions.key_of(
        "core.home_cards",
        translation.get_language() or settings.LANGUAGE_CODE,
        timezone.localdate().isoformat(),
        get_script_prefix(),
        regions.code_of(providers, ()),
    )


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


# What a reader of the members list who may neither edit nor export is told it offers (the
# organisation and united-front departments read it: "编辑和导出" promised what they lack).
MEMBERS_READ_ONLY = gettext_lazy("查询委员信息")


def core_cards(user) -> list[Card]:
    from . import access

    cards = []
    for title, description, name, perms in CORE_LINKS:
        if not any(access.can(user, perm) for perm in perms):
            continue
        if name == "members:list" and not (
            access.can(user, "members.edit") or access.can(user, "members.export")
        ):
            description = MEMBERS_READ_ONLY
        cards.append(Card(str(title), str(description), reverse(name), order=80))
    return cards


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
    from .services import calendar_editable

    # The office is told, and cannot enter it: the card says who does.
    note = gettext("明年调休安排尚未录入，截止日期可能有变")
    if not calendar_editable(user):
        note = gettext(
            "明年调休安排尚未录入，截止日期可能有变；由系统管理员按国务院办公厅的通知录入"
        )
    return [
        Card(
            gettext("%(year)s年调休安排未录入") % {"year": year},
            note,
            reverse("calendar_year", args=[year]),
            urgent=True,
            order=5,
        )
    ]


register(core_cards)
register(calendar_cards)

"""The duty column group of the roll-up page (core.tree, C2.9): the members each node's
evaluation grades in the last finished year (the seats of that year's term not resigned or
revoked by its end, as `selectors.evaluation_rows` reads them) and their average score in
it, per child subtree.

Four queries whatever the number of children: the memberships grouped by the child's
path prefix, the score tables of the subtree, the confirmed records grouped by
organisation and kind, and those of the kinds with a yearly cap, which applies per member,
grouped by member too (a province's year is 300,000 records of 34,000 members, a few
hundred of them capped); the points are then
worked out in memory exactly as `selectors.scores` does (points per unit, capped per
kind). A finished year's figures are then kept (`_kept_values`) while the database's
closed-year stamps for it stay put: one query on later visits."""

import hashlib
from collections import defaultdict
from decimal import Decimal

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.db.models import Count, Sum
from django.utils.translation import gettext as _

from xieshang.core import access, tree
from xieshang.members.models import Membership
from xieshang.members.selectors import not_seated_in, terms_of_year
from xieshang.orgs.models import Organisation

from . import rules
from .models import DutyRecord, ScoreRule
from .selectors import year_ended, year_range


def _rule_table(organisation, year: int) -> dict[tuple[int, str], tuple]:
    """(organisation id, kind) -> (points, cap): the year's table, else the previous year's
    (the one `ensure_rules` would copy), else the SPEC defaults at lookup."""
    table: dict[tuple[int, str], tuple] = {}
    for r in ScoreRule.objects.filter(
        organisation__path__startswith=organisation.path, year__in=[year - 1, year]
    ).order_by("year"):
        table[(r.organisation_id, r.kind)] = (r.points, r.cap)
    return table


def tree_columns(user, organisation, children, year: int):
    if not any(access.can(user, p, organisation) for p in ("duty.view", "duty.award_approve")):
        return None
    # The last finished year up to the one asked for: this year's page (and next year's,
    # asked in the address) shows last year's grades, never a running year's scores so far.
    scored_year = year
    while not year_ended(scored_year):
        scored_year -= 1
    return tree.Group(
        title=_("委员履职"),
        # The count is of the year's evaluated members, as the average is.
        columns=[
            _("%(y)s年考核委员") % {"y": scored_year},
            _("%(y)s年平均得分") % {"y": scored_year},
        ],
        values=_kept_values(organisation, children, scored_year),
        order=60,
    )


def _kept_values(organisation, children, scored_year: int) -> dict:
    """The figures of a finished year, kept while its closed-year stamps stay put
    (duty 0013: the database moves them on any write of that year's records, or of the
    seats, terms, score tables and tree every year rests on): a province's year is 300,000
    records to aggregate (~170 ms), and a finished year seldom changes."""
    if not settings.CLOSED_YEAR_CACHE:
        return _values(organisation, children, scored_year)
    with connection.cursor() as cursor:
        cursor.execute("SELECT year, n FROM duty_yearstamp WHERE year IN (0, %s)", [scored_year])
        stamps = dict(cursor.fetchall())
    shape = hashlib.sha256(",".join(str(c.pk) for c in children).encode()).hexdigest()[:16]
    key = (
        f"duty.tree:{organisation.pk}:{scored_year}:{stamps.get(0, 0)}:"
        f"{stamps.get(scored_year, 0)}:{shape}"
    )
    values = cache.get(key)
    if values is None:
        values = _values(organisation, children, scored_year)
        cache.set(key, values, settings.CLOSED_YEAR_CACHE_SECONDS)
    return values


def _values(organisation, children, scored_year: int) -> dict:
    subtree = Organisation.objects.filter(path__startswith=organisation.path)
    paths = dict(subtree.values_list("pk", "path"))
    # The members the year's evaluation grades (`selectors.evaluation_rows`): the seats of
    # each organisation's term of that year, less those resigned or revoked by its end or
    # added after it — a past year is averaged over who served it, not over today's seats.
    seated = Membership.objects.filter(term__in=terms_of_year(subtree, scored_year)).exclude(
        not_seated_in(scored_year)
    )
    members = tree.rollup(seated, organisation, children, field="term__organisation", n=Count("pk"))

    start, end = year_range(scored_year)
    table = _rule_table(organisation, scored_year)
    capped = {kind for (_org, kind), (_p, cap) in table.items() if cap is not None}
    capped |= {str(kind) for kind, (_p, cap) in rules.DEFAULT_SCORES.items() if cap is not None}
    records = DutyRecord.objects.filter(
        # The organisations as ids, not a join: a city's or district's records are read
        # through the (organisation, date) index, a province's year through the confirmed
        # records' covering index alone (`duty_record_confirmed_year`), and each row's
        # path is looked up in `paths` below instead of joined.
        organisation_id__in=list(paths),
        status=DutyRecord.Status.CONFIRMED,
        date__gte=start,
        date__lte=end,
        member_id__in=seated.values("member_id"),
    )
    # Grouped by organisation and kind only: a per-member column for every kind makes
    # PostgreSQL expect a group per record, and it then sorts or hashes the year's 300,000
    # records on one core instead of aggregating them in parallel (2026-12-05: 600 → 300 ms
    # on the province). The few capped kinds' records, per member, are a second query.
    rows = [
        *records.exclude(kind__in=capped)
        .values("organisation_id", "kind")
        .annotate(qty=Sum("quantity"))
        .order_by(),
        *records.filter(kind__in=capped)
        .values("organisation_id", "kind", "member_id")
        .annotate(qty=Sum("quantity"))
        .order_by(),
    ]
    width = len(children[0].path) if children else 0
    by_prefix = {c.path: c.pk for c in children}
    points: dict[int, Decimal] = defaultdict(Decimal)
    for row in rows:
        points_each, cap = table.get(
            (row["organisation_id"], row["kind"]), rules.DEFAULT_SCORES.get(row["kind"], (0, None))
        )
        earned = (row["qty"] or 0) * points_each
        if cap is not None and earned > cap:
            earned = cap
        points[organisation.pk] += earned
        child = by_prefix.get(paths[row["organisation_id"]][:width]) if width else None
        points[child if child is not None else tree.own_key(organisation)] += earned

    def average(pk):
        n = members[pk]["n"]
        return round(points[pk] / n, 1) if n else None

    return {pk: [v["n"], average(pk)] for pk, v in members.items()}


tree.register(tree_columns)

"""Reads of nomination rounds: the lists, the candidate list in official order and the
composition check. Each runs a fixed number of queries whatever the number of candidates."""

from collections import Counter

from django.db.models import Count, Q
from django.utils.translation import gettext as _

from xieshang.members.models import Category, Membership
from xieshang.orgs import config
from xieshang.orgs.models import Party

from . import policies, rules
from .models import Candidate, NominationRound, RoundKind

C = Candidate.Status
LIVE = (C.NOMINATED, C.COMPLETED, C.SEATED)


def rounds_for(user):
    return (
        NominationRound.objects.filter(policies.visible_q(user))
        .select_related("organisation", "base_term", "target_term")
        .annotate(
            live=Count("candidates", filter=Q(candidates__status__in=LIVE)),
            pending=Count("candidates", filter=Q(candidates__status=C.NOMINATED)),
        )
        .order_by("-created_at", "-id")
    )


def candidates_of(round: NominationRound, *, include_withdrawn: bool = True):
    """The round's candidates in surname-stroke order (姓氏笔画), as the list is printed."""
    qs = Candidate.objects.filter(round=round).select_related("party", "sector", "member")
    if not include_withdrawn:
        qs = qs.exclude(status=C.WITHDRAWN)
    return qs.order_by("stroke_key", "id")


def _years_before(day, years: int):
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def _share(n: int, total: int) -> float:
    return round(n * 100 / total, 1) if total else 0.0


def composition(round: NominationRound, candidates: list[Candidate] | None = None) -> dict:
    """The list against its seats and the configured limits (sector, category, party,
    gender, age, new vs continuing).

    For 换届 the population is the list itself (it becomes the new term); for 增补 it is the
    term's sitting members plus the list, since the by-election changes that whole."""
    if candidates is None:
        candidates = list(candidates_of(round, include_withdrawn=False))
    live = [c for c in candidates if c.status in LIVE]
    org = round.organisation
    limits = {
        key: config.get(org, key)
        for key in (
            rules.CPC_MAX_SHARE,
            rules.FEMALE_MIN_SHARE,
            rules.YOUNG_AGE,
            rules.YOUNG_MIN_SHARE,
            rules.MAX_AGE,
            rules.NEW_MIN_SHARE,
        )
    }
    by_sector = Counter(c.sector_id for c in live)
    by_category = Counter(cat for c in live for cat in c.categories or [])
    labels = dict(Category.choices)
    seats = []
    for quota in round.quotas.select_related("sector").order_by("sector__sort_order", "id"):
        count = by_category[quota.category] if quota.category else by_sector[quota.sector_id]
        seats.append(
            {
                "label": quota.sector.name if quota.sector_id else str(labels[quota.category]),
                "kind": _("界别") if quota.sector_id else _("联系类别"),
                "seats": quota.seats,
                "count": count,
                "ok": count <= quota.seats,
                "full": count == quota.seats,
            }
        )
    # The population the shares are counted on.
    total = len(live)
    cpc = sum(1 for c in live if c.party.kind == Party.Kind.CPC)
    female = sum(1 for c in live if c.gender == "F")
    day = round.reference_date
    ages = [c.age_on(day) for c in live]
    young = sum(1 for a in ages if a is not None and a < limits[rules.YOUNG_AGE])
    oldest = limits[rules.MAX_AGE]
    too_old = [c for c, a in zip(live, ages, strict=True) if a is not None and a > oldest]
    new = sum(1 for c in live if not c.is_continuing)
    if round.kind == RoundKind.BY_ELECTION:
        # Once the list is confirmed its people sit in the term too: counted once, as listed.
        sitting = Membership.objects.filter(
            term=round.base_term, status=Membership.Status.ACTIVE
        ).exclude(member_id__in=[c.seated_member_id for c in live if c.seated_member_id])
        counts = sitting.aggregate(
            n=Count("id"),
            cpc=Count("id", filter=Q(party__kind=Party.Kind.CPC)),
            female=Count("id", filter=Q(member__gender="F")),
        )
        total += counts["n"]
        cpc += counts["cpc"]
        female += counts["female"]
        # Younger than YOUNG_AGE on the reference day: born after this date.
        young += sitting.filter(
            member__birth_date__gt=_years_before(day, limits[rules.YOUNG_AGE])
        ).count()

    checks = [
        {
            "label": _("中共党员占比"),
            "value": _share(cpc, total),
            "limit": _("不超过%(n)s%%") % {"n": limits[rules.CPC_MAX_SHARE]},
            "ok": _share(cpc, total) <= limits[rules.CPC_MAX_SHARE],
            "detail": _("%(n)s人") % {"n": cpc},
            "key": "cpc",
            "bound": "max",
        },
        {
            "label": _("女性占比"),
            "value": _share(female, total),
            "limit": _("不低于%(n)s%%") % {"n": limits[rules.FEMALE_MIN_SHARE]},
            "ok": _share(female, total) >= limits[rules.FEMALE_MIN_SHARE],
            "detail": _("%(n)s人") % {"n": female},
            "key": "female",
            "bound": "min",
        },
        {
            "label": _("%(age)s周岁以下占比") % {"age": limits[rules.YOUNG_AGE]},
            "value": _share(young, total),
            "limit": _("不低于%(n)s%%") % {"n": limits[rules.YOUNG_MIN_SHARE]},
            "ok": _share(young, total) >= limits[rules.YOUNG_MIN_SHARE],
            "detail": _("%(n)s人") % {"n": young},
            "key": "young",
            "bound": "min",
        },
        {
            "label": _("超过%(age)s周岁的人选") % {"age": limits[rules.MAX_AGE]},
            "value": None,
            "limit": _("不宜提名"),
            "ok": not too_old,
            "detail": _("、").join(c.name for c in too_old) or _("无"),
            "key": "too_old",
            "bound": "none",
            "people": [c.pk for c in too_old],
        },
    ]
    if round.kind == RoundKind.NEW_TERM:
        checks.append(
            {
                "label": _("新提名人选占比"),
                "value": _share(new, len(live)),
                "limit": _("不低于%(n)s%%") % {"n": limits[rules.NEW_MIN_SHARE]},
                "ok": _share(new, len(live)) >= limits[rules.NEW_MIN_SHARE],
                "detail": _("新提名%(new)s人，继续提名%(old)s人")
                % {"new": new, "old": len(live) - new},
                "key": "new",
                "bound": "min",
            }
        )
    party_rows = Counter(c.party.short_name or c.party.name for c in live)
    return {
        "listed": len(live),
        "pending": sum(1 for c in live if c.status == C.NOMINATED),
        "population": total,
        "seats": seats,
        "checks": checks,
        "parties": sorted(party_rows.items(), key=lambda kv: -kv[1]),
        "warnings": sum(1 for c in checks if not c["ok"]),
    }


def rules_broken_by(round: NominationRound, candidate: Candidate) -> list[str]:
    """The list-structure rules of the round page (`composition`) that nominating
    `candidate` breaks or makes worse: a sector or category now over its seats, a share
    now outside its limit or further from it, the candidate over the age limit. A warning
    for the department, not a refusal: the round page and confirmation still judge."""
    candidates = list(candidates_of(round, include_withdrawn=False))
    after = composition(round, candidates)
    before = composition(round, [c for c in candidates if c.pk != candidate.pk])
    broken = []
    seats_before = {row["label"]: row for row in before["seats"]}
    for row in after["seats"]:
        was = seats_before.get(row["label"])
        if not row["ok"] and (was is None or row["count"] > was["count"]):
            broken.append(
                _("%(label)s超出名额（%(count)s/%(seats)s）。")
                % {"label": row["label"], "count": row["count"], "seats": row["seats"]}
            )
    checks_before = {c["key"]: c for c in before["checks"]}
    for check in after["checks"]:
        if check["ok"]:
            continue
        was = checks_before[check["key"]]
        if check["bound"] == "none":
            worse = candidate.pk in check["people"]
        elif was["ok"]:
            worse = True
        elif check["bound"] == "max":
            worse = check["value"] > was["value"]
        else:
            worse = check["value"] < was["value"]
        if not worse:
            continue
        if check["value"] is None:
            broken.append(
                _("%(label)s%(limit)s（%(detail)s）。")
                % {"label": check["label"], "limit": check["limit"], "detail": check["detail"]}
            )
        else:
            broken.append(
                _("%(label)s应%(limit)s，现为%(value)s%%。")
                % {"label": check["label"], "limit": check["limit"], "value": check["value"]}
            )
    return broken

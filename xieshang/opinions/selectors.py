"""Reads of social-conditions items with a fixed number of queries."""

from django.db.models import Case, Count, F, OuterRef, Prefetch, Q, QuerySet, Subquery, Value, When
from django.utils.translation import gettext as _

from xieshang.core import access
from xieshang.members.models import Member, Membership

from . import policies
from .models import Adoption, AdoptionLevel, Opinion

AUTHORS = Prefetch("authors", queryset=Member.objects.only("pk", "name"))


def received(user) -> QuerySet:
    """The items reported to the Party committee or government whose office `user` is
    (报送党委 / 报送政府), newest report first."""
    return (
        Opinion.objects.filter(policies.received_q(user))
        .select_related("organisation", "issue")
        .prefetch_related(AUTHORS)
        .order_by("-reported_at", "-id")
    )


def my_opinions(user) -> QuerySet:
    member = policies.member_of(user)
    q = Q(created_by=user)
    if member is not None:
        q |= Q(authors=member)
    ids = Opinion.objects.filter(q).values("pk")
    return (
        Opinion.objects.filter(pk__in=ids)
        .select_related("issue")
        .prefetch_related(AUTHORS)
        .annotate(adoption_count=Count("adoptions", distinct=True))
        .order_by("-created_at", "-id")
    )


def office_queue(user, *, state: str = "submitted") -> QuerySet:
    """Items of the organisations where the user runs the office (never drafts)."""
    qs = Opinion.objects.filter(policies.own_office_q(user)).exclude(status=Opinion.Status.DRAFT)
    if state:
        qs = qs.filter(status=state)
    if state == Opinion.Status.REPORTED:
        # Still 已报送 here, but the node above may have sent it back (its latest referral).
        from django.contrib.contenttypes.models import ContentType

        from xieshang.followups.models import Referral

        latest = Referral.objects.filter(
            content_type=ContentType.objects.get_for_model(Opinion),
            object_id=OuterRef("pk"),
            from_organisation=OuterRef("organisation"),
        ).order_by("-id")
        qs = qs.annotate(upward_state=Subquery(latest.values("state")[:1]))
    return (
        qs.select_related("organisation", "issue")
        .prefetch_related(AUTHORS)
        .order_by("-submitted_at", "-id")
    )


def upward_queue(user) -> QuerySet:
    """Items reported to a node where the user runs the office (from the nodes below)."""
    return (
        Opinion.objects.filter(access.org_filter(user, "opinions.manage", "reported_to"))
        .exclude(reported_to_id=None)
        .select_related("organisation", "issue", "reported_to")
        .prefetch_related(AUTHORS, "adoptions")
        .order_by("-reported_at", "-id")
    )


def _item_columns(items: str, base: Q) -> dict:
    """The statistics' columns as aggregates counting the items `items` reaches ("pk" from an
    item, "opinions" from a member) that `base` keeps: submitted, accepted (录用/编发),
    instructed, adopted per level. Items, as the year's totals (summary): an item instructed by
    two leaders, or adopted at a level both on its own and forwarded, counts once."""
    path = "" if items == "pk" else f"{items}__"
    accepted_states = [
        Opinion.Status.ACCEPTED,
        Opinion.Status.PUBLISHED,
        Opinion.Status.REPORTED,
    ]
    columns = {
        "submitted": Count(items, filter=base, distinct=True),
        "accepted": Count(
            items, filter=base & Q(**{f"{path}status__in": accepted_states}), distinct=True
        ),
        "instructed": Count(
            items, filter=base & Q(**{f"{path}instructions__isnull": False}), distinct=True
        ),
    }
    for level in AdoptionLevel.values:
        columns[f"adopted_{level}"] = Count(
            items, filter=base & Q(**{f"{path}adoptions__level": level}), distinct=True
        )
    return columns


def _latest_sector(member, year: int, field: str = "sector__name") -> Subquery:
    """The sector of `member`'s seat in `year` (a reference to a member's pk): the latest
    seat of a term begun by the end of that year. In January a new term's seats must not
    move the year just ended's items into the sectors the members sit in now (a member
    re-seated for another sector); a member seated only later keeps their latest seat."""
    begun = Case(When(term__start_date__year__lte=year, then=Value(0)), default=Value(1))
    return Subquery(
        Membership.objects.filter(member=member).order_by(begun, "-term__number").values(field)[:1]
    )


def statistics(user, *, year: int) -> list[dict]:
    """Per member: submitted, accepted (录用/编发), adopted per level, instructed, with the
    member's sector. Counted in the database: one query whatever the number of members.

    A member is named only for the items the user may read: a committee below keeps its
    items not yet accepted to itself (`policies.decided_or_own_q`); `undisclosed_count`
    says how many of the year's totals are such items."""
    in_scope = access.org_filter(user, "opinions.view", "opinions__organisation")
    base = (
        in_scope
        & Q(opinions__year=year)
        & ~Q(opinions__status=Opinion.Status.DRAFT)
        & policies.decided_or_own_q(user, "opinions__")
    )
    annotations = {
        **_item_columns("opinions", base),
        "sector": _latest_sector(OuterRef("pk"), year),
    }
    fields = ["pk", "name", "sector", "submitted", "accepted", "instructed"]
    fields += [f"adopted_{level}" for level in AdoptionLevel.values]
    rows = (
        Member.objects.annotate(**annotations)
        .filter(submitted__gt=0)
        .order_by("stroke_key", "id")
        .values(*fields)
    )
    return list(rows)


def undisclosed_count(user, *, year: int) -> int:
    """The year's items of committees below the user's that the totals count but the member
    and sector tables do not list: still 待审核, returned or not accepted there."""
    return (
        Opinion.objects.filter(access.org_filter(user, "opinions.view"), year=year)
        .exclude(status=Opinion.Status.DRAFT)
        .exclude(policies.decided_or_own_q(user))
        .count()
    )


def sector_totals(user, *, year: int) -> list[dict]:
    """Per sector, the columns of `statistics` over the same items, each item counted once
    in a sector however many of its authors sit in it: two members of 中共 writing one item
    give 中共 one item, not two (an item of authors of two sectors counts in both, as the
    member table credits each author). The sector is the author's as in `statistics` (their
    seat in the year, `_latest_sector`). One query."""
    annotations = _item_columns("pk", Q())
    rows = (
        Opinion.objects.filter(
            access.org_filter(user, "opinions.view"),
            policies.decided_or_own_q(user),
            year=year,
        )
        .exclude(status=Opinion.Status.DRAFT)
        .annotate(author=F("authors"))
        .filter(author__isnull=False)
        .annotate(
            sector=_latest_sector(OuterRef("author"), year),
            sector_order=_latest_sector(OuterRef("author"), year, "sector__sort_order"),
        )
        .values("sector", "sector_order")
        .annotate(**annotations)
        .order_by()
    )
    found = [{**row, "sector": row["sector"] or ""} for row in rows]
    # Most items first; sectors with as many in their official order (`Sector.sort_order`,
    # as the attendance figures list them), a sector unknown last.
    return sorted(
        found,
        key=lambda r: (
            -r["submitted"],
            r["sector_order"] is None,
            r["sector_order"] or 0,
            r["sector"],
        ),
    )


def adoption_levels() -> list[tuple[str, str]]:
    return list(AdoptionLevel.choices)


def adoption_count(opinion_ids) -> int:
    return Adoption.objects.filter(opinion_id__in=opinion_ids).count()


def bulletin_particulars(issue) -> dict:
    """What the printed bulletin shows besides its items (GB/T 9704-2012 as offices print
    a 简报): the running number since the first issue (总第N期; two queries with the
    parent) and the 报/送 lines of its foot: the committee above and the district's party
    committee and government are reported to (报), the committee's own leaders and bodies
    sent to (送)."""
    from .models import Issue

    org = issue.organisation
    serial = Issue.objects.filter(
        Q(year__lt=issue.year) | Q(year=issue.year, number__lte=issue.number), organisation=org
    ).count()
    place = org.name.removesuffix("政协")
    from xieshang.core.pdf import official_name

    report_to = [official_name(org.parent.name)] if org.parent_id else []
    report_to += [
        _("中共%(place)s委员会") % {"place": place},
        _("%(place)s人民政府") % {"place": place},
    ]
    send_to = [
        _("%(org)s主席、副主席、秘书长") % {"org": org.name},
        _("各专门委员会"),
    ]
    printed_by = _("%(org)s办公室") % {"org": official_name(org.name)}
    return {
        "serial": serial,
        "report_to": report_to,
        "send_to": send_to,
        "printed_by": printed_by,
    }

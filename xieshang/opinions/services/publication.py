"""编发: accepted items published in the numbered issue of the year's bulletin."""

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop as N_

from xieshang.core import access, counters
from xieshang.core.audit import record_event, transition
from xieshang.core.phrases import Phrase

from ..models import Issue, Opinion
from .common import S, _tell_authors


def issue_name(issue: Issue) -> Phrase:
    """《社情民意》2026年第3期, read in the reader's language (`Issue.__str__` is the
    request's)."""
    return Phrase(N_("《社情民意》%(year)s年第%(n)s期"), year=issue.year, n=issue.number)


@transaction.atomic
def issue_publish(
    *, organisation, opinions, actor, published_on: dt.date | None = None, editor_note: str = ""
) -> Issue:
    """Publish accepted items in the next numbered issue of the organisation's year."""
    if not access.can(actor, "opinions.manage", organisation):
        raise PermissionDenied
    ids = [o.pk for o in opinions]
    if not ids:
        raise ValidationError(_("请选择要编发的信息。"))
    published_on = published_on or timezone.localdate()
    # Lock the items first: two clerks publishing the same items collide on them.
    items = list(Opinion.objects.select_for_update().filter(pk__in=ids, organisation=organisation))
    if len(items) != len(ids):
        raise ValidationError(_("所选信息不属于本组织。"))
    # Two clerks publishing different items at once would both read the same `Max + 1`: the
    # year's counter gives them consecutive numbers (the unique constraint is the backstop).
    year_issues = Issue.objects.filter(organisation=organisation, year=published_on.year)
    number = counters.next_value(
        f"opinions.issue:org{organisation.pk}:{published_on.year}",
        start_after=lambda: year_issues.aggregate(n=Max("number"))["n"],
    )
    issue = Issue.objects.create(
        organisation=organisation,
        year=published_on.year,
        number=number,
        published_on=published_on,
        editor_note=editor_note,
        created_by=actor,
    )
    name = issue_name(issue)
    for opinion in sorted(items, key=lambda o: o.pk):
        opinion.issue = issue
        transition(
            opinion,
            to=S.PUBLISHED,
            allowed_from=[S.ACCEPTED],
            actor=actor,
            verb="opinion.publish",
            note=name,
            extra_fields=["issue"],
        )
        _tell_authors(opinion, N_("社情民意信息已编发：%(title)s"), name, "published")
    record_event(actor=actor, verb="opinion.issue_publish", subject=issue, note=name)
    return issue

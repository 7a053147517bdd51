"""Similar residents' issues, shown to whoever triages one: the same matter raised before
(or at the same time) by other residents of the district, perhaps already answered, in other
words ("小区路灯不亮" and "楼下路灯坏了没人修"). Scoring is `textsim.vectors` over the
titles, compared across the issue's CPPCC committee (`ResidentIssue.cppcc_id`)."""

import datetime as dt

from django.utils import timezone

from xieshang.core.pii import mask_numbers
from xieshang.textsim import vectors

from . import policies
from .models import ResidentIssue

# The title as staff pages show it: a number the resident typed carries no meaning to compare.
vectors.register(ResidentIssue, text=lambda i: mask_numbers(i.title), organisation="cppcc_id")

# Earlier issues older than this are rarely the same case any more.
DAYS_BACK = 730


def similar_issues(issue: ResidentIssue, user, *, limit: int = 5) -> list:
    """[(issue, score)], best first: the issues `user` may see, not marked as spam, raised
    within DAYS_BACK days, most like `issue`'s title (never `issue` itself)."""
    scope = issue.cppcc_id
    if scope is None:
        return []
    qs = (
        ResidentIssue.objects.filter(policies.visible_q(user) | policies.triage_q(user))
        .filter(
            screen_spam=False,
            created_at__gte=timezone.now() - dt.timedelta(days=DAYS_BACK),
        )
        .exclude(pk=issue.pk)
    )
    ranked = vectors.similar(
        ResidentIssue, scope, issue.title, exclude=[issue.pk], limit=limit, among=qs
    )
    by_pk = qs.select_related("organisation").in_bulk([pk for pk, _score in ranked])
    return [(by_pk[pk], score) for pk, score in ranked if pk in by_pk]

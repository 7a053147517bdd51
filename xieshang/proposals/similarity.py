"""Similar proposals, shown while a member types and when the committee reviews.

    similar_proposals(organisation, text, *, exclude_pk=None, limit=5, title=None,
                      visible_to=None)
        -> list[tuple[Proposal, float]]   # most similar first, score in 0..1

Candidates: the organisation's proposals of this year and the three before, drafts
excluded (a member's draft is nobody else's business). A member drafting is shown the
titles of all of them (SPEC: similar proposals at submission, to avoid duplicates); with
`visible_to` only those that user may open (`policies.visible_filter`): a department's
clerk, say, must not learn of proposals it does not handle. Scoring is `textsim.vectors` over
the titles (the same matter in other words: "课后托管" and "课后延时服务"); `text` may be the
whole draft, of which the first line is the title.
"""

from django.utils import timezone

from xieshang.textsim import normalise, vectors

from . import policies
from .models import Proposal

# Fewer letters than this say too little to compare ("电梯", "建议").
MIN_CHARS = 4
YEARS_BACK = 3

vectors.register(Proposal, text=lambda p: p.title)


def candidates(organisation, *, exclude_pk=None, visible_to=None):
    this_year = timezone.localdate().year
    qs = Proposal.objects.filter(
        organisation=organisation, year__gte=this_year - YEARS_BACK
    ).exclude(status=Proposal.Status.DRAFT)
    if exclude_pk is not None:
        qs = qs.exclude(pk=exclude_pk)
    if visible_to is not None:
        qs = qs.filter(policies.visible_filter(visible_to))
    return qs


def _title_of(text: str) -> str:
    for line in (text or "").splitlines():
        if line.strip():
            return line.strip()
    return ""


def similar_proposals(
    organisation,
    text: str,
    *,
    exclude_pk=None,
    limit: int = 5,
    title: str | None = None,
    visible_to=None,
) -> list:
    title = title if title is not None else _title_of(text)
    if len(normalise(title).replace(" ", "")) < MIN_CHARS:
        return []
    ranked = vectors.similar(
        Proposal,
        organisation.pk,
        title,
        exclude=[exclude_pk],
        limit=limit,
        among=candidates(organisation, exclude_pk=exclude_pk, visible_to=visible_to),
    )
    by_pk = Proposal.objects.in_bulk([pk for pk, _score in ranked])
    return [(by_pk[pk], score) for pk, score in ranked if pk in by_pk]

"""Similar proposals, shown while a member types and when the committee reviews.

    similar_proposals(organisation, text, *, exclude_pk=None, limit=5)
        -> list[tuple[Proposal, float]]   # most similar first, score in 0..1

Candidates: the organisation's proposals of this year and the three before, drafts
excluded (a member's draft is nobody else's business). Scoring is `textsim.most_similar`
over each proposal's full text.
"""

from django.utils import timezone

from xieshang.textsim import most_similar, normalise

from .models import Proposal

# Below this a pair shares only the vocabulary of the field (two housing proposals about
# different matters score about 0.06, the same matter in other words about 0.2).
MIN_SCORE = 0.12
# Fewer letters than this say too little to compare ("电梯", "建议").
MIN_CHARS = 8
YEARS_BACK = 3


def candidates(organisation, *, exclude_pk=None):
    this_year = timezone.localdate().year
    qs = (
        Proposal.objects.filter(organisation=organisation, year__gte=this_year - YEARS_BACK)
        .exclude(status=Proposal.Status.DRAFT)
        .only(
            "pk",
            "organisation_id",
            "number",
            "title",
            "facts",
            "analysis",
            "suggestions",
            "status",
            "year",
            "kind",
            "serial",
        )
    )
    if exclude_pk is not None:
        qs = qs.exclude(pk=exclude_pk)
    return qs


def similar_proposals(organisation, text: str, *, exclude_pk=None, limit: int = 5) -> list:
    if len(normalise(text).replace(" ", "")) < MIN_CHARS:
        return []
    by_pk = {p.pk: p for p in candidates(organisation, exclude_pk=exclude_pk)}
    ranked = most_similar(
        text,
        ((pk, p.full_text) for pk, p in by_pk.items()),
        limit=limit,
        min_score=MIN_SCORE,
    )
    return [(by_pk[pk], score) for pk, score in ranked]

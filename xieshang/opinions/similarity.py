"""Similar items, shown to the office when it reviews one (most likely the same matter
reported twice)."""

from django.utils import timezone

from xieshang.textsim import most_similar, normalise

from .models import Opinion

MIN_SCORE = 0.12
MIN_CHARS = 8
YEARS_BACK = 3


def similar_opinions(organisation, text: str, *, exclude_pk=None, limit: int = 5) -> list:
    if len(normalise(text).replace(" ", "")) < MIN_CHARS:
        return []
    qs = (
        Opinion.objects.filter(
            organisation=organisation, year__gte=timezone.localdate().year - YEARS_BACK
        )
        .exclude(status=Opinion.Status.DRAFT)
        .only("pk", "title", "facts", "analysis", "suggestions", "status", "year")
    )
    if exclude_pk is not None:
        qs = qs.exclude(pk=exclude_pk)
    by_pk = {o.pk: o for o in qs}
    ranked = most_similar(
        text, ((pk, o.full_text) for pk, o in by_pk.items()), limit=limit, min_score=MIN_SCORE
    )
    return [(by_pk[pk], score) for pk, score in ranked]

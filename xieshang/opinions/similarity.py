"""Similar items, shown to the office when it reviews one (most likely the same matter
reported twice). Scoring is `textsim.vectors` over the titles."""

from django.utils import timezone

from xieshang.textsim import normalise, vectors

from .models import Opinion

MIN_CHARS = 4
YEARS_BACK = 3

vectors.register(Opinion, text=lambda o: o.title)


def similar_opinions(
    organisation, text: str, *, exclude_pk=None, limit: int = 5, title: str | None = None
) -> list:
    if title is None:
        title = next((line.strip() for line in (text or "").splitlines() if line.strip()), "")
    if len(normalise(title).replace(" ", "")) < MIN_CHARS:
        return []
    qs = Opinion.objects.filter(
        organisation=organisation, year__gte=timezone.localdate().year - YEARS_BACK
    ).exclude(status=Opinion.Status.DRAFT)
    ranked = vectors.similar(
        Opinion, organisation.pk, title, exclude=[exclude_pk], limit=limit, among=qs
    )
    by_pk = Opinion.objects.in_bulk([pk for pk, _score in ranked])
    return [(by_pk[pk], score) for pk, score in ranked if pk in by_pk]

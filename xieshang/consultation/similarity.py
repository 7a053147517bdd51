"""Similar topics, shown to the office on a topic's page (`textsim.vectors` over titles).

The candidates are the organisation's topics in the topic library and those still waiting
for moderation: two residents who send the same matter the same week are both in the
queue, and the office should see it before accepting either."""

from xieshang.core.pii import mask_numbers
from xieshang.textsim import vectors

from .models import Topic

vectors.register(Topic, text=lambda t: mask_numbers(t.title))

# A topic that is open or waiting for moderation may be the same matter as this one.
CANDIDATE_STATUSES = (Topic.Status.OPEN, Topic.Status.PENDING)


def similar_topics(topic: Topic, *, limit: int = 5, min_score: float | None = None) -> list:
    """[(topic, score)], best first."""
    qs = Topic.objects.filter(
        organisation_id=topic.organisation_id, status__in=CANDIDATE_STATUSES
    ).exclude(pk=topic.pk)
    ranked = vectors.similar(
        Topic,
        topic.organisation_id,
        topic.title,
        exclude=[topic.pk],
        limit=limit,
        among=qs,
        **({"min_score": min_score} if min_score is not None else {}),
    )
    by_pk = qs.in_bulk([pk for pk, _score in ranked])
    return [(by_pk[pk], score) for pk, score in ranked if pk in by_pk]

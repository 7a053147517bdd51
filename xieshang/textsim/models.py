"""The text index: one row per indexed item (see `xieshang.textsim.index`).

`title` and `body` hold the item's jieba-segmented words, space-joined (the title, number
and names weigh more in the ranking than the body). The database indexes them:

- PostgreSQL: `vector` is a tsvector (config 'simple', title weight A, body weight D) that a
  trigger computes on insert and update, with a GIN index;
- SQLite: an FTS5 table `textsim_fts` with the entries' rowids (external content), kept
  current by triggers on this table.

Both are created by migration 0001 for the database it runs on only. Nothing else writes
`vector`; the code writes `title` and `body`.
"""

from django.contrib.contenttypes.models import ContentType
from django.contrib.postgres.search import SearchVectorField
from django.db import models


class SearchEntry(models.Model):
    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, related_name="+")
    object_id = models.PositiveBigIntegerField()
    # The item's organisation, for the models that register one (`index.register`'s
    # `organisation`): a search told its scope's organisations reads only their entries.
    organisation_id = models.PositiveBigIntegerField(null=True)
    # The item's year, for the models that register one (`index.register`'s `year`): a
    # search told the years asked reads only their entries.
    year = models.PositiveSmallIntegerField(null=True)
    title = models.TextField(blank=True)
    body = models.TextField(blank=True)
    # A hash of the raw text: a save that changes no indexed text skips the segmenting.
    digest = models.CharField(max_length=32, blank=True)
    updated_at = models.DateTimeField(auto_now=True)
    # PostgreSQL only (a trigger fills it); always NULL on SQLite.
    vector = SearchVectorField(null=True, editable=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["content_type", "object_id"], name="textsim_entry_unique"
            )
        ]
        indexes = [
            models.Index(
                fields=["content_type", "organisation_id", "object_id"], name="textsim_entry_scope"
            ),
            models.Index(fields=["content_type", "year"], name="textsim_entry_year"),
        ]

    def __str__(self) -> str:
        return f"{self.content_type_id}:{self.object_id}"


class SimilarityVector(models.Model):
    """One item's sentence vector for similar items (see `xieshang.textsim.vectors`).

    `text` is what was embedded (the item's title with its lexicon names), `digest` its hash
    with the model's name: items with the same text share one computation. `vector` is 384
    float16 numbers, NULL until computed (the next query or `textindex --vectors` does it).
    A changed text gets a new row (a higher id), which is how every process notices it."""

    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, related_name="+")
    object_id = models.PositiveBigIntegerField()
    organisation_id = models.PositiveBigIntegerField(null=True)
    text = models.TextField()
    digest = models.CharField(max_length=32, db_index=True)
    vector = models.BinaryField(null=True)

    class Meta:
        indexes = [
            models.Index(
                fields=["content_type", "organisation_id", "id"], name="textsim_vec_block"
            ),
            models.Index(fields=["content_type", "object_id"], name="textsim_vec_item"),
        ]

    def __str__(self) -> str:
        return f"{self.content_type_id}:{self.object_id}"

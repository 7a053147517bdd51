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

    def __str__(self) -> str:
        return f"{self.content_type_id}:{self.object_id}"

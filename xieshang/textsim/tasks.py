"""Background work of text similarity (django-tasks)."""

from django_tasks import task


@task()
def compute_vectors(row_ids: list[int]) -> int:
    """Compute the sentence vectors of items just saved (textsim.vectors.index_object), so
    that a user's query never embeds more than its own text. Running twice does nothing."""
    from .vectors import compute_rows

    return compute_rows(row_ids)

"""What 社情民意 put in the text index (textsim.index, found by autodiscovery): title,
reporting members and body, the text, without the internal review note."""

from django.db.models.signals import m2m_changed

from xieshang.textsim import index

from .models import Opinion


def author_names(opinion: Opinion) -> list[str]:
    return [m.name for m in opinion.authors.all()]


index.register(
    Opinion,
    title=["title"],
    names=[author_names, "source_body"],
    body=["facts", "analysis", "suggestions"],
    prefetch_related=["authors"],
)


def _authors_changed(sender, instance, action, reverse=False, **kwargs):
    if action in ("post_add", "post_remove", "post_clear") and not reverse:
        index.index_object(instance)


m2m_changed.connect(
    _authors_changed, sender=Opinion.authors.through, dispatch_uid="textsim-opinion-authors"
)

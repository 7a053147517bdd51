"""Links from the duty file's records to the pages of their sources (a meeting, a proposal,
a 社情民意 item…), for the readers the source's owner lets open them.

The owners declare through `followups.subjects` (as for the task page) which of their
objects have a page, who may open it, and, for a source that is a part of a page (a
meeting's invitation, a sitting's attendance mark, a consultation speech, an adoption of an
item), the path to the object whose page shows it; this module imports none of them, finds
for each record that object, and asks. A source whose owner declares no page is not linked.

Cost: one query per kind of source among the records (the sources with their pages and what
the owners' rules read, `GenericPrefetch`), and each owner asked once for all its pages
(`subjects.openable_many`): an office's answer comes from its role, a member's from the
owner's rule for many objects (the co-signed proposals, the meetings invited to…), in a
fixed number of queries however many records; an owner that gives no such rule is asked
page by page."""

from django.contrib.contenttypes.models import ContentType
from django.contrib.contenttypes.prefetch import GenericPrefetch
from django.db.models import prefetch_related_objects

from xieshang.followups import subjects


def _queryset(model):
    path = subjects.page_path(model)
    page_model = model
    if path:
        for step in path.split("__"):
            page_model = page_model._meta.get_field(step).related_model
    related = [path] if path else []
    related += [f"{path}__{r}" if path else r for r in subjects.related(page_model)]
    # GenericPrefetch needs querysets, not managers (a source with no page path and nothing
    # its rule reads would otherwise break the page).
    qs = model._default_manager.all()
    if related:
        qs = qs.select_related(*related)
    return qs.prefetch_related(*subjects.page_fetch(model))


def link_sources(user, records) -> None:
    """Set `source_url` on each record: its source's page when `user` may open it, else ""."""
    records = list(records)
    ct_ids = {r.content_type_id for r in records if r.content_type_id and r.object_id}
    models = [ContentType.objects.get_for_id(pk).model_class() for pk in sorted(ct_ids)]
    models = [m for m in models if m is not None]
    linked = [r for r in records if r.content_type_id in ct_ids]
    if models:
        prefetch_related_objects(
            linked, GenericPrefetch("source_object", [_queryset(m) for m in models])
        )
    sources = [r.source_object if r.content_type_id in ct_ids else None for r in records]
    pages = [subjects.page_of(s) if s is not None else None for s in sources]
    allowed = subjects.openable_many(user, [p for p in pages if p is not None])
    for record, page in zip(records, pages, strict=True):
        ok = page is not None and (type(page), page.pk) in allowed
        record.source_url = subjects.url_of(page) if ok else ""

"""Links from the duty file's records to the pages of their sources (a meeting, a proposal,
a 社情民意 item…), for the readers the source's owner lets open them.

The owners declare which of their objects have a page and who may open it through
`followups.subjects` (as the instruction list asks them); this module only finds, for each
record, the object whose page it is, and asks. A source that is a part of a page (a
meeting's invitation, a sitting's attendance mark, an adoption of an item) names that page
by the path below, written as a model label so that duty imports none of the apps above it.
A source with no registered page (a consultation activity, a platform session) is not
linked.

Cost: one query per kind of source among the records (the sources with their pages and the
pages' organisations, `GenericPrefetch`), and each distinct page asked once. An office's
answer comes from its role, so its page costs the same however many records; a member's
may cost what the owner's rule costs per object (a co-signer's proposal, say)."""

from django.contrib.contenttypes.models import ContentType
from django.contrib.contenttypes.prefetch import GenericPrefetch
from django.db.models import prefetch_related_objects

from xieshang.followups import subjects

# Source model label -> the path from it to the object whose page shows it.
PAGE_OF = {
    "meetings.invitation": "meeting",
    "meetings.attendance": "invitation__meeting",
    "meetings.speech": "meeting",
    "opinions.adoption": "opinion",
}


def _queryset(model):
    path = PAGE_OF.get(model._meta.label_lower)
    page_model = model
    if path:
        for step in path.split("__"):
            page_model = page_model._meta.get_field(step).related_model
    related = [path] if path else []
    if any(f.name == "organisation" for f in page_model._meta.fields):
        related.append(f"{path}__organisation" if path else "organisation")
    # GenericPrefetch needs querysets, not managers (a source with no page path and no
    # organisation, a consultation speech, say, would otherwise break the page).
    return (
        model._default_manager.select_related(*related) if related else model._default_manager.all()
    )


def _page(source):
    path = PAGE_OF.get(source._meta.label_lower)
    page = source
    for step in path.split("__") if path else []:
        page = getattr(page, step, None)
        if page is None:
            return None
    return page


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
    answers: dict = {}
    for record in records:
        record.source_url = ""
        source = record.source_object if record.content_type_id in ct_ids else None
        page = _page(source) if source is not None else None
        if page is None:
            continue
        key = (type(page), page.pk)
        if key not in answers:
            answers[key] = page.get_absolute_url() if subjects.openable(user, page) else ""
        record.source_url = answers[key]

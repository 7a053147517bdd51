"""Writing some items' index entries and similar-items texts again from a data migration,
when what an app registers changed (a number now masked, say) and only a few rows are
affected: `manage.py textindex --rebuild` would redo every item of every model."""

CHUNK = 500


def write_again(apps, app_label: str, model_name: str, pks) -> None:
    """Write the entries (and the titles kept for similar items) of `app_label.model_name`'s
    rows `pks` from what the app registers now. The sources read fields the migration's
    model of the same state has too (a callable gets that model's row)."""
    from django.apps import apps as live_apps

    from . import index, vectors

    ContentType = apps.get_model("contenttypes", "ContentType")
    ct = ContentType.objects.filter(app_label=app_label, model=model_name.lower()).first()
    pks = sorted(set(pks))
    if ct is None or not pks:
        return
    model = apps.get_model(app_label, model_name)
    live = live_apps.get_model(app_label, model_name)
    spec, similar = index.spec_for(live), vectors.spec_for(live)
    SearchEntry = apps.get_model("textsim", "SearchEntry")
    SimilarityVector = apps.get_model("textsim", "SimilarityVector")
    for start in range(0, len(pks), CHUNK):
        rows = model.objects.filter(pk__in=pks[start : start + CHUNK])
        if spec is not None and spec.select_related:
            rows = rows.select_related(*spec.select_related)
        if spec is not None and spec.prefetch_related:
            rows = rows.prefetch_related(*spec.prefetch_related)
        for row in rows:
            if spec is not None:
                fields = index.fields_from_text(*index.raw_text(spec, row))
                entry = SearchEntry.objects.filter(content_type_id=ct.pk, object_id=row.pk)
                entry.exclude(digest=fields["digest"]).update(**fields)
            if similar is not None:
                # The title without its number means the same: the vector stays, the
                # stored text and its digest become the masked ones.
                text = vectors.vector_text(similar.text(row) or "")
                kept = SimilarityVector.objects.filter(content_type_id=ct.pk, object_id=row.pk)
                kept.exclude(text=text).update(text=text, digest=vectors.digest(text))

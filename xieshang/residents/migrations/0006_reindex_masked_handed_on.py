"""The text index of the consultation topics and 社情民意 items made from residents' issues:
0005 masked the numbers the resident typed in their text with `update()`, which the index
does not see, so their entries kept the whole numbers and a staff search for a resident's
phone or ID number still found them. Their entries (and the titles kept for similar
items) are written again from the masked text: only these rows, a few hundred at most
where thousands of issues were handed on (`textindex --rebuild` would redo every item)."""

from django.db import migrations

CHUNK = 500


def reindex_handed_on(apps, schema_editor):
    from django.apps import apps as live_apps

    from xieshang.textsim import index, vectors

    Issue = apps.get_model("residents", "ResidentIssue")
    ContentType = apps.get_model("contenttypes", "ContentType")
    SearchEntry = apps.get_model("textsim", "SearchEntry")
    SimilarityVector = apps.get_model("textsim", "SimilarityVector")
    handed = Issue.objects.exclude(topic=None, opinion=None)
    for app_label, model_name, link in (
        ("consultation", "Topic", "topic_id"),
        ("opinions", "Opinion", "opinion_id"),
    ):
        ids = sorted({pk for pk in handed.values_list(link, flat=True) if pk})
        ct = ContentType.objects.filter(app_label=app_label, model=model_name.lower()).first()
        if not ids or ct is None:
            continue
        model = apps.get_model(app_label, model_name)
        live = live_apps.get_model(app_label, model_name)
        # The sources the app registers read fields and relations the migration's model of
        # the same state has too (a callable gets that model's row).
        spec, similar = index.spec_for(live), vectors.spec_for(live)
        for start in range(0, len(ids), CHUNK):
            rows = model.objects.filter(pk__in=ids[start : start + CHUNK])
            if spec is not None and spec.select_related:
                rows = rows.select_related(*spec.select_related)
            if spec is not None and spec.prefetch_related:
                rows = rows.prefetch_related(*spec.prefetch_related)
            for row in rows:
                _write_again(row, ct, spec, similar, SearchEntry, SimilarityVector)


def _write_again(row, ct, spec, similar, SearchEntry, SimilarityVector) -> None:
    from xieshang.textsim import index, vectors

    if spec is not None:
        fields = index.fields_from_text(*index.raw_text(spec, row))
        entry = SearchEntry.objects.filter(content_type_id=ct.pk, object_id=row.pk)
        entry.exclude(digest=fields["digest"]).update(**fields)
    if similar is not None:
        # The title without its number means the same: the vector stays, the stored text
        # and its digest become the masked ones.
        text = vectors.vector_text(similar.text(row) or "")
        kept = SimilarityVector.objects.filter(content_type_id=ct.pk, object_id=row.pk)
        kept.exclude(text=text).update(text=text, digest=vectors.digest(text))


class Migration(migrations.Migration):
    dependencies = [
        ("residents", "0005_mask_handed_on_numbers"),
        ("textsim", "0004_searchentry_organisation"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(reindex_handed_on, migrations.RunPython.noop)]

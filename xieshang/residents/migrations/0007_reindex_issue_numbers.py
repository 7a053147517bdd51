"""The text index of residents' issues now holds the numbers a resident typed masked, as
every staff page shows them (`residents.search_index`): a staff search for a whole phone or
ID number told which issue held it. The entries (and the titles kept for similar issues)
of the issues whose title, place or description hold such a number are written again; the
others are left alone (a regular expression over the text picks them, no re-indexing of
the lot)."""

import importlib

from django.db import migrations

CHUNK = 500


def reindex_typed_numbers(apps, schema_editor):
    from django.apps import apps as live_apps

    from xieshang.portal.scrub import mask_numbers
    from xieshang.textsim import index, vectors

    # 0006 writes one row's entry and similar-items title again from the registered text.
    write_again = importlib.import_module(
        "xieshang.residents.migrations.0006_reindex_masked_handed_on"
    )._write_again
    Issue = apps.get_model("residents", "ResidentIssue")
    ContentType = apps.get_model("contenttypes", "ContentType")
    ct = ContentType.objects.filter(app_label="residents", model="residentissue").first()
    if ct is None:
        return
    typed = [
        pk
        for pk, *texts in Issue.objects.values_list("pk", "title", "location", "description")
        .order_by("pk")
        .iterator(chunk_size=2000)
        if any(mask_numbers(t or "") != (t or "") for t in texts)
    ]
    live = live_apps.get_model("residents", "ResidentIssue")
    spec, similar = index.spec_for(live), vectors.spec_for(live)
    SearchEntry = apps.get_model("textsim", "SearchEntry")
    SimilarityVector = apps.get_model("textsim", "SimilarityVector")
    for start in range(0, len(typed), CHUNK):
        for row in Issue.objects.filter(pk__in=typed[start : start + CHUNK]):
            write_again(row, ct, spec, similar, SearchEntry, SimilarityVector)


class Migration(migrations.Migration):
    dependencies = [
        ("residents", "0006_reindex_masked_handed_on"),
        ("textsim", "0004_searchentry_organisation"),
    ]

    operations = [migrations.RunPython(reindex_typed_numbers, migrations.RunPython.noop)]

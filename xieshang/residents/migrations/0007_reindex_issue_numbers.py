"""The text index of residents' issues now holds the numbers a resident typed masked, as
every staff page shows them (`residents.search_index`): a staff search for a whole phone or
ID number told which issue held it. The entries (and the titles kept for similar issues)
of the issues whose title, place or description hold such a number are written again; the
others are left alone (a regular expression over the text picks them, no re-indexing of
the lot)."""

from django.db import migrations


def reindex_typed_numbers(apps, schema_editor):
    from xieshang.portal.scrub import mask_numbers
    from xieshang.textsim.rewrite import write_again

    Issue = apps.get_model("residents", "ResidentIssue")
    typed = [
        pk
        for pk, *texts in Issue.objects.values_list("pk", "title", "location", "description")
        .order_by("pk")
        .iterator(chunk_size=2000)
        if any(mask_numbers(t or "") != (t or "") for t in texts)
    ]
    write_again(apps, "residents", "ResidentIssue", typed)


class Migration(migrations.Migration):
    dependencies = [
        ("residents", "0006_reindex_masked_handed_on"),
        ("textsim", "0004_searchentry_organisation"),
    ]

    operations = [migrations.RunPython(reindex_typed_numbers, migrations.RunPython.noop)]

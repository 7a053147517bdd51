"""The text index of the consultation topics and 社情民意 items made from residents' issues:
0005 masked the numbers the resident typed in their text with `update()`, which the index
does not see, so their entries kept the whole numbers and a staff search for a resident's
phone or ID number still found them. Their entries (and the titles kept for similar
items) are written again from the masked text: only these rows, a few hundred at most
where thousands of issues were handed on (`textindex --rebuild` would redo every item)."""

from django.db import migrations

def reindex_handed_on(apps, schema_editor):
    from xieshang.textsim.rewrite import write_again

    Issue = apps.get_model("residents", "ResidentIssue")
    handed = Issue.objects.exclude(topic=None, opinion=None)
    for app_label, model_name, link in (
        ("consultation", "Topic", "topic_id"),
        ("opinions", "Opinion", "opinion_id"),
    ):
        ids = {pk for pk in handed.values_list(link, flat=True) if pk}
        write_again(apps, app_label, model_name, ids)


class Migration(migrations.Migration):
    dependencies = [
        ("residents", "0005_mask_handed_on_numbers"),
        ("textsim", "0004_searchentry_organisation"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(reindex_handed_on, migrations.RunPython.noop)]

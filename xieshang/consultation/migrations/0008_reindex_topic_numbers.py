"""The text index of consultation topics now holds a phone or ID number typed into a
topic's title or description masked, as every staff page shows it
(`consultation.search_index`): a staff search for the whole number told which topic held
it. Only the topics whose text holds such a number are written again."""

from django.db import migrations


def reindex_typed_numbers(apps, schema_editor):
    from xieshang.core.pii import mask_numbers
    from xieshang.textsim.rewrite import write_again

    Topic = apps.get_model("consultation", "Topic")
    typed = [
        pk
        for pk, *texts in Topic.objects.values_list("pk", "title", "description")
        .order_by("pk")
        .iterator(chunk_size=2000)
        if any(mask_numbers(t or "") != (t or "") for t in texts)
    ]
    write_again(apps, "consultation", "Topic", typed)


class Migration(migrations.Migration):
    dependencies = [
        ("consultation", "0007_screen_reason_codes"),
        ("textsim", "0004_searchentry_organisation"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(reindex_typed_numbers, migrations.RunPython.noop)]

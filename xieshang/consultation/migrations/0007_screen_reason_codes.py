"""Screening reasons stored as Chinese texts become codes (portal.screening), so a page
words them in its reader's language; a text the mapping does not know stays as it is."""

from django.db import migrations


def to_codes(apps, schema_editor):
    from xieshang.portal.screening import reason_from_text

    Topic = apps.get_model("consultation", "Topic")
    for topic in Topic.objects.exclude(screen_reasons=[]).only("pk", "screen_reasons"):
        mapped = [reason_from_text(r) for r in topic.screen_reasons or []]
        if mapped != topic.screen_reasons:
            Topic.objects.filter(pk=topic.pk).update(screen_reasons=mapped)


class Migration(migrations.Migration):
    dependencies = [("consultation", "0006_participant_leader_account")]

    operations = [migrations.RunPython(to_codes, migrations.RunPython.noop)]

"""Screening reasons stored as Chinese texts become codes (portal.screening), so a page
words them in its reader's language; a text the mapping does not know stays as it is."""

from django.db import migrations


def to_codes(apps, schema_editor):
    from xieshang.portal.screening import reason_from_text

    ResidentIssue = apps.get_model("residents", "ResidentIssue")
    for issue in ResidentIssue.objects.exclude(screen_reasons=[]).only("pk", "screen_reasons"):
        mapped = [reason_from_text(r) for r in issue.screen_reasons or []]
        if mapped != issue.screen_reasons:
            ResidentIssue.objects.filter(pk=issue.pk).update(screen_reasons=mapped)


class Migration(migrations.Migration):
    dependencies = [("residents", "0002_residentissue_answer_public")]

    operations = [migrations.RunPython(to_codes, migrations.RunPython.noop)]

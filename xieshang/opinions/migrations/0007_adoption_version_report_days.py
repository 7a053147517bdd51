"""An adoption's edit counter (a correction or 撤销 is a versioned edit), and the day an item
was reported to the Party committee and to the government each (a leader's instruction
recorded by that office is not dated before it). Items already reported take the day of
their first audit row saying so (opinion.report with party / government), else the latest
report time, which is all the item kept."""

from django.db import migrations, models


def forwards(apps, schema_editor):
    Opinion = apps.get_model("opinions", "Opinion")
    Event = apps.get_model("core", "Event")
    ContentType = apps.get_model("contenttypes", "ContentType")
    ct = ContentType.objects.filter(app_label="opinions", model="opinion").first()
    reported = Opinion.objects.filter(
        models.Q(reported_to_party=True) | models.Q(reported_to_government=True)
    )
    for opinion in reported.iterator():
        firsts = {}
        if ct is not None:
            events = Event.objects.filter(
                content_type=ct, object_id=str(opinion.pk), verb="opinion.report"
            ).order_by("created_at", "id")
            for event in events:
                for key in ("party", "government"):
                    if (event.data or {}).get(key) and key not in firsts:
                        firsts[key] = event.created_at
        if opinion.reported_to_party:
            opinion.reported_to_party_at = firsts.get("party") or opinion.reported_at
        if opinion.reported_to_government:
            opinion.reported_to_government_at = firsts.get("government") or opinion.reported_at
        opinion.save(update_fields=["reported_to_party_at", "reported_to_government_at"])


class Migration(migrations.Migration):
    dependencies = [
        ("opinions", "0006_merged"),
        ("core", "0016_job_language"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.AddField(
            model_name="adoption",
            name="version",
            field=models.PositiveIntegerField(default=1, editable=False),
        ),
        migrations.AddField(
            model_name="opinion",
            name="reported_to_government_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="报送政府时间"),
        ),
        migrations.AddField(
            model_name="opinion",
            name="reported_to_party_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="报送党委时间"),
        ),
        migrations.RunPython(forwards, migrations.RunPython.noop),
    ]

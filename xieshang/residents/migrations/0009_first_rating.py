from django.db import migrations, models


def backfill(apps, schema_editor):
    """The first answer's rating: the one 重新办理 moved to the rehandle event's data, else
    the rating on the issue."""
    Issue = apps.get_model("residents", "ResidentIssue")
    Event = apps.get_model("core", "Event")
    ContentType = apps.get_model("contenttypes", "ContentType")
    Issue.objects.exclude(rating="").filter(rehandled=False).update(first_rating=models.F("rating"))
    ct = ContentType.objects.filter(app_label="residents", model="residentissue").first()
    if ct is None:
        return
    for issue in Issue.objects.filter(rehandled=True).only("pk", "rating"):
        event = (
            Event.objects.filter(
                content_type=ct, object_id=str(issue.pk), verb="resident_issue.rehandle"
            )
            .order_by("created_at", "id")
            .first()
        )
        previous = ((event.data or {}) if event else {}).get("previous_rating") or {}
        first = previous.get("rating") or issue.rating
        if first:
            Issue.objects.filter(pk=issue.pk).update(first_rating=first)


class Migration(migrations.Migration):
    dependencies = [
        ("residents", "0008_rehandle_after_dissatisfied"),
        ("core", "0001_initial"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.AddField(
            model_name="residentissue",
            name="first_rating",
            field=models.CharField(
                blank=True,
                choices=[("satisfied", "满意"), ("basic", "基本满意"), ("dissatisfied", "不满意")],
                max_length=12,
                verbose_name="首次答复评价",
            ),
        ),
        migrations.RunPython(backfill, migrations.RunPython.noop),
    ]

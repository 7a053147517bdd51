import datetime as dt

from django.db import migrations, models


def expire_in_90_days(apps, schema_editor):
    # Tokens issued before expiry existed keep working for the default validity from their
    # issue, as a user who had one would expect; then they must be renewed on 接口令牌.
    ApiToken = apps.get_model("core", "ApiToken")
    for token in ApiToken.objects.filter(expires_at__isnull=True):
        token.expires_at = token.created_at + dt.timedelta(days=90)
        token.save(update_fields=["expires_at"])


class Migration(migrations.Migration):
    dependencies = [("core", "0008_event_seal")]

    operations = [
        migrations.AddField(
            model_name="apitoken",
            name="expires_at",
            field=models.DateTimeField(null=True, verbose_name="有效期至"),
        ),
        migrations.RunPython(expire_in_90_days, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="apitoken",
            name="expires_at",
            field=models.DateTimeField(verbose_name="有效期至"),
        ),
        migrations.AddField(
            model_name="apitoken",
            name="window_started_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="apitoken",
            name="window_hits",
            field=models.PositiveIntegerField(default=0),
        ),
        migrations.AddField(
            model_name="apitoken",
            name="expiry_notified_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
    ]

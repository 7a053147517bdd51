from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0004_counter"),
    ]

    operations = [
        migrations.AddField(
            model_name="totpdevice",
            name="failures",
            field=models.PositiveSmallIntegerField(default=0),
        ),
    ]

from django.db import migrations


def seed(apps, schema_editor):
    from xieshang.portal.lexicon import seed as seed_terms

    seed_terms(apps.get_model("portal", "ScreeningTerm"))


class Migration(migrations.Migration):
    dependencies = [("portal", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]

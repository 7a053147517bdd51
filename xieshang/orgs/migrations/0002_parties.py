from django.db import migrations

PARTIES = [
    ("中国共产党", "中共", "cpc"),
    ("中国国民党革命委员会", "民革", "democratic"),
    ("中国民主同盟", "民盟", "democratic"),
    ("中国民主建国会", "民建", "democratic"),
    ("中国民主促进会", "民进", "democratic"),
    ("中国农工民主党", "农工党", "democratic"),
    ("中国致公党", "致公党", "democratic"),
    ("九三学社", "九三学社", "democratic"),
    ("台湾民主自治同盟", "台盟", "democratic"),
    ("无党派人士", "无党派", "non_party"),
    ("中华全国工商业联合会", "工商联", "federation"),
    ("中国共产主义青年团", "共青团", "peoples_org"),
    ("中华全国总工会", "总工会", "peoples_org"),
    ("中华全国妇女联合会", "妇联", "peoples_org"),
    ("群众", "群众", "none"),
]


def add_parties(apps, schema_editor):
    Party = apps.get_model("orgs", "Party")
    for order, (name, short, kind) in enumerate(PARTIES, start=1):
        Party.objects.update_or_create(
            name=name, defaults={"short_name": short, "kind": kind, "sort_order": order}
        )


class Migration(migrations.Migration):
    dependencies = [("orgs", "0001_initial")]
    operations = [migrations.RunPython(add_parties, migrations.RunPython.noop)]

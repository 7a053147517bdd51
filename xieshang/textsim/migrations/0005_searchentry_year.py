"""The item's year on its text index entry (`SearchEntry.year`), with an index on (content
type, year), so that a search in one year (the proposal list's default) reads only that
year's entries: PostgreSQL ANDs that index with the GIN index, and counting a common word's
matches in a province visits a tenth of the entries it did.

The existing entries of the models that register a year (`index.register`'s `year`) take it
from their items here, one UPDATE per model (as 0004 did for the organisation); a model
whose table does not exist yet has no entries to fill."""

from django.db import migrations, models


def fill(apps, schema_editor):
    from django.contrib.contenttypes.models import ContentType

    from xieshang.textsim import index

    connection = schema_editor.connection
    tables = set(connection.introspection.table_names())
    quote = connection.ops.quote_name
    for spec in index.specs():
        meta = spec.model._meta
        if not spec.year or meta.db_table not in tables:
            continue
        ct = ContentType.objects.db_manager(connection.alias).filter(
            app_label=meta.app_label, model=meta.model_name
        )
        ct_id = ct.values_list("pk", flat=True).first()
        if ct_id is None:
            continue
        column = meta.get_field(spec.year).column
        schema_editor.execute(
            f"UPDATE textsim_searchentry SET year = ("
            f"SELECT {quote(column)} FROM {quote(meta.db_table)} "
            f"WHERE {quote(meta.pk.column)} = textsim_searchentry.object_id) "
            f"WHERE content_type_id = %s",
            [ct_id],
        )


class Migration(migrations.Migration):
    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("textsim", "0004_searchentry_organisation"),
    ]

    operations = [
        migrations.AddField(
            model_name="searchentry",
            name="year",
            field=models.PositiveSmallIntegerField(null=True),
        ),
        migrations.AddIndex(
            model_name="searchentry",
            index=models.Index(fields=["content_type", "year"], name="textsim_entry_year"),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]

"""The item's organisation on its text index entry (`SearchEntry.organisation_id`), with an
index on (content type, organisation, item), so that a search in a scope reads only its
organisations' entries.

The existing entries of the models that register an organisation (`index.register`'s
`organisation`) take it from their items here, one UPDATE per model; a model whose table
does not exist yet has no entries to fill."""

from django.db import migrations, models


def fill(apps, schema_editor):
    from django.contrib.contenttypes.models import ContentType

    from xieshang.textsim import index

    connection = schema_editor.connection
    tables = set(connection.introspection.table_names())
    quote = connection.ops.quote_name
    for spec in index.specs():
        meta = spec.model._meta
        if not spec.organisation or meta.db_table not in tables:
            continue
        ct = ContentType.objects.db_manager(connection.alias).filter(
            app_label=meta.app_label, model=meta.model_name
        )
        ct_id = ct.values_list("pk", flat=True).first()
        if ct_id is None:
            continue
        column = meta.get_field(spec.organisation.removesuffix("_id")).column
        schema_editor.execute(
            f"UPDATE textsim_searchentry SET organisation_id = ("
            f"SELECT {quote(column)} FROM {quote(meta.db_table)} "
            f"WHERE {quote(meta.pk.column)} = textsim_searchentry.object_id) "
            f"WHERE content_type_id = %s",
            [ct_id],
        )


class Migration(migrations.Migration):
    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("textsim", "0003_searchentry_title_gin"),
    ]

    operations = [
        migrations.AddField(
            model_name="searchentry",
            name="organisation_id",
            field=models.PositiveBigIntegerField(null=True),
        ),
        migrations.AddIndex(
            model_name="searchentry",
            index=models.Index(
                fields=["content_type", "organisation_id", "object_id"],
                name="textsim_entry_scope",
            ),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]

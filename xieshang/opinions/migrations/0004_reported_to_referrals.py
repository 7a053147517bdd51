"""Items reported upwards before upward reporting became the one mechanism of followups
(上报, C2.9): their path up the tree becomes referrals, one per level from the item's node to
the node it was reported to, the last one waiting there and the ones below it forwarded."""

from django.db import migrations


def forwards(apps, schema_editor):
    Opinion = apps.get_model("opinions", "Opinion")
    Referral = apps.get_model("followups", "Referral")
    ContentType = apps.get_model("contenttypes", "ContentType")
    Organisation = apps.get_model("orgs", "Organisation")
    ct, _created = ContentType.objects.get_or_create(app_label="opinions", model="opinion")
    for opinion in Opinion.objects.filter(reported_to__isnull=False).iterator():
        if Referral.objects.filter(content_type=ct, object_id=opinion.pk).exists():
            continue
        chain = []
        node = Organisation.objects.get(pk=opinion.organisation_id)
        while node.parent_id and node.pk != opinion.reported_to_id:
            parent = Organisation.objects.get(pk=node.parent_id)
            chain.append((node, parent))
            node = parent
        if not chain or node.pk != opinion.reported_to_id:
            continue
        previous = None
        when = opinion.reported_at or opinion.updated_at
        for i, (source, target) in enumerate(chain):
            last = i == len(chain) - 1
            previous = Referral.objects.create(
                content_type=ct,
                object_id=opinion.pk,
                item_title=opinion.title[:200],
                from_organisation=source,
                to_organisation=target,
                level=target.level,
                previous=previous,
                state="submitted" if last else "forwarded",
                submitted_at=when,
                decided_at=None if last else when,
            )


class Migration(migrations.Migration):
    dependencies = [
        ("opinions", "0003_instructions_to_followups"),
        ("followups", "0004_referral"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]

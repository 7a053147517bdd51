"""Consultation topics and 社情民意 items already made from residents' issues (转协商议题,
转社情民意): numbers the resident typed are masked in their title and text, as new ones are
now written (consultation.topic_from_resident_issue, opinions.opinion_from_resident_issue).
The issue itself keeps what was typed; staff read it there by the logged look. Their text
index entries are written again by 0006."""

from django.db import migrations


def mask_handed_on(apps, schema_editor):
    from xieshang.portal.scrub import mask_numbers

    Issue = apps.get_model("residents", "ResidentIssue")
    Topic = apps.get_model("consultation", "Topic")
    Opinion = apps.get_model("opinions", "Opinion")
    handed = Issue.objects.exclude(topic=None, opinion=None)
    topic_ids = [pk for pk in handed.values_list("topic_id", flat=True) if pk]
    for topic in Topic.objects.filter(pk__in=topic_ids).only("pk", "title", "description"):
        title, description = mask_numbers(topic.title), mask_numbers(topic.description)
        if (title, description) != (topic.title, topic.description):
            Topic.objects.filter(pk=topic.pk).update(title=title, description=description)
    opinion_ids = [pk for pk in handed.values_list("opinion_id", flat=True) if pk]
    for opinion in Opinion.objects.filter(pk__in=opinion_ids).only("pk", "title", "facts"):
        title, facts = mask_numbers(opinion.title), mask_numbers(opinion.facts)
        if (title, facts) != (opinion.title, opinion.facts):
            Opinion.objects.filter(pk=opinion.pk).update(title=title, facts=facts)


class Migration(migrations.Migration):
    dependencies = [
        ("residents", "0004_mask_task_numbers"),
        ("consultation", "0007_screen_reason_codes"),
        ("opinions", "0006_merged"),
    ]

    operations = [migrations.RunPython(mask_handed_on, migrations.RunPython.noop)]

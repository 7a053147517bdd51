"""Members invited by role (按角色) were stored without their sector: the yearly figures split
such a member into two rows (one with the sector, one without) and the sector table got a
"—" row. Fill the sector of every member's invitation that has none from the member's seat
in the term of the meeting (the latest term begun by the meeting's start, else the latest),
and count every invitation of a member among the members."""

from django.db import migrations
from django.utils import timezone


def fill(apps, schema_editor):
    Invitation = apps.get_model("meetings", "Invitation")
    Membership = apps.get_model("members", "Membership")
    Invitation.objects.filter(member__isnull=False).exclude(category="member").update(
        category="member"
    )
    missing = list(
        Invitation.objects.filter(member__isnull=False, sector__isnull=True)
        .values_list("pk", "member_id", "meeting__start")
        .order_by("pk")
    )
    if not missing:
        return
    member_ids = {member_id for _pk, member_id, _start in missing}
    seats: dict[int, list[tuple]] = {}
    for start_date, member_id, sector_id in (
        Membership.objects.filter(member_id__in=member_ids)
        .order_by("-term__start_date", "-term__number")
        .values_list("term__start_date", "member_id", "sector_id")
    ):
        seats.setdefault(member_id, []).append((start_date, sector_id))
    by_sector: dict[int, list[int]] = {}
    for pk, member_id, start in missing:
        choices = seats.get(member_id)
        if not choices:
            continue
        day = timezone.localtime(start).date()
        sector_id = next((s for begun, s in choices if begun <= day), choices[0][1])
        if sector_id is not None:
            by_sector.setdefault(sector_id, []).append(pk)
    for sector_id, pks in by_sector.items():
        for i in range(0, len(pks), 1000):
            Invitation.objects.filter(pk__in=pks[i : i + 1000]).update(sector_id=sector_id)


class Migration(migrations.Migration):
    dependencies = [
        ("meetings", "0005_briefing_kind_briefingnodereceipt"),
        ("members", "0005_import_jobs_to_core_jobs"),
    ]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]

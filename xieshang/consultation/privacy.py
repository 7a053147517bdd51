"""A resident's contact phone on a public topic suggestion (社会征题) is deleted once the
suggestion no longer needs it (个人信息保护法: kept no longer than its purpose needs).

The number is there for staff to reach the resident about their suggestion: while it is
moderated, and once accepted while it is consulted on (to invite them, to tell them how it
went). So it goes `consultation.topic_phone_keep_days` (per organisation) after the
suggestion was settled:

- not taken up (未采纳): from the moderation decision;
- accepted: from the day of the last consultation activity held on it, once none of its
  activities is still being prepared;
- merged: as the topic it went into (the resident's lookup follows that topic too).

A suggestion never settled (left pending, or in the pool without an activity) keeps it at
most `consultation.topic_phone_max_days` after it was submitted.
"""

import datetime as dt

from django.utils import timezone
from django.utils.translation import gettext as _

from xieshang.core.retention import Expiry, day_start, delete_expired, rule_reader

from . import rules
from .models import Activity, Topic

# Why a suggestion counts as settled (the start of its keep period), for the audit note.
REJECTED, HELD, MERGED = "rejected", "held", "merged"


def _final_topics(topics: list[Topic]) -> dict[int, dict]:
    """{topic id: the row (id, status, decided_at, merged_into_id) of the topic it ends up in}:
    itself, or for a merged one the topic it went into, followed to the end of the chain."""
    rows = {t.pk: (t.pk, t.status, t.decided_at, t.merged_into_id) for t in topics}
    wanted = {r[3] for r in rows.values() if r[1] == Topic.Status.MERGED and r[3]} - set(rows)
    while wanted:
        found = Topic.objects.filter(pk__in=wanted).values_list(
            "pk", "status", "decided_at", "merged_into_id"
        )
        for row in found:
            rows[row[0]] = row
        wanted = {r[3] for r in found if r[1] == Topic.Status.MERGED and r[3]} - set(rows)
    final = {}
    for topic in topics:
        row, seen = rows[topic.pk], {topic.pk}
        while row[1] == Topic.Status.MERGED and row[3] in rows and row[3] not in seen:
            seen.add(row[3])
            row = rows[row[3]]
        final[topic.pk] = {"pk": row[0], "status": row[1], "decided_at": row[2], "into": row[3]}
    return final


def _activity_days(topic_ids) -> dict[int, dt.date | None]:
    """{topic id: the day of its last activity held} for topics whose activities are all
    held; None for one with an activity still being prepared. Topics without activities
    are left out."""
    days: dict[int, dt.date | None] = {}
    preparing: set[int] = set()
    for topic_id, status, day in Activity.objects.filter(
        plan_item__topic_id__in=list(topic_ids)
    ).values_list("plan_item__topic_id", "status", "date"):
        if status != Activity.Status.HELD:
            preparing.add(topic_id)
        elif days.get(topic_id) is None or day > days[topic_id]:
            days[topic_id] = day
    for topic_id in preparing:
        days[topic_id] = None
    return days


def settled(topics: list[Topic]) -> dict[int, tuple[dt.datetime, str]]:
    """{topic id: (when the suggestion was settled, why)} for those that are settled."""
    final = _final_topics(topics)
    open_ids = {f["pk"] for f in final.values() if f["status"] == Topic.Status.OPEN}
    held_on = _activity_days(open_ids)
    result = {}
    for topic in topics:
        end = final[topic.pk]
        if end["status"] == Topic.Status.REJECTED and end["decided_at"]:
            result[topic.pk] = (end["decided_at"], REJECTED)
        elif end["status"] == Topic.Status.OPEN and held_on.get(end["pk"]):
            result[topic.pk] = (day_start(held_on[end["pk"]]), HELD)
        elif end["status"] == Topic.Status.MERGED and end["decided_at"]:
            # Merged into a topic that is gone: the merge itself settled it.
            result[topic.pk] = (end["decided_at"], MERGED)
    return result


def purge_phones(*, now: dt.datetime | None = None) -> int:
    """Delete residents' contact phones on topic suggestions past their keep date (see the
    module). Idempotent: a deleted number is an empty field with its deletion time."""
    now = now or timezone.now()
    keep_days = rule_reader(rules.TOPIC_PHONE_KEEP_DAYS)
    max_days = rule_reader(rules.TOPIC_PHONE_MAX_DAYS)
    topics = list(
        Topic.objects.exclude(contact_phone="").select_related("organisation").order_by("id")
    )
    ends = settled(topics)
    notes = {
        REJECTED: _("未采纳满%(n)s天，已删除群众联系电话。"),
        HELD: _("议题协商活动召开满%(n)s天，已删除群众联系电话。"),
        MERGED: _("议题合并满%(n)s天，已删除群众联系电话。"),
    }

    def expiry(topic: Topic) -> Expiry:
        longest = int(max_days(topic.organisation))
        due = Expiry(
            at=topic.created_at + dt.timedelta(days=longest),
            note=_("提交满%(n)s天，已删除群众联系电话。") % {"n": longest},
        )
        if topic.pk in ends:
            at, why = ends[topic.pk]
            days = int(keep_days(topic.organisation))
            if at + dt.timedelta(days=days) < due.at:
                due = Expiry(at=at + dt.timedelta(days=days), note=notes[why] % {"n": days})
        return due

    return delete_expired(
        topics,
        field="contact_phone",
        deleted_at_field="contact_phone_deleted_at",
        verb="topic.phone_delete",
        expiry=expiry,
        now=now,
    )

"""Plan versions: a readable snapshot of the plan, and the difference between two of them.

Snapshots hold display values (month "3月", form "专题协商会", departments joined with 、),
so an old version still reads as it was even after a department is renamed, and the diff is
a table a clerk can read: item, field, before, after.

The values are kept in the site's language whoever hands the plan over (an office reading in
English must not make every item's form and month look changed), and the words the product
supplies (form, type, month, 是/否) are read in the reader's language.
"""

import re

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext

from xieshang.core.text import month_name

from .models import ActivityForm, ConsultationPlan, PlanItem, TopicType

ITEM_FIELDS = [
    ("title", gettext_lazy("协商议题")),
    ("form", gettext_lazy("协商形式")),
    ("topic_type", gettext_lazy("议题类型")),
    ("focus_area", gettext_lazy("重点领域")),
    ("month", gettext_lazy("计划月份")),
    ("lead_leader", gettext_lazy("牵头政协领导")),
    ("committee", gettext_lazy("承办专委会")),
    ("departments", gettext_lazy("参加部门")),
    ("co_organisers", gettext_lazy("联合举办党派团体")),
    ("is_key", gettext_lazy("重点协商活动")),
    ("topic", gettext_lazy("来源议题")),
]
HEADER_FIELDS = [("title", gettext_lazy("计划名称")), ("preface", gettext_lazy("总体要求"))]


def item_snapshot(item: PlanItem) -> dict:
    with translation.override(settings.LANGUAGE_CODE):
        return _item_values(item)


def _item_values(item: PlanItem) -> dict:
    return {
        "id": item.pk,
        "title": item.title,
        "form": str(item.get_form_display()),
        "topic_type": str(item.get_topic_type_display()),
        "focus_area": item.focus_area.name if item.focus_area_id else "",
        "month": month_name(item.month),
        "lead_leader": item.lead_leader,
        "committee": item.committee.name if item.committee_id else "",
        "departments": "、".join(d.name for d in item.departments.all()),
        "co_organisers": "、".join(p.name for p in item.co_organisers.all()),
        "is_key": _("是") if item.is_key else _("否"),
        # The source topic's title as it read then (added later: older snapshots lack it).
        "topic": item.topic.title if item.topic_id else "",
    }


def plan_snapshot(plan: ConsultationPlan, items: list[PlanItem]) -> dict:
    return {
        "title": plan.title,
        "preface": plan.preface,
        "items": [item_snapshot(i) for i in items],
    }


# The fields whose values are the product's words (choice labels, months, 是/否), not text
# a user typed.
_WORDED = ("form", "topic_type", "month", "is_key")


def _site_words() -> dict[str, str]:
    """Each product word as any language reads it -> the site language's word: a version
    handed over in English before snapshots kept the site's language compares as the same."""
    words: dict[str, str] = {}
    labels = [*ActivityForm.choices, *TopicType.choices]
    for lang, _name in settings.LANGUAGES:
        with translation.override(lang):
            shown = [str(label) for _code, label in labels]
            shown += [month_name(m) for m in range(1, 13)] + [_("是"), _("否")]
        with translation.override(settings.LANGUAGE_CODE):
            site = [str(label) for _code, label in labels]
            site += [month_name(m) for m in range(1, 13)] + [_("是"), _("否")]
        words.update(zip(shown, site, strict=True))
    return words


def _canonical(key: str, value: str, words: dict[str, str]) -> str:
    return words.get(value, value) if key in _WORDED else value


# What an added or removed item's row says of it: when, how, by whom.
_SUMMARY = ("month", "form", "topic_type", "lead_leader", "committee", "departments")


def _summary(item: dict, words: dict[str, str]) -> str:
    """An added or removed item in one line (3月 · 专题协商会 · 民主监督 · 李主席 · …), so
    the reviewer reads what came in or went without opening the plan."""
    values = (_reader(key, _canonical(key, item.get(key, ""), words)) for key in _SUMMARY)
    return " · ".join(v for v in values if v)


def _reader(key: str, value: str) -> str:
    """A stored product word in the reader's language (the msgids are the site's words)."""
    if key not in _WORDED or not value:
        return value
    if key == "month" and (match := re.fullmatch(r"(\d{1,2})月", value)):
        return month_name(int(match.group(1)))
    return _(value)


def plan_diff(old: dict, new: dict) -> list[dict]:
    """Rows {item, change, field, old, new}; change is 新增 / 删除 / 修改."""
    rows: list[dict] = []
    for key, label in HEADER_FIELDS:
        if old.get(key, "") != new.get(key, ""):
            rows.append(
                {
                    "item": _("计划"),
                    "change": pgettext("plan change", "修改"),
                    "field": str(label),
                    "old": old.get(key, ""),
                    "new": new.get(key, ""),
                }
            )
    words = _site_words()
    old_items = {i["id"]: i for i in old.get("items", [])}
    new_items = {i["id"]: i for i in new.get("items", [])}
    for item_id, item in new_items.items():
        before = old_items.get(item_id)
        if before is None:
            rows.append(
                {
                    "item": item["title"],
                    "change": pgettext("plan change", "新增"),
                    "field": "",
                    "old": "",
                    "new": _summary(item, words),
                }
            )
            continue
        for key, label in ITEM_FIELDS:
            if key not in before or key not in item:
                continue  # a version kept before the field was recorded: unknown, not changed
            was = _canonical(key, before.get(key, ""), words)
            now = _canonical(key, item.get(key, ""), words)
            if was != now:
                rows.append(
                    {
                        "item": item["title"],
                        "change": pgettext("plan change", "修改"),
                        "field": str(label),
                        "old": _reader(key, was),
                        "new": _reader(key, now),
                    }
                )
    for item_id, item in old_items.items():
        if item_id not in new_items:
            rows.append(
                {
                    "item": item["title"],
                    "change": pgettext("plan change", "删除"),
                    "field": "",
                    "old": _summary(item, words),
                    "new": "",
                }
            )
    return rows

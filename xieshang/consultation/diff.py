"""Plan versions: a readable snapshot of the plan, and the difference between two of them.

Snapshots hold display values (month "3月", form "专题协商会", departments joined with 、),
so an old version still reads as it was even after a department is renamed, and the diff is
a table a clerk can read: item, field, before, after.
"""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from xieshang.core.text import month_name

from .models import ConsultationPlan, PlanItem

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
]
HEADER_FIELDS = [("title", gettext_lazy("计划名称")), ("preface", gettext_lazy("总体要求"))]


def item_snapshot(item: PlanItem) -> dict:
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
    }


def plan_snapshot(plan: ConsultationPlan, items: list[PlanItem]) -> dict:
    return {
        "title": plan.title,
        "preface": plan.preface,
        "items": [item_snapshot(i) for i in items],
    }


def plan_diff(old: dict, new: dict) -> list[dict]:
    """Rows {item, change, field, old, new}; change is 新增 / 删除 / 修改."""
    rows: list[dict] = []
    for key, label in HEADER_FIELDS:
        if old.get(key, "") != new.get(key, ""):
            rows.append(
                {
                    "item": _("计划"),
                    "change": _("修改"),
                    "field": str(label),
                    "old": old.get(key, ""),
                    "new": new.get(key, ""),
                }
            )
    old_items = {i["id"]: i for i in old.get("items", [])}
    new_items = {i["id"]: i for i in new.get("items", [])}
    for item_id, item in new_items.items():
        before = old_items.get(item_id)
        if before is None:
            rows.append(
                {"item": item["title"], "change": _("新增"), "field": "", "old": "", "new": ""}
            )
            continue
        for key, label in ITEM_FIELDS:
            if before.get(key, "") != item.get(key, ""):
                rows.append(
                    {
                        "item": item["title"],
                        "change": _("修改"),
                        "field": str(label),
                        "old": before.get(key, ""),
                        "new": item.get(key, ""),
                    }
                )
    for item_id, item in old_items.items():
        if item_id not in new_items:
            rows.append(
                {"item": item["title"], "change": _("删除"), "field": "", "old": "", "new": ""}
            )
    return rows

"""The annual consultation plan (C2.2, C2.4, C2.6): drafting, its items, the approval
chain (forward and send back, each hand-over kept as a version, only while the plan passes
its checks), comments, notices to the next body, supervision tasks for key activities on
publication, and comparing versions."""

import datetime as dt
from calendar import monthrange

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop as N_

from xieshang.core import access
from xieshang.core.audit import (
    TransitionError,
    changed_fields,
    lock,
    record_event,
    save_versioned,
    transition,
)
from xieshang.core.calendar import next_working_day
from xieshang.core.notifications import notify, settle
from xieshang.core.phrases import Phrase, site_text
from xieshang.followups import services as followups
from xieshang.followups.models import Task
from xieshang.orgs import config
from xieshang.orgs.models import Organisation, Role

from .. import diff, policies, rules, selectors
from ..models import ConsultationPlan, PlanComment, PlanItem, PlanVersion
from .common import PS


@transaction.atomic
def plan_create(
    *, organisation: Organisation, year: int, actor, title: str = "", preface: str = ""
) -> ConsultationPlan:
    if not policies.can_draft_plan(actor, organisation):
        raise PermissionDenied
    if ConsultationPlan.objects.filter(organisation=organisation, year=year).exists():
        raise ValidationError({"year": _("%(year)s年度协商计划已存在。") % {"year": year}})
    plan = ConsultationPlan.objects.create(
        organisation=organisation,
        year=year,
        title=title
        or site_text(N_("%(org)s%(year)s年度协商工作计划"), org=organisation.name, year=year),
        preface=preface,
        created_by=actor,
    )
    record_event(actor=actor, verb="plan.create", subject=plan, to_state=plan.status)
    return plan


def _require_edit(actor, plan: ConsultationPlan) -> None:
    if not policies.can_edit_plan(actor, plan):
        if plan.status in policies.EDIT_PERMISSION:
            raise PermissionDenied
        raise TransitionError(
            _("当前环节为“%(state)s”，计划不能修改。") % {"state": plan.get_status_display()}
        )


@transaction.atomic
def plan_edit(
    *, plan: ConsultationPlan, actor, expected_version: int, title: str, preface: str
) -> ConsultationPlan:
    plan = lock(ConsultationPlan, plan.pk)
    _require_edit(actor, plan)
    before = {"title": plan.title, "preface": plan.preface}
    plan.title, plan.preface = title, preface
    save_versioned(plan, expected_version=expected_version, fields=["title", "preface"])
    record_event(
        actor=actor,
        verb="plan.edit",
        subject=plan,
        data=changed_fields(before, {"title": title, "preface": preface}),
    )
    return plan


ITEM_FIELDS = ("title", "form", "topic_type", "focus_area", "month", "lead_leader", "committee")


def _check_item_refs(plan: ConsultationPlan, data: dict) -> None:
    org = plan.organisation
    if data.get("focus_area") is not None and data["focus_area"].organisation_id != org.pk:
        raise ValidationError({"focus_area": _("重点领域不属于本组织。")})
    if data.get("committee") is not None and data["committee"].organisation_id != org.pk:
        raise ValidationError({"committee": _("专委会不属于本组织。")})
    if data.get("topic") is not None and data["topic"].organisation_id != org.pk:
        raise ValidationError({"topic": _("议题不属于本组织。")})
    for dept in data.get("departments") or []:
        if dept.organisation_id != org.pk:
            raise ValidationError({"departments": _("参加部门不属于本组织。")})
    month = data.get("month")
    if month is not None and not 1 <= int(month) <= 12:
        raise ValidationError({"month": _("月份应为1至12。")})


@transaction.atomic
def plan_item_save(
    *,
    plan: ConsultationPlan,
    actor,
    data: dict,
    expected_version: int,
    item: PlanItem | None = None,
) -> PlanItem:
    """Add an item to the plan or change one. `data` holds the item fields plus `topic`,
    `departments`, `co_organisers` and `is_key`. The plan's version moves on, so two
    clerks editing at once cannot overwrite each other."""
    plan = lock(ConsultationPlan, plan.pk)
    _require_edit(actor, plan)
    _check_item_refs(plan, data)
    if plan.version != expected_version:
        from xieshang.core.audit import StaleEdit

        raise StaleEdit(current_version=plan.version)
    if item is None:
        limit = config.get(plan.organisation, rules.PLAN_MAX_ITEMS)
        if plan.items.count() >= limit:
            raise ValidationError(_("计划事项已达上限（%(n)s项）。") % {"n": limit})
        order = (plan.items.aggregate(m=Max("sort_order"))["m"] or 0) + 1
        item = PlanItem(plan=plan, sort_order=order)
        verb = "plan.item_add"
        before = {}
    else:
        if item.plan_id != plan.pk:
            raise ValidationError(_("该事项不属于本计划。"))
        verb = "plan.item_edit"
        before = diff.item_snapshot(item)
    for key in (*ITEM_FIELDS, "topic", "is_key"):
        if key in data:
            setattr(item, key, data[key])
    item.save()
    if "departments" in data:
        item.departments.set(data["departments"])
    if "co_organisers" in data:
        item.co_organisers.set(data["co_organisers"])
    after = diff.item_snapshot(item)
    save_versioned(plan, expected_version=expected_version, fields=[])
    record_event(
        actor=actor,
        verb=verb,
        subject=plan,
        note=item.title,
        data={"item": item.pk, "changes": changed_fields(before, after) if before else {}},
    )
    return item


@transaction.atomic
def plan_item_remove(*, plan: ConsultationPlan, item: PlanItem, actor, expected_version: int):
    plan = lock(ConsultationPlan, plan.pk)
    _require_edit(actor, plan)
    if item.plan_id != plan.pk:
        raise ValidationError(_("该事项不属于本计划。"))
    if item.activities.exists():
        raise ValidationError(_("该事项已安排协商活动，不能删除。"))
    title = item.title
    item.delete()
    save_versioned(plan, expected_version=expected_version, fields=[])
    record_event(actor=actor, verb="plan.item_remove", subject=plan, note=title)


def _snapshot(plan: ConsultationPlan, *, actor, status: str, note: str) -> PlanVersion:
    items = selectors.plan_items(plan)
    number = (plan.versions.aggregate(m=Max("number"))["m"] or 0) + 1
    return PlanVersion.objects.create(
        plan=plan,
        number=number,
        status=status,
        snapshot=diff.plan_snapshot(plan, items),
        note=note[:200],
        created_by=actor,
    )


FORWARD_VERBS = {
    PS.DRAFT: "plan.submit",
    PS.REVISION: "plan.forward_review",
    PS.REVIEW: "plan.forward_approval",
    PS.APPROVAL: "plan.approve",
}


@transaction.atomic
def plan_forward(
    *,
    plan: ConsultationPlan,
    actor,
    note: str = "",
    approved_on: dt.date | None = None,
    doc_number: str = "",
    expected_version: int | None = None,
) -> ConsultationPlan:
    """Move the plan to the next step of the chain (C2.4), by the body of the current step
    only, and only while it passes the checks (C2.2, C4.9). The hand-over is kept as a new
    version. Approval by the Party standing committee publishes the plan and puts each key
    activity on the supervision list (C2.6)."""
    plan = lock(ConsultationPlan, plan.pk)
    if plan.status not in policies.NEXT:
        raise TransitionError(_("计划已印发。"))
    if not policies.can_forward(actor, plan):
        raise PermissionDenied
    if expected_version is not None and plan.version != expected_version:
        # Changed since the page was opened (a colleague's item, the other office's
        # revision): nobody hands on, or approves, a text they have not seen.
        from xieshang.core.audit import StaleEdit

        raise StaleEdit(current_version=plan.version)
    items = selectors.plan_items(plan)
    failed = selectors.failed_checks(selectors.plan_checks(plan, items))
    if failed:
        raise ValidationError(
            _("计划未通过检查，不能报送：%(checks)s")
            % {"checks": "；".join(f"{c.label}：{c.detail}" for c in failed)}
        )
    current = plan.status
    target = policies.NEXT[current]
    extra = []
    if target == PS.PUBLISHED:
        plan.approved_on = approved_on or timezone.localdate()
        plan.doc_number = doc_number or plan.doc_number
        extra = ["approved_on", "doc_number"]
    version = _snapshot(plan, actor=actor, status=current, note=note)
    transition(
        plan,
        to=target,
        allowed_from=[current],
        actor=actor,
        verb=FORWARD_VERBS[current],
        note=note,
        extra_fields=extra,
        data={"version": version.number},
    )
    if note.strip():
        PlanComment.objects.create(
            plan=plan,
            author=actor,
            body_label=policies.body_label(actor, plan.organisation),
            status=current,
            text=note,
        )
    # The next body reads the note it is handed with (as a plan sent back reads why); the
    # standing committee's note on the plan it approves is its 审定意见, not a hand-over's.
    _notify_next_body(
        plan,
        body=Phrase(
            N_("%(body)s审定意见：%(note)s")
            if target == PS.PUBLISHED
            else N_("%(body)s报送意见：%(note)s"),
            body=policies.body_label(actor, plan.organisation, lazy=True),
            note=note.strip(),
        )
        if note.strip()
        else "",
    )
    if target == PS.PUBLISHED:
        _open_key_item_tasks(plan, items, actor)
    return plan


@transaction.atomic
def plan_send_back(*, plan: ConsultationPlan, actor, note: str) -> ConsultationPlan:
    """Send the plan back one step with comments; the version handed back is kept."""
    plan = lock(ConsultationPlan, plan.pk)
    if not note.strip():
        raise ValidationError({"note": _("请填写退回意见。")})
    if plan.status not in policies.PREVIOUS:
        raise TransitionError(
            _("当前状态为“%(state)s”，不能退回。") % {"state": plan.get_status_display()}
        )
    if not policies.can_send_back(actor, plan):
        raise PermissionDenied
    current = plan.status
    version = _snapshot(plan, actor=actor, status=current, note=note)
    transition(
        plan,
        to=policies.PREVIOUS[current],
        allowed_from=[current],
        actor=actor,
        verb="plan.send_back",
        note=note,
        data={"version": version.number},
    )
    PlanComment.objects.create(
        plan=plan,
        author=actor,
        body_label=policies.body_label(actor, plan.organisation),
        status=current,
        text=note,
        is_send_back=True,
    )
    # The body it comes back to reads that it was sent back, by whom and why; so does the
    # other office revising beside the one that sent it back (会签), whose step it left.
    _notify_next_body(
        plan,
        also=[r for r in STEP_ROLES[current] if r not in STEP_ROLES[plan.status]]
        if current == PS.REVISION
        else [],
        exclude=actor,
        title=Phrase(
            N_("年度协商计划被退回：%(title)s（%(state)s）"),
            title=plan.title,
            state=ConsultationPlan.Status(plan.status).label,
        ),
        body=Phrase(
            N_("%(body)s退回意见：%(note)s"),
            body=policies.body_label(actor, plan.organisation, lazy=True),
            note=note,
        ),
    )
    return plan


@transaction.atomic
def plan_comment(*, plan: ConsultationPlan, actor, text: str) -> PlanComment:
    if not policies.can_comment(actor, plan):
        raise PermissionDenied
    if not text.strip():
        raise ValidationError({"text": _("请填写意见。")})
    comment = PlanComment.objects.create(
        plan=plan,
        author=actor,
        body_label=policies.body_label(actor, plan.organisation),
        status=plan.status,
        text=text,
    )
    record_event(actor=actor, verb="plan.comment", subject=plan, note=text[:500])
    return comment


STEP_ROLES = {
    PS.DRAFT: [Role.OFFICE],
    PS.REVISION: [Role.PARTY_OFFICE, Role.GOVERNMENT_OFFICE],
    PS.REVIEW: [Role.CHAIR],
    PS.APPROVAL: [Role.STANDING_SECRETARY],
    PS.PUBLISHED: [Role.OFFICE, Role.PARTY_OFFICE, Role.GOVERNMENT_OFFICE],
}


def _notify_next_body(
    plan: ConsultationPlan, *, title=None, body="", also=(), exclude=None
) -> None:
    state = ConsultationPlan.Status(plan.status).label
    recipients = access.role_holders(plan.organisation, *STEP_ROLES[plan.status], *also)
    if exclude is not None:
        recipients = recipients.exclude(pk=exclude.pk)
    # The step the plan left no longer waits on anyone: its notices are settled (every
    # earlier step's too: a plan moves one way at a time, each step's body did its part).
    settle(f"plan:{plan.pk}:")
    notify(
        recipients,
        title=title
        or Phrase(N_("年度协商计划：%(title)s（%(state)s）"), title=plan.title, state=state),
        body=body,
        url=f"/consultation/plans/{plan.pk}/",
        dedupe_key=f"plan:{plan.pk}:{plan.status}:{plan.version}",
    )


def _month_end(year: int, month: int) -> dt.date:
    return dt.date(year, month, monthrange(year, month)[1])


def _open_key_item_tasks(plan: ConsultationPlan, items: list[PlanItem], actor) -> None:
    """C2.6: each key activity's implementation becomes a supervision item (a follow-up
    task the supervising office sees), due at the end of its month."""
    today = timezone.localdate()
    for item in items:
        if not item.is_key:
            continue
        due = next_working_day(max(_month_end(plan.year, item.month), today))
        followups.task_open(
            organisation=plan.organisation,
            title=site_text(N_("重点协商活动落实：%(title)s"), title=item.title),
            actor=actor,
            kind=Task.Kind.IMPLEMENTATION,
            subject=item,
            assignee_role=Role.OFFICE,
            due_date=due,
            start_date=min(today, due),
            request=site_text(N_("请按年度协商计划组织开展并书面报告实施情况。")),
        )


def versions_diff(plan: ConsultationPlan, a: int, b: int) -> list[dict]:
    versions = {v.number: v for v in plan.versions.filter(number__in=[a, b])}
    if a not in versions or b not in versions:
        raise ValidationError(_("版本不存在。"))
    return diff.plan_diff(versions[a].snapshot, versions[b].snapshot)

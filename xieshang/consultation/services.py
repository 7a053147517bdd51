"""Every change to consultation data. Pages, the API, the demo and commands call these.

Each function checks the actor's right (through `policies`, built on core.access) and the
row's state, applies the change, writes the audit event and any follow-up task, duty record
and notification, all in one transaction.
"""

import datetime as dt
import hashlib
from calendar import monthrange

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from xieshang.core.audit import (
    TransitionError,
    changed_fields,
    lock,
    record_event,
    save_versioned,
    transition,
)
from xieshang.core.notifications import notify
from xieshang.duty.models import DutyKind
from xieshang.duty.services import record_duty
from xieshang.followups import services as followups
from xieshang.followups.models import Task
from xieshang.members.models import Member, Membership
from xieshang.orgs import config
from xieshang.orgs.models import Organisation, Role
from xieshang.portal import ratelimit, screening, tickets

from . import diff, policies, rules, selectors
from .models import (
    Activity,
    Attachment,
    ConsultationPlan,
    FocusArea,
    Outcome,
    Participant,
    PartyPlan,
    PartyPlanComment,
    PlanComment,
    PlanItem,
    PlanVersion,
    Speech,
    Topic,
)

PS = ConsultationPlan.Status


class RateLimited(Exception):
    """Too many public submissions from one address in the last hour."""


# --- Organisation helpers ----------------------------------------------------------------------


def cppcc_of(organisation: Organisation) -> Organisation:
    """The CPPCC committee a node belongs to: itself, or the nearest CPPCC ancestor of a
    street or community (a liaison officer's topics go to the district committee)."""
    if organisation.is_cppcc:
        return organisation
    ancestors = Organisation.objects.filter(pk__in=organisation.ancestor_ids()).order_by("-path")
    for node in ancestors:
        if node.is_cppcc:
            return node
    return organisation


def focus_areas_ensure(organisation: Organisation):
    """The organisation's focus areas (C2.1), seeded from the configured list the first time
    they are needed. Idempotent."""
    areas = selectors.focus_areas(organisation)
    if not FocusArea.objects.filter(organisation=organisation).exists():
        names = config.get(organisation, rules.FOCUS_AREAS)
        FocusArea.objects.bulk_create(
            [
                FocusArea(organisation=organisation, name=name, sort_order=i)
                for i, name in enumerate(names, 1)
            ],
            ignore_conflicts=True,
        )
    return areas


# --- Topics -------------------------------------------------------------------------------------


def _check_area(organisation, focus_area) -> None:
    if focus_area is not None and focus_area.organisation_id != organisation.pk:
        raise ValidationError({"focus_area": _("重点领域不属于本组织。")})


@transaction.atomic
def topic_create(
    *,
    organisation: Organisation,
    actor,
    title: str,
    source: str,
    proposer_name: str,
    description: str = "",
    topic_type: str = "political",
    focus_area: FocusArea | None = None,
    proposer_member: Member | None = None,
    proposer_department=None,
    street: Organisation | None = None,
) -> Topic:
    """A topic entered by staff, a member, a department, the Party office or a liaison
    officer (every source but the public portal). It goes straight into the topic pool."""
    if not policies.can_submit_topic(actor, organisation):
        raise PermissionDenied
    _check_area(organisation, focus_area)
    if not title.strip():
        raise ValidationError({"title": _("请填写议题名称。")})
    topic = Topic.objects.create(
        organisation=organisation,
        title=title.strip(),
        description=description,
        source=source,
        topic_type=topic_type,
        focus_area=focus_area,
        proposer_name=proposer_name,
        proposer_member=proposer_member,
        proposer_department=proposer_department,
        street=street,
        status=Topic.Status.OPEN,
        submitted_by=actor,
    )
    record_event(
        actor=actor,
        verb="topic.create",
        subject=topic,
        to_state=topic.status,
        note=topic.get_source_display(),
    )
    return topic


@transaction.atomic
def topic_from_resident_issue(*, issue, actor) -> Topic:
    """A resident's issue turned into a consultation topic (群众出题, C2.3) by whoever
    triages it (the residents app checks that right). The topic goes straight into the
    pool of the committee above the street; the resident is named as written, never their
    phone. Idempotent per issue."""
    if issue.topic_id:
        return issue.topic
    organisation = cppcc_of(issue.organisation)
    street = issue.organisation
    if street.level == "community" and street.parent_id:
        street = street.parent
    topic = Topic.objects.create(
        organisation=organisation,
        title=issue.title[:100],
        description=issue.description,
        source=Topic.Source.GRASSROOTS,
        proposer_name=issue.resident_name or _("群众（%(ticket)s）") % {"ticket": issue.ticket},
        street=street,
        status=Topic.Status.OPEN,
        submitted_by=actor if getattr(actor, "pk", None) else None,
    )
    record_event(
        actor=actor,
        verb="topic.create",
        subject=topic,
        to_state=topic.status,
        note=_("由民情事项转来：%(ticket)s") % {"ticket": issue.ticket},
    )
    return topic


def ip_hash(ip: str | None) -> str:
    return hashlib.sha256(f"{settings.SECRET_KEY}:{ip or ''}".encode()).hexdigest()


@transaction.atomic
def topic_public_submit(
    *, organisation: Organisation, title: str, description: str, name: str, phone: str, ip: str
) -> Topic:
    """A resident's topic suggestion from the portal (社会征题). It waits for moderation and
    is not a topic until staff accept it.

    At most `public_topics_per_hour` submissions per client address and hour (portal
    ratelimit, the address as the trusted proxies report it); the address is kept only as
    a keyed hash. Every submission passes the portal's screening step: the verdict (held,
    spam, reasons) is stored on the topic for the moderator, nothing is refused for it.
    The returned topic carries `check_code`, the resident's code for the lookup page, which
    is stored only as a hash and so can be shown only now."""
    limit = config.get(organisation, rules.PUBLIC_TOPICS_PER_HOUR)
    if not ratelimit.allow(f"consultation.topic:{ip}", limit, dt.timedelta(hours=1)):
        raise RateLimited(
            _("提交过于频繁：每小时最多提交%(n)s条，请稍后再试。您填写的内容已保留。")
            % {"n": limit}
        )
    title = title.strip()
    description = description.strip()
    verdict = screening.screen(
        organisation=organisation,
        texts=[title, description],
        contact=f"{name} {phone}".strip(),
        client=ip,
    )
    code = tickets.new_code()
    topic = Topic.objects.create(
        organisation=organisation,
        title=title,
        description=description,
        source=Topic.Source.PUBLIC,
        proposer_name=name.strip() or _("群众"),
        contact_phone=phone.strip(),
        status=Topic.Status.PENDING,
        ip_hash=ip_hash(ip),
        check_code_hash=tickets.hash_code(code),
        screen_held=verdict.held,
        screen_spam=verdict.spam,
        screen_reasons=list(verdict.reasons),
        screen_score=verdict.score,
    )
    topic.ticket = f"YT{timezone.localdate().year}{topic.pk:06d}"
    topic.save(update_fields=["ticket"])
    record_event(
        actor=None,
        verb="topic.public_submit",
        subject=topic,
        to_state=topic.status,
        note=topic.ticket,
        data={"held": verdict.held, "spam": verdict.spam, "reasons": list(verdict.reasons)},
    )
    topic.check_code = code
    return topic


@transaction.atomic
def topic_moderate(
    *,
    topic: Topic,
    actor,
    accept: bool,
    note: str = "",
    focus_area: FocusArea | None = None,
    topic_type: str | None = None,
) -> Topic:
    """Moderation of a public submission: accepted into the topic pool (with its focus area
    and type) or not taken up (with a reason)."""
    topic = lock(Topic, topic.pk)
    if not policies.can_manage(actor, topic.organisation):
        raise PermissionDenied
    if accept:
        _check_area(topic.organisation, focus_area)
        if focus_area is None:
            raise ValidationError({"focus_area": _("请选择重点领域。")})
        topic.focus_area = focus_area
        topic.topic_type = topic_type or topic.topic_type
    elif not note.strip():
        raise ValidationError({"note": _("请填写不予采纳的理由。")})
    topic.moderation_note = note[:200]
    transition(
        topic,
        to=Topic.Status.OPEN if accept else Topic.Status.REJECTED,
        allowed_from=[Topic.Status.PENDING],
        actor=actor,
        verb="topic.moderate_accept" if accept else "topic.moderate_reject",
        note=note,
        extra_fields=["focus_area", "topic_type", "moderation_note"],
    )
    return topic


def topic_bulk_reject(*, topic_ids, actor, note: str) -> tuple[int, int]:
    """Reject many pending public submissions with one reason (typically spam marked by the
    screening step). Each goes through `topic_moderate`, so each is checked, transitioned
    and audited on its own; one that another moderator has settled meanwhile, or that the
    actor may not manage, is skipped. Returns (rejected, skipped)."""
    if not note.strip():
        raise ValidationError({"note": _("请选择或填写不予采纳的理由。")})
    rejected = skipped = 0
    for topic in Topic.objects.filter(pk__in=list(topic_ids), source=Topic.Source.PUBLIC):
        try:
            topic_moderate(topic=topic, actor=actor, accept=False, note=note)
        except (PermissionDenied, TransitionError):
            skipped += 1
        else:
            rejected += 1
    skipped += len(set(topic_ids)) - rejected - skipped
    return rejected, skipped


@transaction.atomic
def topic_edit(*, topic: Topic, actor, expected_version: int, **fields) -> Topic:
    """Staff correct a topic's title, description, focus area or type."""
    if not policies.can_manage(actor, topic.organisation):
        raise PermissionDenied
    if "focus_area" in fields:
        _check_area(topic.organisation, fields["focus_area"])
    before = {k: getattr(topic, k) for k in fields}
    for key, value in fields.items():
        setattr(topic, key, value)
    save_versioned(topic, expected_version=expected_version, fields=list(fields))
    record_event(actor=actor, verb="topic.edit", subject=topic, data=changed_fields(before, fields))
    return topic


@transaction.atomic
def topic_merge(*, topic: Topic, into: Topic, actor, note: str = "") -> Topic:
    """Merge a duplicate topic into another (C2.3): it leaves the pool and points to the
    topic that carries on; both histories record it."""
    topic = lock(Topic, topic.pk)
    into = lock(Topic, into.pk)
    if not policies.can_manage(actor, topic.organisation):
        raise PermissionDenied
    if topic.pk == into.pk:
        raise ValidationError(_("不能与自身合并。"))
    if into.organisation_id != topic.organisation_id or into.status != Topic.Status.OPEN:
        raise ValidationError(_("只能并入本组织议题库中的议题。"))
    topic.merged_into = into
    transition(
        topic,
        to=Topic.Status.MERGED,
        allowed_from=[Topic.Status.OPEN],
        actor=actor,
        verb="topic.merge",
        note=note or _("并入“%(title)s”") % {"title": into.title},
        extra_fields=["merged_into"],
    )
    record_event(
        actor=actor,
        verb="topic.merge",
        subject=into,
        note=_("“%(title)s”并入本议题") % {"title": topic.title},
    )
    return topic


# --- Annual plan --------------------------------------------------------------------------------


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
        or _("%(org)s%(year)s年度协商工作计划") % {"org": organisation.name, "year": year},
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

        raise StaleEdit()
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
    _notify_next_body(plan)
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
    _notify_next_body(plan)
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


def _users_with_roles(organisation, roles):
    from xieshang.core.models import User

    return User.objects.filter(
        role_assignments__organisation=organisation,
        role_assignments__role__in=roles,
        is_active=True,
    ).distinct()


def _notify_next_body(plan: ConsultationPlan) -> None:
    notify(
        _users_with_roles(plan.organisation, STEP_ROLES[plan.status]),
        title=_("年度协商计划：%(title)s（%(state)s）")
        % {"title": plan.title, "state": plan.get_status_display()},
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
        due = max(_month_end(plan.year, item.month), today)
        followups.task_open(
            organisation=plan.organisation,
            title=_("重点协商活动落实：%(title)s") % {"title": item.title},
            actor=actor,
            kind=Task.Kind.IMPLEMENTATION,
            subject=item,
            assignee_role=Role.OFFICE,
            due_date=due,
            start_date=min(today, due),
            request=_("请按年度协商计划组织开展并书面报告实施情况。"),
        )


def versions_diff(plan: ConsultationPlan, a: int, b: int) -> list[dict]:
    versions = {v.number: v for v in plan.versions.filter(number__in=[a, b])}
    if a not in versions or b not in versions:
        raise ValidationError(_("版本不存在。"))
    return diff.plan_diff(versions[a].snapshot, versions[b].snapshot)


# --- Party-consultation plans (C4.1) -------------------------------------------------------------


@transaction.atomic
def party_plan_create(*, organisation, actor, year: int, title: str, body: str) -> PartyPlan:
    if not policies.can_write_party_plan(actor, organisation):
        raise PermissionDenied
    plan = PartyPlan.objects.create(
        organisation=organisation, year=year, title=title, body=body, created_by=actor
    )
    record_event(actor=actor, verb="party_plan.create", subject=plan, to_state=plan.status)
    return plan


@transaction.atomic
def party_plan_send(*, plan: PartyPlan, actor) -> PartyPlan:
    """Send the draft to the CPPCC for its comments on topics, timing and participants."""
    plan = lock(PartyPlan, plan.pk)
    if not policies.can_write_party_plan(actor, plan.organisation):
        raise PermissionDenied
    plan.sent_at = timezone.now()
    transition(
        plan,
        to=PartyPlan.Status.SENT,
        allowed_from=[PartyPlan.Status.DRAFT],
        actor=actor,
        verb="party_plan.send",
        extra_fields=["sent_at"],
    )
    notify(
        _users_with_roles(plan.organisation, [Role.OFFICE, Role.CHAIR]),
        title=_("征求意见：%(title)s") % {"title": plan.title},
        url=f"/consultation/party-plans/{plan.pk}/",
        dedupe_key=f"party_plan:{plan.pk}:sent",
    )
    return plan


@transaction.atomic
def party_plan_comment(*, plan: PartyPlan, actor, text: str) -> PartyPlanComment:
    plan = lock(PartyPlan, plan.pk)
    if not policies.can_comment_party_plan(actor, plan.organisation):
        raise PermissionDenied
    if plan.status != PartyPlan.Status.SENT:
        raise TransitionError(_("该计划当前不在征求意见阶段。"))
    if not text.strip():
        raise ValidationError({"text": _("请填写意见建议。")})
    comment = PartyPlanComment.objects.create(plan=plan, author=actor, text=text)
    record_event(actor=actor, verb="party_plan.comment", subject=plan, note=text[:500])
    notify(
        _users_with_roles(plan.organisation, [Role.PARTY_OFFICE, Role.UNITED_FRONT]),
        title=_("政协对《%(title)s》提出了意见建议") % {"title": plan.title},
        url=f"/consultation/party-plans/{plan.pk}/",
        dedupe_key=f"party_plan:{plan.pk}:comment:{comment.pk}",
    )
    return comment


@transaction.atomic
def party_plan_finalise(*, plan: PartyPlan, actor) -> PartyPlan:
    plan = lock(PartyPlan, plan.pk)
    if not policies.can_write_party_plan(actor, plan.organisation):
        raise PermissionDenied
    transition(
        plan,
        to=PartyPlan.Status.FINAL,
        allowed_from=[PartyPlan.Status.SENT],
        actor=actor,
        verb="party_plan.finalise",
    )
    return plan


# --- Activities ---------------------------------------------------------------------------------


def _require_activities(actor, organisation) -> None:
    if not policies.can_run_activities(actor, organisation):
        raise PermissionDenied


@transaction.atomic
def activity_create(
    *,
    organisation: Organisation,
    actor,
    title: str,
    form: str,
    date: dt.date,
    place: str,
    agenda: str = "",
    plan_item: PlanItem | None = None,
    sector=None,
    co_organisers=(),
) -> Activity:
    """An activity for a published plan item, or an ad hoc one (e.g. a sector consultation,
    C4.12). Several organisers (CPPCC and parties) may hold it together (C4.3)."""
    _require_activities(actor, organisation)
    if plan_item is not None:
        # Read the plan afresh: the caller's copy may predate its approval.
        plan = ConsultationPlan.objects.get(pk=plan_item.plan_id)
        if plan.organisation_id != organisation.pk:
            raise ValidationError({"plan_item": _("计划事项不属于本组织。")})
        if plan.status != PS.PUBLISHED:
            raise ValidationError({"plan_item": _("年度协商计划印发后才能安排计划内活动。")})
    if sector is not None and sector.organisation_id != organisation.pk:
        raise ValidationError({"sector": _("界别不属于本组织。")})
    activity = Activity.objects.create(
        organisation=organisation,
        plan_item=plan_item,
        title=title,
        form=form,
        date=date,
        place=place,
        agenda=agenda,
        sector=sector,
        created_by=actor,
    )
    if co_organisers:
        activity.co_organisers.set(co_organisers)
    record_event(actor=actor, verb="activity.create", subject=activity, to_state=activity.status)
    return activity


@transaction.atomic
def activity_edit(*, activity: Activity, actor, expected_version: int, **fields) -> Activity:
    _require_activities(actor, activity.organisation)
    co_organisers = fields.pop("co_organisers", None)
    before = {k: getattr(activity, k) for k in fields}
    for key, value in fields.items():
        setattr(activity, key, value)
    save_versioned(activity, expected_version=expected_version, fields=list(fields))
    if co_organisers is not None:
        activity.co_organisers.set(co_organisers)
    record_event(
        actor=actor,
        verb="activity.edit",
        subject=activity,
        data=changed_fields(before, fields),
    )
    return activity


def members_for(organisation, *, committee=None, sector=None, group=None):
    """Sitting members of the organisation in a committee, sector or activity group."""
    q = Q(
        memberships__status=Membership.Status.ACTIVE,
        memberships__term__organisation=organisation,
    )
    if committee is not None:
        q &= Q(memberships__committees=committee)
    if sector is not None:
        q &= Q(memberships__sector=sector)
    if group is not None:
        q &= Q(memberships__activity_group=group)
    return Member.objects.filter(q).distinct()


@transaction.atomic
def activity_add_participants(
    *,
    activity: Activity,
    actor,
    members=(),
    committee=None,
    sector=None,
    group=None,
    department_heads=(),
    leaders=(),
) -> int:
    """Invite members (by name, or all of a committee, sector or group), department heads
    (department, name) and Party/government leaders (name, title). Returns how many were
    added; members already invited are skipped."""
    activity = lock(Activity, activity.pk)
    _require_activities(actor, activity.organisation)
    if activity.status != Activity.Status.PLANNED:
        raise TransitionError(_("活动已召开，不能再调整参加人员。"))
    wanted: dict[int, Member] = {m.pk: m for m in members}
    for kwargs in ({"committee": committee}, {"sector": sector}, {"group": group}):
        value = next(iter(kwargs.values()))
        if value is not None:
            for m in members_for(activity.organisation, **kwargs):
                wanted[m.pk] = m
    for member in wanted.values():
        if member.organisation_id != activity.organisation_id:
            raise ValidationError(_("只能邀请本组织的委员。"))
    existing = set(
        activity.participants.filter(member__isnull=False).values_list("member_id", flat=True)
    )
    rows = [
        Participant(
            activity=activity,
            kind=Participant.Kind.MEMBER,
            member=m,
            name=m.name,
            title=m.employer[:100],
        )
        for pk, m in wanted.items()
        if pk not in existing
    ]
    for department, name in department_heads:
        rows.append(
            Participant(
                activity=activity,
                kind=Participant.Kind.DEPARTMENT_HEAD,
                department=department,
                name=name or department.leader_name or department.name,
                title=department.name,
            )
        )
    for name, title in leaders:
        rows.append(
            Participant(activity=activity, kind=Participant.Kind.LEADER, name=name, title=title)
        )
    Participant.objects.bulk_create(rows)
    record_event(
        actor=actor,
        verb="activity.participants",
        subject=activity,
        note=_("新增参加人员%(n)s人") % {"n": len(rows)},
    )
    return len(rows)


@transaction.atomic
def activity_hold(*, activity: Activity, actor, attendance: dict[int, str], minutes: str = ""):
    """Record that the activity took place and who attended (C2.5: invited leaders too).
    Members' attendance goes into the duty ledger; the minutes (纪要) are then due to the
    Party committee and government within the configured working days, tracked by the
    follow-up engine."""
    activity = lock(Activity, activity.pk)
    _require_activities(actor, activity.organisation)
    participants = list(activity.participants.select_related("member"))
    valid = set(Participant.Attendance.values) - {Participant.Attendance.INVITED}
    for p in participants:
        status = attendance.get(p.pk, Participant.Attendance.ABSENT)
        if status not in valid:
            raise ValidationError(_("出席情况不正确。"))
        p.attendance = status
    Participant.objects.bulk_update(participants, ["attendance"])
    if minutes:
        activity.minutes = minutes
    transition(
        activity,
        to=Activity.Status.HELD,
        allowed_from=[Activity.Status.PLANNED],
        actor=actor,
        verb="activity.hold",
        extra_fields=["minutes"],
        data={
            "attended": sum(1 for p in participants if p.attendance == "attended"),
            "leaders": sum(
                1 for p in participants if p.kind == "leader" and p.attendance == "attended"
            ),
        },
    )
    for p in participants:
        if p.member is None:
            continue
        if p.attendance == Participant.Attendance.ATTENDED:
            kind = DutyKind.MEETING
        elif p.attendance == Participant.Attendance.ABSENT:
            kind = DutyKind.ABSENCE_UNEXCUSED
        else:
            continue
        record_duty(
            member=p.member,
            kind=kind,
            date=activity.date,
            title=activity.title,
            source=activity,
            actor=actor,
        )
    days = config.get(activity.organisation, rules.MINUTES_WORKING_DAYS)
    followups.task_open(
        organisation=activity.organisation,
        title=_("报送协商纪要：%(title)s") % {"title": activity.title},
        actor=actor,
        kind=Task.Kind.OUTCOME,
        subject=activity,
        assignee_role=Role.OFFICE,
        working_days=days,
        start_date=activity.date,
        request=_("请于活动后%(n)s个工作日内将协商纪要报送党委、政府。") % {"n": days},
    )
    return activity


@transaction.atomic
def speech_add(*, activity: Activity, actor, speaker: str, title: str, text: str = "", member=None):
    _require_activities(actor, activity.organisation)
    speech = Speech.objects.create(
        activity=activity, speaker=speaker, title=title, text=text, member=member
    )
    record_event(actor=actor, verb="activity.edit", subject=activity, note=f"{speaker}：{title}")
    return speech


@transaction.atomic
def attachment_add(*, activity: Activity, actor, name: str, file) -> Attachment:
    _require_activities(actor, activity.organisation)
    attachment = Attachment.objects.create(
        activity=activity, name=name, file=file, original_name=file.name, uploaded_by=actor
    )
    record_event(actor=actor, verb="activity.edit", subject=activity, note=name)
    return attachment


# --- Outcomes (C2.7) ----------------------------------------------------------------------------

OS = Outcome.Status


@transaction.atomic
def outcome_create(
    *,
    activity: Activity,
    actor,
    kind: str,
    title: str,
    body: str,
    departments=(),
    to_party_office: bool = True,
    to_government_office: bool = True,
) -> Outcome:
    _require_activities(actor, activity.organisation)
    for dept in departments:
        if dept.organisation_id != activity.organisation_id:
            raise ValidationError({"departments": _("反馈单位不属于本组织。")})
    outcome = Outcome.objects.create(
        organisation=activity.organisation,
        activity=activity,
        kind=kind,
        title=title,
        body=body,
        to_party_office=to_party_office,
        to_government_office=to_government_office,
        created_by=actor,
    )
    outcome.departments.set(departments)
    record_event(actor=actor, verb="outcome.create", subject=outcome, to_state=outcome.status)
    return outcome


@transaction.atomic
def outcome_submit(*, outcome: Outcome, actor, submitted_on: dt.date | None = None) -> Outcome:
    """Send the outcome to the Party committee and government (and the named departments).

    A plan outcome enters the decision procedure (submitted → in decision → decided).
    Any other outcome asks each named body for written feedback on adoption and
    implementation by a deadline, through the follow-up engine (reminders, escalation).
    `submitted_on` records an outcome that went out on paper earlier; deadlines count from it."""
    outcome = lock(Outcome, outcome.pk)
    if not policies.can_manage(actor, outcome.organisation):
        raise PermissionDenied
    activity = outcome.activity
    if activity.status != Activity.Status.HELD:
        raise TransitionError(_("活动召开后才能报送协商成果。"))
    departments = list(outcome.departments.all())
    plan_outcome = activity.plan_item_id is not None
    if not plan_outcome and not (
        departments or outcome.to_party_office or outcome.to_government_office
    ):
        raise ValidationError(_("请至少指定一个反馈单位。"))
    outcome.submitted_on = min(submitted_on or timezone.localdate(), timezone.localdate())
    transition(
        outcome,
        to=OS.SUBMITTED if plan_outcome else OS.AWAITING_FEEDBACK,
        allowed_from=[OS.DRAFT],
        actor=actor,
        verb="outcome.submit",
        extra_fields=["submitted_on"],
    )
    offices = []
    if outcome.to_party_office:
        offices.append(Role.PARTY_OFFICE)
    if outcome.to_government_office:
        offices.append(Role.GOVERNMENT_OFFICE)
    if plan_outcome:
        notify(
            _users_with_roles(outcome.organisation, offices or [Role.PARTY_OFFICE]),
            title=_("协商成果报送：%(title)s") % {"title": outcome.title},
            body=_("列入年度协商计划的协商成果，请纳入决策程序。"),
            url=f"/consultation/outcomes/{outcome.pk}/",
            dedupe_key=f"outcome:{outcome.pk}:submitted",
        )
    else:
        days = config.get(outcome.organisation, rules.FEEDBACK_WORKING_DAYS)
        title = _("协商成果反馈：%(title)s") % {"title": outcome.title}
        request = _("请书面反馈对该%(kind)s的采纳和落实情况。") % {
            "kind": outcome.get_kind_display()
        }
        targets = [{"department": d} for d in departments]
        targets += [{"assignee_role": role} for role in offices]
        for target in targets:
            followups.task_open(
                organisation=outcome.organisation,
                title=title,
                actor=actor,
                kind=Task.Kind.OUTCOME,
                subject=outcome,
                working_days=days,
                start_date=outcome.submitted_on,
                request=request,
                **target,
            )
    if outcome.kind == Outcome.Kind.MINUTES:
        _close_minutes_task(activity, outcome, actor)
    return outcome


def _close_minutes_task(activity: Activity, outcome: Outcome, actor) -> None:
    """The minutes have gone out: answer and close the office's own reminder task."""
    ct = ContentType.objects.get_for_model(Activity)
    for task in Task.objects.filter(
        content_type=ct, object_id=str(activity.pk), status=Task.Status.OPEN
    ):
        try:
            followups.feedback_submit(
                task=task, text=_("已报送《%(title)s》。") % {"title": outcome.title}, actor=actor
            )
            followups.task_close(task=task, actor=actor)
        except PermissionDenied:
            continue  # someone else's task: the office closes it on the follow-up page


@transaction.atomic
def outcome_enter_decision(*, outcome: Outcome, actor, note: str = "") -> Outcome:
    outcome = lock(Outcome, outcome.pk)
    if not policies.can_decide(actor, outcome.organisation):
        raise PermissionDenied
    transition(
        outcome,
        to=OS.IN_DECISION,
        allowed_from=[OS.SUBMITTED],
        actor=actor,
        verb="outcome.in_decision",
        note=note,
    )
    return outcome


@transaction.atomic
def outcome_decide(
    *, outcome: Outcome, actor, decision: str, decided_on: dt.date | None = None
) -> Outcome:
    outcome = lock(Outcome, outcome.pk)
    if not policies.can_decide(actor, outcome.organisation):
        raise PermissionDenied
    if not decision.strip():
        raise ValidationError({"decision": _("请填写决策结果。")})
    outcome.decision = decision
    outcome.decided_on = decided_on or timezone.localdate()
    transition(
        outcome,
        to=OS.DECIDED,
        allowed_from=[OS.IN_DECISION],
        actor=actor,
        verb="outcome.decide",
        note=decision[:500],
        extra_fields=["decision", "decided_on"],
    )
    notify(
        _users_with_roles(outcome.organisation, [Role.OFFICE]),
        title=_("协商成果已作出决策：%(title)s") % {"title": outcome.title},
        url=f"/consultation/outcomes/{outcome.pk}/",
        dedupe_key=f"outcome:{outcome.pk}:decided",
    )
    return outcome


@transaction.atomic
def outcome_close(*, outcome: Outcome, actor, note: str = "") -> Outcome:
    """All written feedback is in and accepted: the outcome is closed."""
    outcome = lock(Outcome, outcome.pk)
    if not policies.can_manage(actor, outcome.organisation):
        raise PermissionDenied
    tasks = selectors.outcome_tasks([outcome.pk]).get(outcome.pk, [])
    unfinished = [t for t in tasks if t.status not in (Task.Status.CLOSED, Task.Status.CANCELLED)]
    if unfinished:
        raise ValidationError(
            _("尚有%(n)s个单位的书面反馈未办结，不能办结。") % {"n": len(unfinished)}
        )
    transition(
        outcome,
        to=OS.CLOSED,
        allowed_from=[OS.AWAITING_FEEDBACK],
        actor=actor,
        verb="outcome.close",
        note=note,
    )
    return outcome

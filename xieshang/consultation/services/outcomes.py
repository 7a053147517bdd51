"""Consultation outcomes (C2.7) and their follow-up: drafting, sending them to the Party
committee, government and departments (the decision procedure for plan outcomes, written
feedback tasks for the rest), decision and closing."""

import datetime as dt

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
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
from xieshang.core.notifications import notify, settle
from xieshang.core.phrases import Phrase, site_text
from xieshang.core.text import chinese_date
from xieshang.followups import services as followups
from xieshang.followups.models import Task
from xieshang.orgs import config
from xieshang.orgs.models import Role

from .. import policies, rules, selectors
from ..models import Activity, ActivityForm, Outcome
from .activities import _require_activities

OS = Outcome.Status
OK = Outcome.Kind

# The outcome an activity of each form usually produces, offered first on its outcome form
# (the clerk may choose another): plenary and standing-committee consultation adopt
# recommendations (建议案); special, counterpart and sector consultations are reported to
# the Party committee and government as bulletins (协商专报); a symposium or a proposal-
# handling consultation is written up as minutes (协商纪要).
OUTCOME_KIND_BY_FORM = {
    ActivityForm.PLENARY: OK.RECOMMENDATION,
    ActivityForm.STANDING: OK.RECOMMENDATION,
    ActivityForm.SPECIAL: OK.BULLETIN,
    ActivityForm.COUNTERPART: OK.BULLETIN,
    ActivityForm.SECTOR: OK.BULLETIN,
    ActivityForm.SYMPOSIUM: OK.MINUTES,
    ActivityForm.PROPOSAL: OK.MINUTES,
}


def default_outcome_kind(activity: Activity) -> str:
    """The outcome type first offered for an outcome of `activity` (OUTCOME_KIND_BY_FORM)."""
    return OUTCOME_KIND_BY_FORM.get(activity.form, OK.MINUTES)


def _check_departments(organisation_id: int, departments) -> None:
    if any(d.organisation_id != organisation_id for d in departments):
        raise ValidationError({"departments": _("反馈单位不属于本组织。")})


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
    _check_departments(activity.organisation_id, departments)
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
def outcome_update(
    *,
    outcome: Outcome,
    actor,
    version: int,
    kind: str,
    title: str,
    body: str,
    departments=(),
    to_party_office: bool = True,
    to_government_office: bool = True,
) -> Outcome:
    """Revise a draft outcome (its text, where it goes) before it is sent; `version` is the
    one the form was read with, so a colleague's revision is never overwritten silently."""
    _require_activities(actor, outcome.organisation)
    outcome = lock(Outcome, outcome.pk)
    if outcome.status != OS.DRAFT:
        raise TransitionError(_("协商成果已报送，不能再修改。"))
    _check_departments(outcome.organisation_id, departments)
    fields = ["kind", "title", "body", "to_party_office", "to_government_office"]
    before = {f: getattr(outcome, f) for f in fields}
    before["departments"] = sorted(d.name for d in outcome.departments.all())
    outcome.kind, outcome.title, outcome.body = kind, title, body
    outcome.to_party_office, outcome.to_government_office = to_party_office, to_government_office
    save_versioned(outcome, expected_version=version, fields=fields)
    outcome.departments.set(departments)
    after = {f: getattr(outcome, f) for f in fields}
    after["departments"] = sorted(d.name for d in departments)
    record_event(
        actor=actor,
        verb="outcome.update",
        subject=outcome,
        data={"changes": changed_fields(before, after)},
    )
    outcome.refresh_from_db()
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
            access.role_holders(outcome.organisation, *(offices or [Role.PARTY_OFFICE])),
            title=Phrase(N_("协商成果报送：%(title)s"), title=outcome.title),
            body=Phrase(N_("列入年度协商计划的协商成果，请纳入决策程序。")),
            url=f"/consultation/outcomes/{outcome.pk}/",
            dedupe_key=f"outcome:{outcome.pk}:submitted",
        )
    else:
        request = site_text(
            N_("请书面反馈对该%(kind)s的采纳和落实情况。"), kind=OK(outcome.kind).label
        )
        targets = [{"department": d} for d in departments]
        targets += [{"assignee_role": role} for role in offices]
        _ask_for_feedback(outcome, actor, targets, request, outcome.submitted_on)
    if outcome.kind == Outcome.Kind.MINUTES:
        _close_minutes_task(activity, outcome, actor)
    return outcome


def _ask_for_feedback(outcome: Outcome, actor, targets, request: str, start: dt.date) -> None:
    """One written-feedback task per unit (followups): a deadline of the organisation's
    feedback working days from `start`, with reminders and overdue escalation."""
    days = config.get(outcome.organisation, rules.FEEDBACK_WORKING_DAYS)
    title = site_text(N_("协商成果反馈：%(title)s"), title=outcome.title)
    for target in targets:
        followups.task_open(
            organisation=outcome.organisation,
            title=title,
            actor=actor,
            kind=Task.Kind.OUTCOME,
            subject=outcome,
            working_days=days,
            start_date=start,
            request=request,
            **target,
        )


def _close_minutes_task(activity: Activity, outcome: Outcome, actor) -> None:
    """The minutes have gone out: answer and close the office's own reminder task."""
    ct = ContentType.objects.get_for_model(Activity)
    for task in Task.objects.filter(
        content_type=ct, object_id=str(activity.pk), status=Task.Status.OPEN
    ):
        try:
            # Answered the day the minutes went out, which may be earlier than today.
            followups.feedback_submit(
                task=task,
                text=site_text(N_("已报送《%(title)s》。"), title=outcome.title),
                actor=actor,
                answered_on=outcome.submitted_on,
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
    settle(f"outcome:{outcome.pk}:submitted")  # 请纳入决策程序: it is in the procedure now
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
    decided_on = decided_on or timezone.localdate()
    # A decision on what the activity produced comes after the activity: a decision dated
    # before it (a typo's 2016) would also start the units' feedback deadline years ago.
    held_on = outcome.activity.date
    if decided_on < held_on:
        raise ValidationError(
            {
                "decided_on": _("决策日期不能早于协商活动召开的日期（%(day)s）。")
                % {"day": chinese_date(held_on)}
            }
        )
    outcome.decision = decision
    outcome.decided_on = decided_on
    # The units named on a plan outcome (反馈单位) report in writing how they carry out
    # what was decided: the outcome waits for them (待书面反馈, then 办结) as an unplanned
    # outcome waits for its units; with none named the decision closes the procedure.
    departments = list(outcome.departments.all())
    transition(
        outcome,
        to=OS.AWAITING_FEEDBACK if departments else OS.DECIDED,
        allowed_from=[OS.IN_DECISION],
        actor=actor,
        verb="outcome.decide",
        note=decision[:500],
        extra_fields=["decision", "decided_on"],
    )
    if departments:
        request = site_text(
            N_("该%(kind)s已作出决策：%(decision)s\n请书面反馈决策事项的落实情况。"),
            kind=OK(outcome.kind).label,
            decision=decision[:500],
        )
        _ask_for_feedback(
            outcome, actor, [{"department": d} for d in departments], request, outcome.decided_on
        )
    notify(
        access.role_holders(outcome.organisation, Role.OFFICE),
        title=Phrase(N_("协商成果已作出决策：%(title)s"), title=outcome.title),
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
    unfinished = selectors.unfinished_feedback(tasks)
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

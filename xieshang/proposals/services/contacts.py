"""联系提案人: the department records its contacts with the proposers, and the daily jobs
remind it before the contact-by date (联系提案人时限) and tell it once after."""

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Exists, F, OuterRef
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop as N_

from xieshang.core import calendar
from xieshang.core.audit import TransitionError, record_event
from xieshang.core.notifications import notify
from xieshang.core.phrases import Phrase
from xieshang.core.text import reader_date
from xieshang.followups import services as followups
from xieshang.orgs import config

from .. import policies, rules
from ..models import Assignment, Contact
from .common import _today


@transaction.atomic
def contact_record(
    *, assignment: Assignment, actor, date: dt.date, way: str, note: str = ""
) -> Contact:
    if not policies.can_handle(actor, assignment):
        raise PermissionDenied
    if assignment.status != Assignment.Status.HANDLING:
        raise TransitionError(_("该提案已答复或已退回。"))
    if date > _today():
        raise ValidationError({"date": _("联系日期不能晚于今天。")})
    assigned_on = timezone.localtime(assignment.assigned_at).date()
    if date < assigned_on:
        # Before the proposal reached the department there was nothing to contact about.
        raise ValidationError(
            {
                "date": _("联系日期不能早于交办日期（%(date)s）。")
                % {"date": reader_date(assigned_on)}
            }
        )
    if way not in Contact.Way.values:
        raise ValidationError({"way": _("请选择联系方式。")})
    contact = Contact.objects.create(
        assignment=assignment, date=date, way=way, note=note, recorded_by=actor
    )
    record_event(
        actor=actor,
        verb="proposal.contact",
        subject=assignment.proposal,
        note=note,
        data={"way": way, "date": date.isoformat(), "department": assignment.department.name},
    )
    return contact


def contact_due(assignment: Assignment) -> dt.date:
    """联系提案人时限: the day by which the department should have contacted the proposers,
    kept on the assignment as it opened (rules.CONTACT_DAYS working days after it); counted
    now for an assignment made before it was kept."""
    if assignment.contact_due is not None:
        return assignment.contact_due
    return calendar.add_working_days(
        timezone.localtime(assignment.assigned_at).date(),
        config.get(assignment.proposal.organisation, rules.CONTACT_DAYS),
    )


def _not_contacted(**contact_due):
    """The answering departments (lead or split, in handling, with a follow-up task) with
    no contact with the proposers on record, their contact-by date as `contact_due` says:
    the reminder before the date and the notice after it ask the same."""
    return (
        Assignment.objects.filter(
            status=Assignment.Status.HANDLING,
            role__in=[Assignment.Role.LEAD, Assignment.Role.SPLIT],
            task__isnull=False,
            **contact_due,
        )
        .exclude(Exists(Contact.objects.filter(assignment=OuterRef("pk"))))
        .select_related("proposal", "department", "task__department")
        .order_by("contact_due", "id")
    )


def _notify_contact(assignment: Assignment, key: str, title: Phrase, body: Phrase):
    """The notice about the contact-by date to an answering department (`_not_contacted`),
    its clerks and leaders as its follow-up task addresses them, by inbox and SMS, linking
    to its handling page; once per assignment and contact-by date under `key` (the reminder
    before the date and the notice after it differ only in wording). Returns what `notify`
    returns."""
    return notify(
        followups.assignees(assignment.task),
        title=title,
        body=body,
        url=reverse("proposals:dept_handle", args=[assignment.pk]),
        dedupe_key=f"proposal:{assignment.proposal_id}:{key}:{assignment.pk}:"
        f"{assignment.contact_due}",
        channels=("inbox", "sms"),
    )


# How many working days before the contact-by date the department is reminded, as a
# follow-up task is before its due date (`Task.remind_days_before`'s default).
CONTACT_REMIND_DAYS = 3


def contact_remind(*, today: dt.date | None = None) -> int:
    """The daily reminder of the contact-by date (联系提案人时限, `Assignment.contact_due`):
    an answering department (lead or split, in handling) with no contact on record is
    reminded once, in the last `CONTACT_REMIND_DAYS` working days before the date, its
    clerks and leaders as its follow-up task addresses them (`followups.assignees`). The
    ones due are found in one query; each is claimed with a compare-and-set update of
    `contact_reminded_for` (as `followups.services.scan_deadlines` claims a task's
    reminder) and the notice carries a dedupe key, so a second run, or a run on another
    host, sends nothing twice. Returns how many were reminded."""
    today = today or _today()
    horizon = calendar.add_working_days(today, CONTACT_REMIND_DAYS)
    due = _not_contacted(contact_due__gte=today, contact_due__lte=horizon).exclude(
        contact_reminded_for=F("contact_due")
    )
    reminded = 0
    for assignment in due:
        claimed = (
            Assignment.objects.filter(
                pk=assignment.pk,
                status=Assignment.Status.HANDLING,
                contact_due=assignment.contact_due,
            )
            .exclude(contact_reminded_for=assignment.contact_due)
            .exclude(Exists(Contact.objects.filter(assignment=OuterRef("pk"))))
            .update(contact_reminded_for=assignment.contact_due)
        )
        if claimed != 1:
            continue
        proposal = assignment.proposal
        _notify_contact(
            assignment,
            "contact_remind",
            Phrase(N_("请按时联系提案人：%(title)s"), title=proposal.title),
            Phrase(
                N_(
                    "%(number)s《%(title)s》的联系提案人时限为%(date)s，本单位尚未记录与提案人的"
                    "联系。请联系提案人了解提案意图，并在办理页面记录联系情况。"
                ),
                number=proposal.number,
                title=proposal.title,
                date=assignment.contact_due,
            ),
        )
        reminded += 1
    return reminded


# How many days after the contact-by date the daily job still gives its one overdue notice:
# a missed run or a weekend still gives it, and the first run after a deployment does not
# send one for every long-overdue assignment at once.
CONTACT_OVERDUE_WINDOW_DAYS = 7


def contact_overdue_notify(*, today: dt.date | None = None) -> int:
    """The one notice after the contact-by date (联系提案人时限) passed with no contact on
    record: an answering department still handling its part is told once, on the first
    daily run after the date (within `CONTACT_OVERDUE_WINDOW_DAYS`), its clerks and leaders
    as its follow-up task addresses them. Once only by the notice's dedupe key (a second
    run, or one on another host, creates nothing: `core.notifications.notify`), so no field
    of its own. The reminder before the date is `contact_remind`. Returns how many
    departments were told."""
    today = today or _today()
    overdue = _not_contacted(
        contact_due__lt=today,
        contact_due__gte=today - dt.timedelta(days=CONTACT_OVERDUE_WINDOW_DAYS),
    )
    told = 0
    for assignment in overdue:
        proposal = assignment.proposal
        created = _notify_contact(
            assignment,
            "contact_overdue",
            Phrase(N_("联系提案人已逾期：%(title)s"), title=proposal.title),
            Phrase(
                N_(
                    "%(number)s《%(title)s》的联系提案人时限%(date)s已过，本单位尚未记录与提案人"
                    "的联系。请尽快联系提案人了解提案意图，并在办理页面记录联系情况。"
                ),
                number=proposal.number,
                title=proposal.title,
                date=assignment.contact_due,
            ),
        )
        told += bool(created)
    return told

"""A unit's written feedback (书面反馈) on its task, and who is told of it, once."""

import datetime as dt
from collections.abc import Callable
from contextlib import contextmanager
from contextvars import ContextVar

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models.signals import post_save
from django.dispatch import receiver
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop as N_

from xieshang.core.audit import lock, transition
from xieshang.core.models import Notification
from xieshang.core.notifications import notify
from xieshang.core.phrases import Phrase

from .. import policies, signals
from ..models import Feedback, Instruction, Task
from .common import _task_url, settle_open_notices
from .extensions import extension_deciders, withdraw_extensions


@transaction.atomic
def feedback_submit(
    *,
    task: Task,
    text: str,
    actor,
    document=None,
    answered_on: dt.date | None = None,
    tell_requester: bool = True,
) -> Feedback:
    """The assignee gives written feedback; the task moves to SUBMITTED.

    `answered_on` is the day the answer went out when it is recorded later (minutes sent on
    paper and entered afterwards): the on-time count reads that day, never a later one.
    `tell_requester` False: the calling module tells the office that asked itself, once for
    the whole matter (a proposal answered by all its units, `proposals._answered`), rather
    than once per unit's answer; the engine's notice (`_tell_requester`) is not sent."""
    task = lock(Task, task.pk)
    if not policies.can_answer(actor, task):
        raise PermissionDenied
    if not text.strip():
        raise ValidationError(_("请填写反馈内容。"))
    feedback = Feedback.objects.create(
        task=task,
        author=actor,
        text=text,
        document=document or "",
        document_name=document.name if document else "",
    )
    task.submitted_at = timezone.now()
    if answered_on is not None and answered_on < timezone.localdate():
        task.submitted_at = timezone.make_aware(dt.datetime.combine(answered_on, dt.time(12)))
    transition(
        task,
        to=Task.Status.SUBMITTED,
        allowed_from=[Task.Status.OPEN],
        actor=actor,
        verb="followup.feedback",
        note=text[:500],
        extra_fields=["submitted_at"],
        data={"on_time": task.was_on_time},
    )
    withdraw_extensions(task=task, actor=actor, note=Phrase(N_("已书面反馈，延期申请自动撤回")))
    settle_open_notices(task)
    with _telling() as told:
        # Modules whose subject follows the task (a resident's issue becomes "answered").
        signals.feedback_submitted.send(sender=Task, task=task, feedback=feedback, actor=actor)
        if task.kind == Task.Kind.INSTRUCTION:
            _instruction_answered(task, feedback, actor)
    if tell_requester:
        _tell_requester(task, feedback, actor, already=told)
    return feedback


# Tasks a module answers through its own page and rules, never by a written feedback typed on
# the follow-up page or sent through the API: kind → (why, the page where the unit answers
# the task), registered by the module that owns the kind (`answered_on_own_page`). A proposal's
# part is answered by the letter its leader signs off, a co-handler's by its view to the lead
# department: a feedback typed on the follow-up page left the task 已反馈 while the proposal
# still waited, and the letter could then never be sent.
_OWN_PAGES: dict[str, tuple] = {}


def answered_on_own_page(kind: str, *, refusal, url_of: Callable[[Task], str]) -> None:
    """`kind`'s tasks are answered on their module's page: `url_of(task)` is that page while
    it takes the answer ('' once it no longer does: the follow-up page's form serves then, for
    a task the office returned after the answer), `refusal` what the follow-up page says
    instead of its form meanwhile."""
    _OWN_PAGES[kind] = (refusal, url_of)


def own_answer_page(task: Task) -> str:
    """The page of its module where `task` is answered now, '' for a task answered here."""
    entry = _OWN_PAGES.get(task.kind)
    return entry[1](task) if entry else ""


def feedback_page_refusal(task: Task, page: str | None = None) -> str:
    """Why the unit cannot give written feedback on `task` from the follow-up page or the
    API ('' when it can): its module's page takes the answer (`page`: `own_answer_page`, when
    the caller has it already)."""
    entry = _OWN_PAGES.get(task.kind)
    if entry is None:
        return ""
    page = own_answer_page(task) if page is None else page
    return str(entry[0]) if page else ""


def feedback_from_page(*, task: Task, text: str, actor, document=None) -> Feedback:
    """A unit's written feedback typed on the follow-up page or sent through the API: refused
    for a task its module answers itself (`feedback_page_refusal`)."""
    refusal = feedback_page_refusal(task)
    if refusal:
        raise ValidationError(refusal)
    return feedback_submit(task=task, text=text, actor=actor, document=document)


# The users given a notice while a feedback's modules run (`_telling`): the follow-up
# engine's own notice to the office that asked does not tell them twice.
_told: ContextVar[set | None] = ContextVar("followups_told", default=None)


@contextmanager
def _telling():
    told: set[int] = set()
    token = _told.set(told)
    try:
        yield told
    finally:
        _told.reset(token)


@receiver(post_save, sender=Notification, dispatch_uid="followups.told")
def _note_told(sender, instance, created, **kwargs) -> None:
    told = _told.get()
    if created and told is not None:
        told.add(instance.recipient_id)


def feedback_readers(task: Task) -> list:
    """Who is told of a unit's written feedback: the one who set the task (its requester,
    the clerk of the office that asked: a leader's instruction's recorder, the committee
    that handed a matter on); when that account is gone, or the unit set the task on itself
    (a proposal's 落实跟踪, opened as its answer went out), the office that decides on the
    task (`extension_deciders`), which closes or returns it. Never someone who answers the
    task themselves (an office's task on itself tells nobody)."""
    requester = task.requested_by
    own_unit = requester is not None and task.department_id and policies.can_answer(requester, task)
    readers = (
        [requester]
        if requester is not None and requester.is_active and not own_unit
        else list(extension_deciders(task))
    )
    return [user for user in readers if not policies.can_answer(user, task)]


def _tell_requester(task: Task, feedback: Feedback, actor, *, already: set) -> None:
    """The office that asked hears of the answer in its inbox, once: not the person who
    wrote it, nor whoever the subject's module already told about this feedback (a
    resident issue's liaison, an item's authors)."""
    readers = [
        user
        for user in feedback_readers(task)
        if user.pk != getattr(actor, "pk", None) and user.pk not in already
    ]
    if not readers:
        return
    notify(
        readers,
        title=Phrase(N_("已书面反馈：%(title)s"), title=task.title),
        body=Phrase(
            N_("%(unit)s已于%(day)s书面反馈。"),
            unit=task.assignee_phrase,
            day=timezone.localdate(task.submitted_at),
        ),
        url=_task_url(task),
        dedupe_key=f"followup:{task.pk}:feedback:{feedback.pk}",
        channels=("inbox",),
    )


def _instruction_answered(task: Task, feedback: Feedback, actor) -> None:
    """A unit answered a leader's instruction: the item's module hears of it (to tell the
    people whose item it is)."""
    from ..instructions import target_for

    if task.content_type_id != ContentType.objects.get_for_model(Instruction).pk:
        return  # a task filed by hand under the instruction kind, with no instruction row
    instruction = Instruction.objects.filter(pk=task.object_id).first()
    item = instruction.item if instruction is not None else None
    target = target_for(item) if item is not None else None
    if target is not None:
        target.answered(instruction, task, feedback, actor)

"""答复: the department's answer letter, its leader's sign-off (签发) or remarks (退回修改),
the answer going to the proposers (the proposal 已答复 once every part is settled), and the
stamped scan of record."""

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop as N_

from xieshang.core.audit import (
    StaleEdit,
    TransitionError,
    lock,
    record_event,
    save_versioned,
    transition,
)
from xieshang.core.notifications import notify, settle
from xieshang.core.phrases import Phrase
from xieshang.core.text import reader_date
from xieshang.core.uploads import check_upload
from xieshang.followups import services as followups
from xieshang.followups.models import Task
from xieshang.members.validators import validate_phone
from xieshang.orgs import config

from .. import policies, rules
from ..models import Answer, Assignment, Proposal
from .common import S, _notify_proposers, _today, months_later


def outcome_categories(organisation) -> dict[str, str]:
    return {code: label for code, label in config.get(organisation, rules.OUTCOME_CATEGORIES)}


def category_note(organisation, category: str) -> Phrase:
    """An answer's category as its history line says it ("B 正在解决或已列入计划"), read in
    each reader's language: a default label from the catalogue, an organisation's own
    label as it was typed (`outcome_category_labels`)."""
    label = outcome_categories(organisation).get(category, "")
    defaults = {label for _code, label in config.RULES[rules.OUTCOME_CATEGORIES].default}
    return Phrase(
        N_("%(code)s %(label)s"), code=category, label=Phrase(label) if label in defaults else label
    )


def outcome_category_labels(organisation) -> dict[str, str]:
    """The categories as a page or form shows them: the default labels
    (`rules.OUTCOME_CATEGORIES`) in the reader's language, an organisation's own labels as it
    typed them, never looked up in the catalogue (one typed 已列入计划 would read "In the
    plan", another string's translation). Not for stored text, which is written in the
    site's language."""
    defaults = {label for _code, label in config.RULES[rules.OUTCOME_CATEGORIES].default}
    return {
        code: _(label) if label in defaults else label
        for code, label in outcome_categories(organisation).items()
    }


def sign_off_users(department):
    """Who may sign off the department's answers (签发): the accounts holding its
    responsible leader's role (`policies.can_sign_off`)."""
    from xieshang.core.models import User

    return User.objects.filter(department.leaders_q(named=False), is_active=True).distinct()


@transaction.atomic
def answer_submit(
    *,
    assignment: Assignment,
    actor,
    category: str,
    text: str,
    signed_by: str,
    contact_person: str,
    contact_phone: str,
    doc_number: str = "",
    expected_version: int | None = None,
    confirm_no_contact: bool | None = None,
) -> Answer:
    """答复: the answer letter with its outcome category. The department's responsible
    leader signs it off (签发) before it goes to the proposers: a clerk's answer waits for
    the sign-off (`answer_sign_off`), and submitting it again revises the waiting letter; a
    leader's own answer goes at once. A department with no leader's account sends at once,
    under the leader's name the clerk typed, so no answer is held by a missing account.
    When every answering department's answer has gone, the proposers are asked to rate.

    `expected_version` is the waiting answer's version the user's form started from (0: there
    was none): a waiting answer revised (or first written) by someone else meanwhile is not
    overwritten, `StaleEdit` says so. None (a script) does not check.

    An answer written with no contact with the proposers on record (联系提案人, C4.6) is
    taken only when the user confirms it (`confirm_no_contact`): the history says it went
    without contact. None (a script) does not ask; it is recorded all the same.
    docs/decisions.md says why it is not refused outright."""
    assignment = (
        Assignment.objects.select_for_update(of=("self",))
        .select_related("department", "proposal__organisation", "task")
        .get(pk=assignment.pk)
    )
    proposal = lock(Proposal, assignment.proposal_id)
    if not policies.can_handle(actor, assignment):
        raise PermissionDenied
    if assignment.role == Assignment.Role.CO:
        raise ValidationError(_("协办单位请提出协办意见，由主办单位答复。"))
    if assignment.status != Assignment.Status.HANDLING:
        raise TransitionError(_("该提案已答复或已退回。"))
    errors = {}
    categories = outcome_categories(proposal.organisation)
    if category not in categories:
        errors["category"] = _("请选择办理结果分类。")
    if not text.strip():
        errors["text"] = _("请填写答复内容。")
    if not signed_by.strip():
        errors["signed_by"] = _("答复函须由单位负责人签发。")
    if not contact_person.strip() or not contact_phone.strip():
        errors["contact_person"] = _("请填写联系人及联系电话。")
    else:
        try:
            contact_phone = validate_phone(contact_phone)
        except ValidationError as exc:
            errors["contact_phone"] = exc.messages[0]
    no_contact = not assignment.contacts.exists()
    if no_contact and confirm_no_contact is False:
        errors["confirm_no_contact"] = _(
            "尚未记录与提案人的联系。请先联系提案人并记录；确需不经联系直接答复的，请勾选确认。"
        )
    if errors:
        raise ValidationError(errors)
    fields = {
        "category": category,
        "text": text,
        "signed_by": signed_by,
        "contact_person": contact_person,
        "contact_phone": contact_phone,
        "doc_number": doc_number.strip(),
    }
    answer = assignment.answers.filter(sent_at__isnull=True).first()
    revised = answer is not None
    if expected_version is not None and (answer.version if revised else 0) != expected_version:
        raise StaleEdit(current_version=answer.version if revised else 0)
    if answer is None:
        answer = Answer(assignment=assignment, created_by=actor)
    for name, value in fields.items():
        setattr(answer, name, value)
    answer.answered_at = timezone.now()
    # Submitted again after the leader sent it back: it waits for the sign-off once more (the
    # remarks stay in the history).
    after_send_back = answer.sent_back_at is not None
    answer.sent_back_at, answer.sent_back_by, answer.sent_back_note = None, None, ""
    sent_back_fields = ["sent_back_at", "sent_back_by", "sent_back_note"]
    if revised:
        save_versioned(
            answer,
            expected_version=answer.version,
            fields=[*fields, "answered_at", *sent_back_fields],
        )
    else:
        answer.save()
    extra = {"no_contact": True} if no_contact else {}
    signers = sign_off_users(assignment.department)
    if policies.can_sign_off(actor, assignment) or not signers.exists():
        if policies.can_sign_off(actor, assignment):
            answer.signed_off_by = actor
            answer.signed_off_at = answer.answered_at
            record_event(
                actor=actor,
                verb="proposal.answer_sign_off",
                subject=proposal,
                note=answer.doc_number,
                data={"department": assignment.department.name, "answer": answer.pk},
            )
        _send(answer, assignment, proposal, actor, extra=extra)
        return answer
    if after_send_back:
        extra["after_send_back"] = True
    record_event(
        actor=actor,
        verb="proposal.answer_revise" if revised else "proposal.answer_draft",
        subject=proposal,
        note=category_note(proposal.organisation, category),
        data={"department": assignment.department.name, "category": category, **extra},
    )
    notify(
        signers,
        title=Phrase(N_("答复函待签发：%(title)s"), title=proposal.title),
        body=Phrase(
            N_("%(dept)s经办人已提交答复（%(cat)s类），请审核签发后送达提案人。"),
            dept=assignment.department.name,
            cat=category,
        ),
        url=reverse("proposals:dept_handle", args=[assignment.pk]),
        dedupe_key=f"proposal:{proposal.pk}:sign_off:{answer.pk}:{answer.answered_at:%Y%m%d%H%M%S}",
    )
    return answer


def _send(
    answer: Answer, assignment: Assignment, proposal: Proposal, actor, *, extra: dict | None = None
) -> None:
    """The answer goes to the proposers: the follow-up task gets its written feedback (the
    on-time measure counts this day), and when every answering department has sent its
    answer the proposal is answered and the proposers are asked to rate it."""
    category = answer.category
    answer.sent_at = timezone.now()
    answer.save(update_fields=["sent_at", "signed_off_by", "signed_off_at"])
    # Stored text (the feedback, the implementation task's title and request), read by
    # every unit: in the site's language, whatever the sender's language.
    with translation.override(settings.LANGUAGE_CODE):
        feedback_text = _("已答复（%(cat)s类）") % {"cat": category}
        # With the number, as the answer tasks' titles: titles repeat (many proposals are
        # 关于中小学课后服务的建议), and the list and the inbox must tell them apart.
        implementation_title = _("落实跟踪：%(title)s") % {
            "title": f"{proposal.number}《{proposal.title}》"
        }
        implementation_request = _("答复承诺事项正在解决或已列入计划，请在落实后书面反馈。")
    # The committee is told once, when every part is answered (`_answered`), not per unit.
    followups.feedback_submit(
        task=assignment.task, text=feedback_text, actor=actor, tell_requester=False
    )
    assignment.status = Assignment.Status.ANSWERED
    assignment.save(update_fields=["status"])
    note = category_note(proposal.organisation, category)
    data = {"department": assignment.department.name, "category": category, **(extra or {})}
    if category in config.get(proposal.organisation, rules.FOLLOW_UP_CATEGORIES):
        followups.task_open(
            organisation=proposal.organisation,
            title=implementation_title,
            kind=Task.Kind.IMPLEMENTATION,
            subject=proposal,
            department=assignment.department,
            due_date=months_later(
                _today(), config.get(proposal.organisation, rules.IMPLEMENTATION_MONTHS)
            ),
            actor=actor,
            request=implementation_request,
        )
    if _parts_open(proposal, assignment.round).exists():
        # Another answering department is still at work, or a part sent back waits on the
        # committee: the proposal stays 办理中.
        record_event(actor=actor, verb="proposal.answer", subject=proposal, note=note, data=data)
    else:
        # The last answer: one history line, 办理中 → 已答复, with the answer's category.
        _answered(proposal, assignment.round, actor, "proposal.answer", note, data)


def _parts_open(proposal: Proposal, round_: int):
    """The answering parts of `round_` that keep the proposal 办理中: a department still
    handling its part, and a split part sent back (申请退回) that waits on the committee's
    decision (改交 or 不再改交, `returned_part_close`), so no part goes unanswered unseen."""
    return proposal.assignments.filter(
        role__in=[Assignment.Role.LEAD, Assignment.Role.SPLIT],
        round=round_,
    ).filter(
        Q(status=Assignment.Status.HANDLING)
        | Q(role=Assignment.Role.SPLIT, status=Assignment.Status.RETURNED)
    )


def _answered(proposal: Proposal, round_: int, actor, verb: str, note, data: dict) -> None:
    """Every part of the round is settled: one history line 办理中 → 已答复, and the
    proposers (of the merged proposals too) are asked to rate."""
    transition(
        proposal,
        to=S.ANSWERED,
        allowed_from=[S.ASSIGNED],
        actor=actor,
        verb=verb,
        note=note,
        data=data,
    )
    # The office that handed the parts out hears once that all are answered (the proposal
    # may be closed after the ratings), not of each unit's answer (`_send`).
    parts = Task.objects.filter(
        pk__in=proposal.assignments.filter(
            round=round_, role__in=[Assignment.Role.LEAD, Assignment.Role.SPLIT]
        ).values("task_id")
    ).select_related("requested_by", "department", "organisation")
    readers = {
        u.pk: u
        for t in parts
        for u in followups.feedback_readers(t)
        if u.pk != getattr(actor, "pk", None)
    }
    notify(
        list(readers.values()),
        title=Phrase(N_("提案已全部答复：%(title)s"), title=proposal.title),
        body=Phrase(N_("各承办单位均已答复，提案人评价后可办结。")),
        url=proposal.get_absolute_url(),
        dedupe_key=f"proposal:{proposal.pk}:answered:{round_}:committee",
        channels=("inbox",),
    )
    days = config.get(proposal.organisation, rules.EVALUATION_DAYS)
    for target in [proposal, *proposal.merged_proposals.all()]:
        _notify_proposers(
            target,
            Phrase(N_("提案已答复，请评价：%(title)s"), title=target.title),
            Phrase(N_("请在%(n)s个工作日内对办理过程和结果作出评价。"), n=days),
            f"answered:{round_}",
            # The clerk who entered it for proposers without an account cannot rate it:
            # asked to collect their evaluation and record it for them (代为评价).
            stand_in_title=Phrase(N_("提案已答复，请代为登记评价：%(title)s"), title=target.title),
            stand_in_body=Phrase(
                N_(
                    "请在%(n)s个工作日内收集提案人对办理过程和结果的评价，"
                    "在提案页的答复下代为登记。"
                ),
                n=days,
            ),
        )


def _lock_answer(answer: Answer) -> tuple[Answer, Proposal]:
    proposal = lock(Proposal, answer.assignment.proposal_id)
    answer = (
        Answer.objects.select_for_update(of=("self",))
        .select_related("assignment__department", "assignment__task", "created_by")
        .get(pk=answer.pk)
    )
    return answer, proposal


@transaction.atomic
def answer_sign_off(*, answer: Answer, actor, expected_version: int | None = None) -> Answer:
    """签发: the department's responsible leader signs the answer off, and a waiting answer
    goes to the proposers with it. The sign-off also opens the upload of the stamped, signed
    scan as the letter of record. (An answer sent before sign-off was required, or by a
    department without a leader's account, may still be signed off afterwards.)

    `expected_version` is the version of the waiting answer the leader read: one revised
    since is refused (`StaleEdit`), so nobody signs a text they have not seen. None (a
    script) does not check; a sent answer no longer changes."""
    # The assignment first, as `answer_submit` locks it: a clerk revising the answer while
    # the leader signs it waits, instead of the two deadlocking.
    Assignment.objects.select_for_update(of=("self",)).filter(pk=answer.assignment_id).first()
    answer, proposal = _lock_answer(answer)
    assignment = answer.assignment
    if not policies.can_sign_off(actor, assignment):
        raise PermissionDenied
    if answer.signed_off_at is not None:
        raise TransitionError(
            _("该答复函已于%(date)s签发，不能重复签发。")
            % {"date": reader_date(answer.signed_off_at)}
        )
    if answer.sent_at is None and assignment.status != Assignment.Status.HANDLING:
        raise TransitionError(_("该提案已答复或已退回，这份答复不能再签发。"))
    if answer.sent_at is None and answer.sent_back_at is not None:
        raise TransitionError(_("该答复已退回经办人修改，待经办人重新提交后再签发。"))
    if (
        answer.sent_at is None
        and expected_version is not None
        and expected_version != answer.version
    ):
        # Not the shared wording: 签发 has no input, so nothing typed is "kept, not yet
        # saved". No version carried: the page shown again signs the text it now shows
        # (the view says to read it). Neutral on who revised it (maybe the leader's own
        # edit in another window).
        raise StaleEdit(_("该答复在您打开此页后已修改并保存。"))
    # The letter names who signed it: the clerk typed the leader they expected (the
    # department's leader name by default), and another leader may be the one who signs.
    typed = answer.signed_by
    answer.signed_by = actor.full_name or typed
    answer.signed_off_by = actor
    answer.signed_off_at = timezone.now()
    answer.save(update_fields=["signed_by", "signed_off_by", "signed_off_at"])
    data = {"department": assignment.department.name, "answer": answer.pk}
    if answer.signed_by != typed:
        data["signed_by"] = [typed, answer.signed_by]
    record_event(
        actor=actor,
        verb="proposal.answer_sign_off",
        subject=proposal,
        note=answer.doc_number,
        data=data,
    )
    was_waiting = answer.sent_at is None
    if was_waiting:
        _send(answer, assignment, proposal, actor)
    # The other leaders asked to sign it have nothing left to do; the clerk who drafted it
    # uploads the stamped scan next, and hears so here (the leader's page said it).
    settle(f"proposal:{proposal.pk}:sign_off:{answer.pk}:")
    if answer.created_by_id and answer.created_by_id != actor.pk:
        notify(
            [answer.created_by],
            title=Phrase(N_("答复函已签发：%(title)s"), title=proposal.title),
            body=Phrase(
                N_("%(name)s已签发答复函并送达提案人。请上传盖章签字后的扫描件作为正式答复函。")
                if was_waiting
                else N_("%(name)s已签发答复函。请上传盖章签字后的扫描件作为正式答复函。"),
                name=answer.signed_by,
            ),
            url=reverse("proposals:dept_handle", args=[assignment.pk]),
            dedupe_key=f"proposal:{proposal.pk}:signed_off:{answer.pk}",
        )
    return answer


@transaction.atomic
def answer_send_back(
    *, answer: Answer, actor, note: str, expected_version: int | None = None
) -> Answer:
    """退回修改: the leader does not sign a waiting answer and tells the clerk why. The
    answer then waits for the clerk (out of the leader's 待签发, the remarks on it), until
    the clerk revises it by submitting the answer form again (`answer_submit`).

    `expected_version` is the version of the waiting answer the leader read, as for the
    sign-off: remarks on a text revised since are refused (`StaleEdit`, carrying the current
    version, so the page shown again with the revised text sends them on purpose). None (a
    script) does not check."""
    # The assignment first, as `answer_submit` and `answer_sign_off` lock it.
    Assignment.objects.select_for_update(of=("self",)).filter(pk=answer.assignment_id).first()
    answer, proposal = _lock_answer(answer)
    if not policies.can_sign_off(actor, answer.assignment):
        raise PermissionDenied
    if answer.sent_at is not None:
        raise TransitionError(_("该答复已送达提案人，不能退回修改。"))
    if answer.sent_back_at is not None:
        raise TransitionError(_("该答复已退回经办人修改，待经办人重新提交。"))
    note = (note or "").strip()
    if not note:
        raise ValidationError({"note": _("请写明修改意见。")})
    if expected_version is not None and expected_version != answer.version:
        raise StaleEdit(current_version=answer.version)
    answer.sent_back_at, answer.sent_back_by, answer.sent_back_note = timezone.now(), actor, note
    answer.save(update_fields=["sent_back_at", "sent_back_by", "sent_back_note"])
    record_event(
        actor=actor,
        verb="proposal.answer_send_back",
        subject=proposal,
        note=note,
        data={"department": answer.assignment.department.name, "answer": answer.pk},
    )
    if answer.created_by_id and answer.created_by_id != actor.pk:
        notify(
            [answer.created_by],
            title=Phrase(N_("答复函退回修改：%(title)s"), title=proposal.title),
            body=note,
            url=reverse("proposals:dept_handle", args=[answer.assignment_id]),
            dedupe_key=f"proposal:{proposal.pk}:sent_back:{answer.pk}:{timezone.now():%Y%m%d%H%M%S}",
        )
    return answer


@transaction.atomic
def answer_record_upload(*, answer: Answer, actor, file, note: str = "") -> Answer:
    """正式答复函: the department uploads the stamped, signed scan (PDF, upload policy "pdf",
    checked again here so the API cannot bypass the form) once the answer is signed off.
    A scan may be replaced until a proposer has rated the answer; the event keeps the old
    file's name."""
    answer, proposal = _lock_answer(answer)
    if not policies.can_handle(actor, answer.assignment):
        raise PermissionDenied
    if answer.signed_off_at is None:
        raise TransitionError(_("答复函尚未经单位负责人签发，签发后才能上传盖章扫描件。"))
    if answer.record_scan and answer.evaluations.exists():
        raise TransitionError(_("提案人已评价该答复，正式答复函不能再更换。"))
    try:
        check_upload(file, "pdf")
    except ValidationError as exc:
        raise ValidationError({"file": exc.messages}) from exc
    old = answer.record_scan if answer.record_scan else None
    old_name = answer.record_scan_name
    name = (file.name or "").rsplit("/", 1)[-1][:255]
    answer.record_scan = file
    answer.record_scan_name = name
    answer.save(update_fields=["record_scan", "record_scan_name"])
    record_event(
        actor=actor,
        verb="proposal.answer_record_upload",
        subject=proposal,
        note=note,
        data={
            "department": answer.assignment.department.name,
            "answer": answer.pk,
            "file": name,
            "replaced": old_name if old is not None else "",
        },
    )
    if old is not None:
        # The replaced file goes only once the new one is committed.
        storage, stale = old.storage, old.name
        transaction.on_commit(lambda: storage.delete(stale))
    return answer

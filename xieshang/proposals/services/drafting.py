"""Drafting and submission: the member's draft, its number, co-signing, and the way into
review."""

import datetime as dt
from collections.abc import Iterable

from dateutil.relativedelta import relativedelta
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop as N_

from xieshang.core import access, calendar, counters
from xieshang.core.audit import TransitionError, lock, record_event, save_versioned, transition
from xieshang.core.notifications import notify
from xieshang.core.phrases import Phrase
from xieshang.orgs import config
from xieshang.orgs.models import Session

from .. import numbering, policies, rules
from ..models import Proposal, Signer
from .common import EDITABLE, S, _reviewers, _today

DRAFT_FIELDS = [
    "title",
    "facts",
    "analysis",
    "suggestions",
    "category",
    "suggested_department",
    "is_public_interest",
    "proposer_opt_out",
]

# The text a co-signer agrees to by confirming (联名): a change to any of these in a proposal
# returned for revision asks the confirmed co-signers again. Category, suggested department,
# the publication choices and attachments are the proposer's filing, not the text.
COSIGNED_TEXT = ["title", "facts", "analysis", "suggestions"]


# A draft saves whatever the member typed, however long (the length limit is a rule of the
# submission: a member cuts a long text down in the draft). Only a text no proposal could
# ever become is refused: this many characters of body, or the organisation's limit if it
# is higher.
DRAFT_HARD_MAX_CHARS = 20000


def draft_errors(proposal: Proposal) -> dict[str, str]:
    """What even a draft must meet, by field: a title (the draft's name in the member's list
    and on its PDF) and a body within the hard cap of a draft (`DRAFT_HARD_MAX_CHARS`, not
    the organisation's length limit, which the submission enforces). The rest may wait for
    the submission (`submission_errors`): a member writes a draft in several sittings."""
    errors = {}
    if not proposal.title.strip():
        errors["title"] = _("请填写案由。")
    cap = max(DRAFT_HARD_MAX_CHARS, config.get(proposal.organisation, rules.BODY_MAX_CHARS))
    if proposal.body_length > cap:
        errors[longest_part(proposal)] = _(
            "正文共%(n)s字，草稿最多保存%(cap)s字，请删减后再保存。"
        ) % {
            "n": proposal.body_length,
            "cap": cap,
        }
    return errors


def longest_part(proposal: Proposal) -> str:
    """The part of the body (现状与问题, 原因分析, 具体建议) a length error is shown at: the
    longest, where cutting helps most (it was always 现状与问题, whichever part was long)."""
    parts = ("facts", "analysis", "suggestions")
    return max(parts, key=lambda name: len(getattr(proposal, name) or ""))


def over_limit(proposal: Proposal) -> str:
    """The submission's length rule: why the body is too long to submit, or ""."""
    limit = config.get(proposal.organisation, rules.BODY_MAX_CHARS)
    if proposal.body_length <= limit:
        return ""
    return _("正文共%(n)s字，超过%(limit)s字的上限，请删减后再提交。") % {
        "n": proposal.body_length,
        "limit": limit,
    }


def submission_errors(proposal: Proposal) -> dict[str, str]:
    """Everything a proposal needs to be submitted (to its co-signers or to review), by
    field, all at once: the draft's own rules, the body within the organisation's length
    limit, concrete suggestions, and a category from the organisation's list (the committee
    files and assigns by it), where the list has any. The draft form asks this before
    saving, so every missing field is marked in one go."""
    errors = draft_errors(proposal)
    part = longest_part(proposal)
    if part not in errors and (too_long := over_limit(proposal)):
        errors[part] = too_long
    if not proposal.suggestions.strip():
        # 提案工作条例: a proposal without concrete suggestions is not accepted.
        errors["suggestions"] = _("请填写具体建议。")
    if not proposal.category and config.get(proposal.organisation, rules.CATEGORIES):
        errors["category"] = _("提交前请选择提案分类。")
    return errors


def validate_text(proposal: Proposal) -> None:
    """A draft's save: refused only for what even a draft must meet (`draft_errors`)."""
    errors = draft_errors(proposal)
    if errors:
        raise ValidationError(errors)


def validate_for_review(proposal: Proposal) -> None:
    errors = submission_errors(proposal)
    if errors:
        raise ValidationError(errors)


def validate_choices(proposal: Proposal) -> None:
    """The category must be one of the organisation's configured ones and the suggested lead
    department one of its active departments (both optional while drafting)."""
    errors = {}
    if proposal.category:
        categories = config.get(proposal.organisation, rules.CATEGORIES)
        if proposal.category not in categories:
            errors["category"] = _("提案分类须为：%(list)s。") % {"list": _("、").join(categories)}
    department = proposal.suggested_department
    if department is not None and (
        department.organisation_id != proposal.organisation_id or not department.is_active
    ):
        errors["suggested_department"] = _("建议主办单位须为本级在用的承办单位。")
    if errors:
        raise ValidationError(errors)


# A former member reads their proposals and declines an invitation, nothing more.
FORMER_MEMBER = N_("您已不是在任委员，不能再提交提案或确认联名。")


@transaction.atomic
def proposal_create(
    *,
    actor,
    organisation,
    first_proposer=None,
    proposer_type=None,
    proposer_body: str = "",
    cosigners: Iterable = (),
    **fields,
) -> Proposal:
    """A new draft. A member drafts for themself; office staff may enter a body's proposal."""
    member = policies.member_of(actor)
    if access.is_former_member(actor):
        raise PermissionDenied
    if first_proposer is None:
        first_proposer = member
    if first_proposer is not None and member is not None and first_proposer.pk != member.pk:
        raise PermissionDenied
    if first_proposer is None and not proposer_body:
        raise ValidationError({"proposer_body": _("请填写提案单位。")})
    cosigners = [m for m in cosigners if first_proposer is None or m.pk != first_proposer.pk]
    if proposer_type is None:
        proposer_type = Proposal.ProposerType.JOINT if cosigners else Proposal.ProposerType.MEMBER
    proposal = Proposal(
        organisation=organisation,
        first_proposer=first_proposer,
        proposer_type=proposer_type,
        proposer_body=proposer_body,
        created_by=actor,
        year=_today().year,
        **{k: v for k, v in fields.items() if k in DRAFT_FIELDS},
    )
    validate_text(proposal)
    validate_choices(proposal)
    proposal.save()
    for order, member in enumerate(cosigners, start=2):
        Signer.objects.create(proposal=proposal, member=member, order=order)
    record_event(actor=actor, verb="proposal.create", subject=proposal, to_state=proposal.status)
    return proposal


@transaction.atomic
def proposal_update(
    *, proposal: Proposal, actor, expected_version: int, cosigners=None, **fields
) -> Proposal:
    """Edit a draft (or a proposal returned for revision). Stale edits are refused."""
    if not policies.is_first_proposer(actor, proposal):
        raise PermissionDenied
    if proposal.status not in EDITABLE:
        raise TransitionError(_("提案已提交，不能再修改。"))
    # The text as stored, not as the instance holds it: a form may have written the
    # member's input into the instance already.
    stored = Proposal.objects.filter(pk=proposal.pk).values(*COSIGNED_TEXT).first() or {}
    for name, value in fields.items():
        if name in DRAFT_FIELDS:
            setattr(proposal, name, value)
    validate_text(proposal)
    validate_choices(proposal)
    save_versioned(proposal, expected_version=expected_version, fields=DRAFT_FIELDS)
    note = ""
    if proposal.status == S.RETURNED and _text_changed(stored, proposal):
        note = _reset_confirmations(proposal)
    if cosigners is not None and proposal.status == S.DRAFT:
        keep = {m.pk for m in cosigners if m.pk != proposal.first_proposer_id}
        proposal.signers.exclude(member_id__in=keep).delete()
        existing = set(proposal.signers.values_list("member_id", flat=True))
        for order, member_id in enumerate(sorted(keep - existing), start=len(existing) + 2):
            Signer.objects.create(proposal=proposal, member_id=member_id, order=order)
        proposal.proposer_type = (
            Proposal.ProposerType.JOINT if keep else Proposal.ProposerType.MEMBER
        )
        proposal.save(update_fields=["proposer_type"])
    record_event(actor=actor, verb="proposal.edit", subject=proposal, note=note)
    return proposal


def _text_changed(stored: dict, proposal: Proposal) -> bool:
    """Whether the co-signed text differs from what is stored; spacing and line breaks
    alone are no change of substance."""

    def norm(value) -> str:
        return " ".join((value or "").split())

    return any(norm(stored.get(name)) != norm(getattr(proposal, name)) for name in COSIGNED_TEXT)


def _reset_confirmations(proposal: Proposal) -> Phrase | str:
    """A returned proposal's text was changed: the co-signers who confirmed it agreed to the
    old text, so they are to be asked again, as at a first submission (`proposal_submit`
    invites every co-signer still 待确认). Declined and withdrawn ones are not asked again.
    Returns the note for the edit's audit event ("" when nobody had confirmed)."""
    confirmed = list(
        proposal.signers.select_related("member").filter(status=Signer.Status.CONFIRMED)
    )
    if not confirmed:
        return ""
    Signer.objects.filter(pk__in=[s.pk for s in confirmed]).update(
        status=Signer.Status.INVITED, responded_at=None, invited_at=None, reminded_at=None
    )
    return Phrase(
        N_("确认已重置：提案内容已修改（联名人：%(names)s）"),
        names="、".join(str(s.member) for s in confirmed),
    )


def _kind_and_session(organisation, today: dt.date) -> tuple[str, Session | None]:
    """Plenary if today lies in a session's collection window (from N months before the
    opening to the proposal deadline); between sessions otherwise."""
    months = config.get(organisation, rules.PLENARY_WINDOW_MONTHS)
    for session in Session.objects.filter(term__organisation=organisation).select_related("term"):
        deadline = session.proposal_deadline or session.end_date
        if session.start_date - relativedelta(months=months) <= today <= deadline:
            return Proposal.Kind.PLENARY, session
    return Proposal.Kind.INTERIM, None


def _classify(proposal: Proposal) -> None:
    """Plenary (of the session collecting now) or between sessions, on the day of submission,
    and the proposal's year with it: a plenary proposal's is its session's, a between-session
    proposal's is the year it is submitted in (not the year its draft was begun: a draft of
    December sent in March belongs to March's series and statistics)."""
    today = _today()
    proposal.kind, proposal.session = _kind_and_session(proposal.organisation, today)
    if proposal.session is not None:
        proposal.year = proposal.session.start_date.year
    else:
        proposal.year = today.year


def _give_number(proposal: Proposal) -> None:
    """The next serial in the proposal's series (a session's plenary proposals, or a year's
    between-session ones) and the number in the format in force today. Given at submission or
    at acceptance (rules.NUMBER_AT); the series is the one the proposal was classified into
    when it was submitted. Many members submit in the same minutes before a deadline: the
    series' counter is locked until the transaction commits, so they are numbered one after
    the other instead of racing for `Max + 1` (the unique constraint stays as the backstop)."""
    series = Proposal.objects.filter(
        organisation=proposal.organisation, year=proposal.year, kind=proposal.kind
    )
    key = f"proposals.serial:org{proposal.organisation_id}:{proposal.year}:{proposal.kind}"
    if proposal.session_id:
        series = Proposal.objects.filter(session=proposal.session, kind=proposal.kind)
        key = f"proposals.serial:session{proposal.session_id}:{proposal.kind}"
    proposal.serial = counters.next_value(
        key, start_after=lambda: series.aggregate(m=Max("serial"))["m"]
    )
    proposal.number = numbering.format_number(proposal)


def numbered_at_submission(organisation) -> bool:
    """Whether a proposal submitted today gets its number now (else when it is accepted)."""
    return config.get(organisation, rules.NUMBER_AT) != rules.NUMBER_AT_ACCEPTANCE


def _enter_review(proposal: Proposal, actor, verb: str, note="") -> None:
    if proposal.serial is None:
        # Classified once, at the first submission; a proposal returned for revision keeps
        # its series (and its number, if it has one).
        if proposal.submitted_at is None:
            _classify(proposal)
        if numbered_at_submission(proposal.organisation):
            _give_number(proposal)
    proposal.submitted_at = timezone.now()
    proposal.review_due = calendar.add_working_days(
        _today(), config.get(proposal.organisation, rules.REVIEW_DAYS)
    )
    transition(
        proposal,
        to=S.SUBMITTED,
        allowed_from=[S.DRAFT, S.COSIGNING, S.RETURNED],
        actor=actor,
        verb=verb,
        note=note,
        extra_fields=["kind", "session", "year", "serial", "number", "submitted_at", "review_due"],
    )
    notify(
        _reviewers(proposal),
        title=Phrase(N_("新提案待审查：%(title)s"), title=proposal.title),
        url=proposal.get_absolute_url(),
        dedupe_key=f"proposal:{proposal.pk}:review:{proposal.returned_count}",
    )


@transaction.atomic
def proposal_submit(*, proposal: Proposal, actor) -> Proposal:
    """Send the draft: to the co-signers for confirmation, or straight to review."""
    proposal = lock(Proposal, proposal.pk)
    if not policies.is_first_proposer(actor, proposal):
        raise PermissionDenied
    if access.is_former_member(actor):
        raise TransitionError(_(FORMER_MEMBER))
    if proposal.status == S.COSIGNING:
        # A second click (or a second window) must not end the co-signing early: the
        # proposal goes to review when the last co-signer answers (`signer_respond`).
        raise TransitionError(_("已发送联名邀请，全部联名人确认后提案进入审查。"))
    validate_for_review(proposal)
    # Co-signers still to answer: all of them at a first submission; after a revision, those
    # whose confirmation the changed text reset (`_reset_confirmations`).
    pending = proposal.signers.filter(status=Signer.Status.INVITED)
    if proposal.status in (S.DRAFT, S.RETURNED) and pending.exists():
        again = proposal.status == S.RETURNED
        invited = list(pending.select_related("member__user"))
        names = "、".join(str(s.member) for s in invited)
        transition(
            proposal,
            to=S.COSIGNING,
            allowed_from=[S.DRAFT, S.RETURNED],
            actor=actor,
            verb="proposal.submit",
            note=Phrase(N_("提案内容已修改，联名人须重新确认：%(names)s"), names=names)
            if again
            else "",
        )
        pending.update(invited_at=timezone.now(), reminded_at=None)
        title = N_("联名提案待您确认：%(title)s")
        body = N_("第一提案人：%(name)s")
        key = f"proposal:{proposal.pk}:cosign"
        if again:
            title = N_("联名提案待您重新确认：%(title)s")
            body = N_(
                "提案退回修改后内容已修改，您此前的联名确认已重置，请重新确认或谢绝。第一提案人：%(name)s"
            )
            # Its own key: the first invitation's must not swallow this one.
            key += f":{proposal.returned_count}"
        for signer in invited:
            if signer.member.user_id:
                notify(
                    [signer.member.user],
                    title=Phrase(title, title=proposal.title),
                    body=Phrase(body, name=str(proposal.first_proposer or "")),
                    url=proposal.get_absolute_url(),
                    dedupe_key=key,
                    channels=("inbox", "sms"),
                )
        return proposal
    _enter_review(proposal, actor, "proposal.submit")
    return proposal


@transaction.atomic
def signer_respond(*, proposal: Proposal, actor, confirm: bool) -> Signer:
    """A co-signer confirms (or declines) in the system. When nobody is left to answer, the
    proposal goes to review with the confirmed co-signers."""
    proposal = lock(Proposal, proposal.pk)
    member = policies.member_of(actor)
    signer = proposal.signers.filter(member=member).first() if member else None
    if signer is None:
        raise PermissionDenied
    if proposal.status != S.COSIGNING or signer.status != Signer.Status.INVITED:
        raise TransitionError(_("该联名邀请已处理。"))
    if confirm and access.is_former_member(actor):
        # Declining is still theirs to say: it lets the proposal go on without them.
        raise TransitionError(_(FORMER_MEMBER))
    signer.status = Signer.Status.CONFIRMED if confirm else Signer.Status.DECLINED
    signer.responded_at = timezone.now()
    signer.save(update_fields=["status", "responded_at"])
    verb = "proposal.cosign_confirm" if confirm else "proposal.cosign_decline"
    # The member's name only where the account's name does not already say it.
    note = "" if str(member) == (getattr(actor, "display_name", "") or str(actor)) else str(member)
    _after_answer(proposal, actor, verb, note)
    return signer


def _after_answer(proposal: Proposal, actor, verb: str, note="") -> None:
    """Record a co-signer's answer; the last one sends the proposal to review. The history
    credits whoever answered with what they did (确认联名, with the move into review), not
    with a submission: the submission is the first proposer's own earlier event."""
    if proposal.signers.filter(status=Signer.Status.INVITED).exists():
        record_event(actor=actor, verb=verb, subject=proposal, note=note)
        return
    if not proposal.signers.filter(status=Signer.Status.CONFIRMED).exists():
        proposal.proposer_type = Proposal.ProposerType.MEMBER
        proposal.save(update_fields=["proposer_type"])
    _enter_review(proposal, actor, verb, note=note)


@transaction.atomic
def signer_confirm_for(*, proposal: Proposal, signer_pk: int, actor, note: str) -> Proposal:
    """代为确认: the proposal office records a co-signer's confirmation given outside the
    system (a signed paper form, a call), so a co-signer without an account, or one who
    never logs in, does not hold the proposal back. `note` says how it was given. Returns
    the proposal as it now stands (in review when this was the last answer awaited)."""
    proposal = lock(Proposal, proposal.pk)
    if not policies.can_review(actor, proposal):
        raise PermissionDenied
    signer = proposal.signers.select_related("member__user").filter(pk=signer_pk).first()
    if proposal.status != S.COSIGNING or signer is None or signer.status != Signer.Status.INVITED:
        raise TransitionError(_("该联名邀请已处理。"))
    note = (note or "").strip()
    if not note:
        raise ValidationError({"note": _("请写明联名人以何种方式确认（如书面签字、电话确认）。")})
    signer.status = Signer.Status.CONFIRMED
    signer.responded_at = timezone.now()
    signer.save(update_fields=["status", "responded_at"])
    _after_answer(
        proposal,
        actor,
        "proposal.cosign_confirm_for",
        Phrase(N_("%(name)s（代为确认：%(how)s）"), name=str(signer.member), how=note),
    )
    # The co-signer learns that a confirmation was recorded in their name, and how.
    if signer.member.user_id:
        notify(
            [signer.member.user],
            title=Phrase(N_("已代您确认联名：%(title)s"), title=proposal.title),
            body=Phrase(
                N_("提案委员会已登记您的联名确认（%(how)s）。如有异议，请联系提案委员会。"),
                how=note,
            ),
            url=proposal.get_absolute_url(),
            dedupe_key=f"proposal:{proposal.pk}:cosign_for",
        )
    return proposal


@transaction.atomic
def cosign_withdraw_pending(*, proposal: Proposal, actor) -> Proposal:
    """The first proposer stops waiting: the invitations nobody has answered are withdrawn
    and the proposal goes to review with the co-signers who confirmed (as a member's own
    proposal if none did)."""
    proposal = lock(Proposal, proposal.pk)
    if not policies.is_first_proposer(actor, proposal):
        raise PermissionDenied
    pending = list(
        proposal.signers.select_related("member__user").filter(status=Signer.Status.INVITED)
    )
    if proposal.status != S.COSIGNING or not pending:
        raise TransitionError(_("没有待确认的联名邀请，无需撤回。"))
    now = timezone.now()
    for signer in pending:
        signer.status = Signer.Status.WITHDRAWN
        signer.responded_at = now
    Signer.objects.bulk_update(pending, ["status", "responded_at"])
    names = "、".join(str(s.member) for s in pending)
    _after_answer(
        proposal,
        actor,
        "proposal.cosign_withdraw",
        Phrase(N_("撤回联名邀请：%(names)s"), names=names),
    )
    notify(
        [s.member.user for s in pending if s.member.user_id],
        title=Phrase(N_("联名邀请已撤回：%(title)s"), title=proposal.title),
        body=Phrase(N_("第一提案人已撤回对您的联名邀请，无需再确认。")),
        url=reverse("proposals:cosign"),
        dedupe_key=f"proposal:{proposal.pk}:cosign_withdrawn",
    )
    return proposal


@transaction.atomic
def proposal_delete_draft(*, proposal: Proposal, actor) -> None:
    """删除草稿: the first proposer deletes a draft never submitted (it has no number, no
    co-signer was asked, nobody else has seen it). The audit log keeps its title; the
    attachments' files go once the deletion is committed."""
    proposal = lock(Proposal, proposal.pk)
    if not policies.is_first_proposer(actor, proposal):
        raise PermissionDenied
    if proposal.status != S.DRAFT or proposal.submitted_at is not None:
        raise TransitionError(_("只有从未提交过的草稿可以删除。"))
    stored = [a.file for a in proposal.attachments.all()]
    record_event(
        actor=actor,
        verb="proposal.draft_delete",
        subject=proposal,
        from_state=S.DRAFT,
        note=proposal.title,
    )
    proposal.delete()
    for file in stored:
        transaction.on_commit(lambda f=file: f.storage.delete(f.name))


def cosign_remind(*, today: dt.date | None = None) -> int:
    """The daily reminder of unanswered co-signing invitations: once an invitation has
    waited the organisation's `COSIGN_REMIND_DAYS` working days, the co-signer is reminded
    (once) and the first proposer told who has not answered, and that the invitations can
    be withdrawn. Returns how many co-signers were reminded. Idempotent: `reminded_at`."""
    today = today or _today()
    waiting = (
        Signer.objects.filter(
            status=Signer.Status.INVITED,
            proposal__status=S.COSIGNING,
            invited_at__isnull=False,
            reminded_at__isnull=True,
        )
        .select_related(
            "member__user",
            "proposal__organisation",
            "proposal__first_proposer__user",
            "proposal__created_by",
        )
        .order_by("proposal_id", "order", "pk")
    )
    due: dict[int, list[Signer]] = {}
    for signer in waiting:
        proposal = signer.proposal
        days = config.get(proposal.organisation, rules.COSIGN_REMIND_DAYS)
        invited = timezone.localtime(signer.invited_at).date()
        if calendar.add_working_days(invited, days) <= today:
            due.setdefault(proposal.pk, []).append(signer)
    reminded = 0
    for signers in due.values():
        proposal = signers[0].proposal
        with transaction.atomic():
            # Under the lock, only those still unanswered and not yet reminded: a co-signer
            # may answer, or a second run of the job remind, between the read and now.
            still = set(
                Signer.objects.select_for_update()
                .filter(
                    pk__in=[s.pk for s in signers],
                    status=Signer.Status.INVITED,
                    reminded_at__isnull=True,
                )
                .values_list("pk", flat=True)
            )
            signers = [s for s in signers if s.pk in still]
            if not signers:
                continue
            Signer.objects.filter(pk__in=still).update(reminded_at=timezone.now())
            reminded += len(signers)
            for signer in signers:
                if signer.member.user_id:
                    notify(
                        [signer.member.user],
                        title=Phrase(N_("联名提案仍待您确认：%(title)s"), title=proposal.title),
                        body=Phrase(
                            N_("第一提案人%(name)s于%(date)s邀请您联名，请确认或谢绝。"),
                            name=str(proposal.first_proposer or ""),
                            date=timezone.localtime(signer.invited_at).date(),
                        ),
                        url=proposal.get_absolute_url(),
                        dedupe_key=f"proposal:{proposal.pk}:cosign_remind:{signer.pk}",
                        channels=("inbox", "sms"),
                    )
            # Whoever sent the invitations: the first proposer, or the office that entered a
            # paper proposal for a member without an account.
            first = proposal.first_proposer
            author = first.user if first and first.user_id else proposal.created_by
            if author is not None:
                notify(
                    [author],
                    title=Phrase(N_("联名邀请尚未全部答复：%(title)s"), title=proposal.title),
                    body=Phrase(
                        N_(
                            "尚未答复：%(names)s。已提醒其确认；如不再等待，可在提案页撤回未答复的邀请并提交审查。"
                        ),
                        names="、".join(str(s.member) for s in signers),
                    ),
                    url=proposal.get_absolute_url(),
                    dedupe_key=f"proposal:{proposal.pk}:cosign_remind",
                )
    return reminded

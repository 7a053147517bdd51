"""A member's (or the office's) draft: write, edit, submit, withdraw, delete."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop as N_

from xieshang.core import access, phrases
from xieshang.core.audit import (
    TransitionError,
    changed_fields,
    lock,
    record_event,
    save_versioned,
    transition,
)
from xieshang.core.notifications import notify, settle
from xieshang.core.phrases import Phrase
from xieshang.orgs.models import Role

from .. import policies
from ..models import Opinion
from .common import EDITABLE_FIELDS, S, check_length, submitted_key


@transaction.atomic
def opinion_create(
    *,
    organisation,
    actor,
    title: str,
    suggestions: str,
    facts: str = "",
    analysis: str = "",
    authors=(),
    source_type: str = Opinion.SourceType.MEMBER,
    source_body: str = "",
    proposal=None,
) -> Opinion:
    """A draft. A member writing for themself is its author; the office may enter items of
    parties, sectors and committees (with or without member authors)."""
    # A former member writes as nobody's member: with no staff role that is a refusal.
    member = policies.acting_member(actor)
    if not access.can(actor, "opinions.submit", organisation) and member is None:
        raise PermissionDenied
    if member is not None and member.organisation_id != organisation.pk:
        if not access.can(actor, "opinions.submit", organisation):
            raise PermissionDenied
    check_length(organisation, facts=facts, analysis=analysis, suggestions=suggestions, draft=True)
    opinion = Opinion.objects.create(
        organisation=organisation,
        year=timezone.localdate().year,
        title=title,
        facts=facts,
        analysis=analysis,
        suggestions=suggestions,
        source_type=source_type,
        source_body=source_body,
        created_by=actor if getattr(actor, "pk", None) else None,
        proposal=proposal,
    )
    authors = list(authors)
    if not authors and member is not None and source_type == Opinion.SourceType.MEMBER:
        authors = [member]
    if authors:
        opinion.authors.set(authors)
    record_event(actor=actor, verb="opinion.create", subject=opinion, to_state=opinion.status)
    return opinion


@transaction.atomic
def opinion_update(*, opinion: Opinion, actor, expected_version: int, **values) -> Opinion:
    """Edit the text. Authors edit their draft or returned item; the office edits any item
    it has not yet published. A stale edit raises `StaleEdit` (the caller keeps the input)."""
    opinion = lock(Opinion, opinion.pk)
    if not policies.can_edit(actor, opinion):
        raise PermissionDenied
    before = {name: getattr(opinion, name) for name in EDITABLE_FIELDS}
    after = {name: values.get(name, before[name]) for name in EDITABLE_FIELDS}
    # The office's edit of an item already received keeps it within the limit; the author's
    # draft (or returned item) only within the hard cap until it is submitted.
    check_length(
        opinion.organisation,
        facts=after["facts"],
        analysis=after["analysis"],
        suggestions=after["suggestions"],
        draft=opinion.status in (S.DRAFT, S.RETURNED),
    )
    for name, value in after.items():
        setattr(opinion, name, value)
    save_versioned(opinion, expected_version=expected_version, fields=EDITABLE_FIELDS)
    changes = changed_fields(before, after)
    if changes:
        record_event(
            actor=actor,
            verb="opinion.edit",
            subject=opinion,
            note=edit_note(changes),
            # The earlier text is kept ({field: [before, after]}, shown on the item's history)
            # once others have read the item: an office's edit must not make the member's own
            # wording vanish. A draft's working text is its author's alone: only its fields.
            data={"changed": sorted(changes) if opinion.status == S.DRAFT else changes},
        )
    return opinion


def edit_note(changes) -> Phrase | str:
    """修改：标题、意见建议, the fields' names read in the reader's language."""
    labels = [Opinion._meta.get_field(n).verbose_name for n in EDITABLE_FIELDS if n in changes]
    if not labels:
        return ""
    return Phrase(N_("修改：%(fields)s"), fields=phrases.listed(labels))


@transaction.atomic
def opinion_submit(*, opinion: Opinion, actor) -> Opinion:
    opinion = lock(Opinion, opinion.pk)
    if not policies.is_author(actor, opinion):
        raise PermissionDenied
    if not policies.can_submit(actor):
        # A former member's draft stays theirs to read; it is not sent any more.
        raise TransitionError(_("您已不是在任委员，不能再提交社情民意信息。"))
    if not opinion.suggestions.strip():
        raise ValidationError(_("请填写意见建议。"))
    check_length(
        opinion.organisation,
        facts=opinion.facts,
        analysis=opinion.analysis,
        suggestions=opinion.suggestions,
    )
    opinion.submitted_at = timezone.now()
    # The item counts in the year the office receives it (收到), not the year its draft was
    # started: a December draft submitted in January is the new year's. Its authors' 报送
    # duty record is dated on this day too (`counted_on`), so both say the same year.
    opinion.year = timezone.localdate(opinion.submitted_at).year
    transition(
        opinion,
        to=S.SUBMITTED,
        allowed_from=[S.DRAFT, S.RETURNED],
        actor=actor,
        verb="opinion.submit",
        extra_fields=["submitted_at", "year"],
    )
    notify(
        access.role_holders(opinion.organisation, Role.OFFICE),
        title=Phrase(N_("新的社情民意信息：%(title)s"), title=opinion.title),
        body="",
        url=opinion.get_absolute_url(),
        dedupe_key=f"{submitted_key(opinion)}{opinion.version}",
        channels=("inbox",),
    )
    return opinion


@transaction.atomic
def opinion_withdraw(*, opinion: Opinion, actor) -> Opinion:
    """撤回: an author takes a submitted item back to the draft before the office has
    decided on it (a wrong attachment, a second thought); it can be submitted again."""
    opinion = lock(Opinion, opinion.pk)
    if not policies.is_author(actor, opinion):
        raise PermissionDenied
    transition(
        opinion,
        to=S.DRAFT,
        allowed_from=[S.SUBMITTED],
        actor=actor,
        verb="opinion.withdraw",
    )
    settle(submitted_key(opinion))
    return opinion


@transaction.atomic
def opinion_delete_draft(*, opinion: Opinion, actor) -> None:
    """删除草稿: an author deletes a draft never submitted (nobody else has seen it), as a
    proposal's first proposer may. The audit log keeps its title."""
    opinion = lock(Opinion, opinion.pk)
    if not policies.is_author(actor, opinion):
        raise PermissionDenied
    if opinion.status != S.DRAFT or opinion.submitted_at is not None:
        raise TransitionError(_("只有从未提交过的草稿可以删除。"))
    record_event(
        actor=actor,
        verb="opinion.draft_delete",
        subject=opinion,
        from_state=S.DRAFT,
        note=opinion.title,
    )
    opinion.delete()

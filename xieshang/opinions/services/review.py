"""The office's review of a submitted item: return it for revision, reject it, accept it
(录用, the authors' duty records) or merge it into another item reporting the same matter."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop as N_

from xieshang.core.audit import lock, record_event, transition
from xieshang.core.notifications import settle
from xieshang.core.phrases import Phrase
from xieshang.duty.models import DutyKind
from xieshang.duty.services import record_duties, record_duty

from .. import policies
from ..models import Opinion
from .common import ACCEPTED_STATES, S, _tell_authors, submitted_key
from .outcomes import _adoption_facts, _instruction_facts


def counted_on(opinion: Opinion):
    """The day an accepted item is credited to its authors (报送, written at 录用): the day of
    the submission the office accepted, in the item's year (`opinion_submit`). An item
    submitted on 30 December and accepted on 5 January counts in December's year, in the
    statistics and in the duty file alike; were that year already settled, `record_duties`
    carries the record into the open year with a note saying so."""
    if opinion.submitted_at is None:
        return timezone.localdate()
    return timezone.localdate(opinion.submitted_at)


def _review(opinion: Opinion, actor, to: str, verb: str, note: str, extra=()) -> None:
    if not policies.can_manage(actor, opinion):
        raise PermissionDenied
    opinion.review_note = note
    transition(
        opinion,
        to=to,
        allowed_from=[S.SUBMITTED],
        actor=actor,
        verb=verb,
        note=note,
        extra_fields=["review_note", *extra],
    )
    settle(submitted_key(opinion))


@transaction.atomic
def opinion_return(*, opinion: Opinion, actor, note: str) -> Opinion:
    opinion = lock(Opinion, opinion.pk)
    if not note.strip():
        raise ValidationError(_("请写明修改意见。"))
    _review(opinion, actor, S.RETURNED, "opinion.return", note)
    _tell_authors(opinion, N_("社情民意信息退回修改：%(title)s"), note, "returned")
    return opinion


@transaction.atomic
def opinion_reject(*, opinion: Opinion, actor, reason: str) -> Opinion:
    opinion = lock(Opinion, opinion.pk)
    if not reason.strip():
        raise ValidationError(_("请说明不予录用的理由。"))
    _review(opinion, actor, S.REJECTED, "opinion.reject", reason)
    _tell_authors(opinion, N_("社情民意信息不予录用：%(title)s"), reason, "rejected")
    return opinion


@transaction.atomic
def opinion_accept(*, opinion: Opinion, actor, note: str = "") -> Opinion:
    """录用: the office accepts the item for its bulletin (编发); each author's duty file counts
    it. Not 采用, which is a level taking the item up (`adoption_record`)."""
    opinion = lock(Opinion, opinion.pk)
    opinion.accepted_at = timezone.now()
    _review(opinion, actor, S.ACCEPTED, "opinion.accept", note, extra=["accepted_at"])
    for member in opinion.authors.all():
        record_duty(
            member=member,
            kind=DutyKind.OPINION_SUBMITTED,
            date=counted_on(opinion),
            title=opinion.title,
            source=opinion,
            actor=actor,
        )
    _tell_authors(opinion, N_("社情民意信息已录用：%(title)s"), note, "accepted")
    return opinion


MERGE_TARGET_STATES = [S.SUBMITTED, S.ACCEPTED, S.PUBLISHED, S.REPORTED]


@transaction.atomic
def opinion_merge(*, opinion: Opinion, into: Opinion, actor, note: str = "") -> Opinion:
    """合并: a submitted item reporting the same matter as `into` (the similar items the
    office sees while reviewing) goes into it: its authors become authors of `into`, so each
    is credited with what `into` has earned and earns from then on (录用, the adoptions and
    leader's instructions already recorded on it, once each, and those recorded later). The
    merged item keeps its text and history; the office's note (审核意见) is the event's note
    and part of the notice its authors receive."""
    opinion = lock(Opinion, opinion.pk)
    into = lock(Opinion, into.pk)
    if not policies.can_manage(actor, opinion):
        raise PermissionDenied
    if into.pk == opinion.pk or into.organisation_id != opinion.organisation_id:
        raise ValidationError(_("请选择同一政协的另一篇信息。"))
    if into.status not in MERGE_TARGET_STATES:
        raise ValidationError(_("只能并入待审核、已录用、已编发或已报送的信息。"))
    opinion.merged_into = into
    _review(opinion, actor, S.MERGED, "opinion.merge", note, extra=["merged_into"])
    present = set(into.authors.values_list("pk", flat=True))
    joining = [m for m in opinion.authors.all() if m.pk not in present]
    if joining:
        into.authors.add(*joining)
        record_event(
            actor=actor,
            verb="opinion.merge_in",
            subject=into,
            note=opinion.title,
            data={"from": opinion.pk, "authors": [m.name for m in joining]},
        )
    if into.status in ACCEPTED_STATES:
        for member in joining:
            record_duty(
                member=member,
                kind=DutyKind.OPINION_SUBMITTED,
                date=counted_on(into),
                title=into.title,
                source=into,
                actor=actor,
            )
    if joining:
        # What `into` earned before the merge, as its authors were credited then: the same
        # source, so a record already there is not written twice (duty_record_unique_source).
        facts = [
            fact
            for adoption in into.adoptions.all()
            for fact in _adoption_facts(into, adoption, joining)
        ]
        facts += [
            fact
            for instruction in into.instructions.all()
            for fact in _instruction_facts(into, instruction, joining)
        ]
        if facts:
            record_duties(facts, actor=actor)
    said = Phrase(
        N_("与《%(title)s》反映同一事项，已合并办理，您列为该篇的反映人。"), title=into.title
    )
    note = note.strip()
    _tell_authors(
        opinion,
        N_("社情民意信息已合并：%(title)s"),
        [said, Phrase(N_("审核意见：%(note)s"), note=note)] if note else said,
        "merged",
    )
    return opinion

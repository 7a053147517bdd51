"""Every change to a social-conditions item. Views, the API, the proposal hook and the demo
call these; each checks the actor's right and the state, applies the change, writes the
audit event, duty records and notifications in one transaction."""

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop as N_

from xieshang.core import access, counters, phrases
from xieshang.core.audit import (
    StaleEdit,
    TransitionError,
    changed_fields,
    lock,
    record_event,
    save_versioned,
    transition,
)
from xieshang.core.notifications import notify
from xieshang.core.phrases import Phrase, site_text, store
from xieshang.core.text import reader_date
from xieshang.duty.models import DutyKind
from xieshang.duty.services import Fact, record_duties, record_duty, remove_source_records
from xieshang.followups.models import Task
from xieshang.followups.services import INSTRUCTION_OFFICES  # noqa: F401 - used by callers
from xieshang.orgs import config
from xieshang.orgs.models import Role

from . import policies, rules
from .models import Adoption, AdoptionLevel, Issue, Opinion

S = Opinion.Status
EDITABLE_FIELDS = ["title", "facts", "analysis", "suggestions", "source_type", "source_body"]


# A draft keeps whatever its author typed, however long (the limit is the submission's: the
# author cuts the text down in the draft, as a proposal's). Only a text no item could ever
# become is refused: this many characters, or the organisation's limit if it is higher.
DRAFT_HARD_MAX_CHARS = 20000


def length_error(organisation, *, facts: str, analysis: str, suggestions: str, draft: bool) -> str:
    """Why the three parts are too long, or "": for a submission (or an item already
    received) the organisation's limit (一事一报), for a draft the hard cap."""
    limit = config.get(organisation, rules.MAX_CHARS)
    length = len(facts) + len(analysis) + len(suggestions)
    if not draft:
        if length > limit:
            return _("正文共%(n)s字，超过%(limit)s字的上限，请精简为一事一报。") % {
                "n": length,
                "limit": limit,
            }
        return ""
    cap = max(DRAFT_HARD_MAX_CHARS, limit)
    if length > cap:
        return _("正文共%(n)s字，草稿最多保存%(cap)s字，请删减后再保存。") % {
            "n": length,
            "cap": cap,
        }
    return ""


def check_length(organisation, *, draft: bool = False, **parts: str) -> None:
    if message := length_error(organisation, draft=draft, **parts):
        raise ValidationError(message)


def over_limit(opinion: Opinion) -> str:
    """Why a saved draft is too long to submit, or ""."""
    limit = config.get(opinion.organisation, rules.MAX_CHARS)
    length = len(opinion.facts) + len(opinion.analysis) + len(opinion.suggestions)
    if length <= limit:
        return ""
    return _("正文共%(n)s字，超过%(limit)s字的上限，提交前请删减。") % {"n": length, "limit": limit}


def _author_users(opinion: Opinion):
    from xieshang.core.models import User

    return User.objects.filter(member__in=opinion.authors.all(), is_active=True)


def _tell_authors(opinion: Opinion, title_msgid: str, body, key: str, **params) -> None:
    """`title_msgid` a message id taking the item's title (and `params`), `body` what the
    office typed, data or a `Phrase`: each author reads the notice in their own language."""
    notify(
        _author_users(opinion),
        title=Phrase(title_msgid, title=opinion.title, **params),
        body=body,
        url=opinion.get_absolute_url(),
        dedupe_key=f"opinion:{opinion.pk}:{key}",
        channels=("inbox",),
    )


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
        dedupe_key=f"opinion:{opinion.pk}:submitted:{opinion.version}",
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


ACCEPTED_STATES = [S.ACCEPTED, S.PUBLISHED, S.REPORTED]


def issue_name(issue: Issue) -> Phrase:
    """《社情民意》2026年第3期, read in the reader's language (`Issue.__str__` is the
    request's)."""
    return Phrase(N_("《社情民意》%(year)s年第%(n)s期"), year=issue.year, n=issue.number)


@transaction.atomic
def issue_publish(
    *, organisation, opinions, actor, published_on: dt.date | None = None, editor_note: str = ""
) -> Issue:
    """Publish accepted items in the next numbered issue of the organisation's year."""
    if not access.can(actor, "opinions.manage", organisation):
        raise PermissionDenied
    ids = [o.pk for o in opinions]
    if not ids:
        raise ValidationError(_("请选择要编发的信息。"))
    published_on = published_on or timezone.localdate()
    # Lock the items first: two clerks publishing the same items collide on them.
    items = list(Opinion.objects.select_for_update().filter(pk__in=ids, organisation=organisation))
    if len(items) != len(ids):
        raise ValidationError(_("所选信息不属于本组织。"))
    # Two clerks publishing different items at once would both read the same `Max + 1`: the
    # year's counter gives them consecutive numbers (the unique constraint is the backstop).
    year_issues = Issue.objects.filter(organisation=organisation, year=published_on.year)
    number = counters.next_value(
        f"opinions.issue:org{organisation.pk}:{published_on.year}",
        start_after=lambda: year_issues.aggregate(n=Max("number"))["n"],
    )
    issue = Issue.objects.create(
        organisation=organisation,
        year=published_on.year,
        number=number,
        published_on=published_on,
        editor_note=editor_note,
        created_by=actor,
    )
    name = issue_name(issue)
    for opinion in sorted(items, key=lambda o: o.pk):
        opinion.issue = issue
        transition(
            opinion,
            to=S.PUBLISHED,
            allowed_from=[S.ACCEPTED],
            actor=actor,
            verb="opinion.publish",
            note=name,
            extra_fields=["issue"],
        )
        _tell_authors(opinion, N_("社情民意信息已编发：%(title)s"), name, "published")
    record_event(actor=actor, verb="opinion.issue_publish", subject=issue, note=name)
    return issue


@transaction.atomic
def opinion_report(
    *, opinion: Opinion, actor, upward: bool = True, party: bool = False, government: bool = False
) -> Opinion:
    """报送: to the higher-level CPPCC node and/or the Party committee and the government of
    the reporting node. Upward it is the one mechanism of followups (上报, C2.9): the first
    time a referral to the parent node; by the node it waits at, forwarded one level up."""
    opinion = lock(Opinion, opinion.pk)
    own = policies.can_manage(actor, opinion)
    higher = policies.can_manage_upward(actor, opinion)
    if not (own or higher):
        raise PermissionDenied
    if not (upward or party or government):
        raise ValidationError(_("请选择报送对象。"))
    if (party or government) and not policies.reports_locally(actor, opinion):
        raise ValidationError(
            _("报送党委、政府由%(org)s办公室办理。") % {"org": opinion.organisation.name}
        )
    if upward:
        from xieshang.followups import services as referrals
        from xieshang.followups.referrals import kind_for

        current = referrals.open_referral(opinion)
        if current is None:
            referrals.referral_submit(item=opinion, actor=actor)
        elif kind_for(opinion).can_act(actor, current.to_organisation):
            referrals.referral_forward(referral=current, actor=actor)
        elif not (party or government):
            # The sender's office ticked "upward" again while the parent still has it.
            raise ValidationError(_("该事项已上报，正在上级处理中。"))
        opinion = lock(Opinion, opinion.pk)
    if not (party or government):
        return opinion
    # The offices reported to for the first time now (ticking one again tells nobody twice).
    newly = [
        role
        for role, ticked, already in (
            (Role.PARTY_OFFICE, party, opinion.reported_to_party),
            (Role.GOVERNMENT_OFFICE, government, opinion.reported_to_government),
        )
        if ticked and not already
    ]
    opinion.reported_to_party = opinion.reported_to_party or party
    opinion.reported_to_government = opinion.reported_to_government or government
    opinion.reported_at = timezone.now()
    # Each office's own day, kept from its first report (`instruction_earliest`).
    if Role.PARTY_OFFICE in newly:
        opinion.reported_to_party_at = opinion.reported_at
    if Role.GOVERNMENT_OFFICE in newly:
        opinion.reported_to_government_at = opinion.reported_at
    fields = [
        "reported_to_party",
        "reported_to_government",
        "reported_at",
        "reported_to_party_at",
        "reported_to_government_at",
    ]
    data = {"party": party, "government": government}
    # The history says to whom (the upward report has its own line, 上报上级政协).
    note = Phrase(
        N_("本级党委、本级政府")
        if party and government
        else (N_("本级党委") if party else N_("本级政府"))
    )
    if opinion.status == S.REPORTED:
        opinion.save(update_fields=fields)
        record_event(actor=actor, verb="opinion.report", subject=opinion, data=data, note=note)
    else:
        transition(
            opinion,
            to=S.REPORTED,
            allowed_from=[S.PUBLISHED],
            actor=actor,
            verb="opinion.report",
            extra_fields=fields,
            data=data,
            note=note,
        )
    _tell_leaders_offices(opinion, newly)
    return opinion


def _tell_leaders_offices(opinion: Opinion, roles: list[str]) -> None:
    """报送党委 / 报送政府: the clerks of the Party committee's or government's office are told
    in the inbox, as of an inspection report (meetings.services.reports): they read the item
    and record their leader's instruction on it (报送本机关)."""
    if not roles:
        return
    notify(
        access.role_holders(opinion.organisation, *roles),
        title=Phrase(N_("政协报送的社情民意信息：%(title)s"), title=opinion.title),
        body=Phrase(
            N_("%(day)s报送。可在报送本机关的事项中记录领导批示。"),
            day=timezone.localdate(opinion.reported_at),
        ),
        url=opinion.get_absolute_url(),
        dedupe_key=f"opinion:{opinion.pk}:reported:{'+'.join(roles)}",
        channels=("inbox",),
    )


def referral_check(opinion: Opinion) -> str:
    """Why the item cannot go up the tree yet ("" when it can)."""
    if opinion.status not in (S.PUBLISHED, S.REPORTED):
        return _("信息编发后才能报送上级政协。")
    return ""


def referral_moved(opinion: Opinion, referral, actor) -> None:
    """The item reached a higher node (followups referral): it is reported to that node, so
    that node's office sees it and may act on it (policies.can_manage_upward)."""
    opinion = lock(Opinion, opinion.pk)
    opinion.reported_to = referral.to_organisation
    opinion.reported_at = timezone.now()
    fields = ["reported_to", "reported_at"]
    data = {"to": referral.to_organisation.name}
    if opinion.status == S.REPORTED:
        opinion.save(update_fields=fields)
    else:
        transition(
            opinion,
            to=S.REPORTED,
            allowed_from=[S.PUBLISHED],
            actor=actor,
            verb="opinion.report",
            extra_fields=fields,
            data=data,
        )


def referral_returned(opinion: Opinion, referral, actor) -> None:
    """The node it was reported to sent it back: it is no longer reported there (that
    node's upward list drops it, the item's page stops naming it). Sent back to its own
    office with nothing else reported, it is a published item again and may go up anew."""
    opinion = lock(Opinion, opinion.pk)
    back = referral.from_organisation
    opinion.reported_to = None if back.pk == opinion.organisation_id else back
    data = {"from": referral.to_organisation.name}
    still_reported = (
        opinion.reported_to_id or opinion.reported_to_party or opinion.reported_to_government
    )
    if opinion.status == S.REPORTED and not still_reported:
        transition(
            opinion,
            to=S.PUBLISHED,
            allowed_from=[S.REPORTED],
            actor=actor,
            verb="opinion.report_returned",
            note=referral.note,
            extra_fields=["reported_to"],
            data=data,
        )
    else:
        opinion.save(update_fields=["reported_to"])
        record_event(
            actor=actor,
            verb="opinion.report_returned",
            subject=opinion,
            note=referral.note,
            data=data,
        )


# How a referral's outcome at a level reads as an adoption of the item.
REFERRAL_MODES = {
    "adopted": Adoption.Mode.STANDALONE,
    "merged": Adoption.Mode.STANDALONE,
    "forwarded": Adoption.Mode.FORWARDED,
}


def referral_adopted(opinion: Opinion, referral, mode: str, actor) -> None:
    """A higher node adopted, merged or forwarded the item (followups referral): the
    adoption at that level on the item and the authors' duty records, as when recorded by
    hand (once per level and mode)."""
    opinion = lock(Opinion, opinion.pk)
    adoption_mode = REFERRAL_MODES[mode]
    if opinion.adoptions.filter(level=referral.level, mode=adoption_mode).exists():
        return
    body = referral.to_organisation.name
    if mode == "merged" and referral.note:
        body = f"{body}（{referral.note}）"
    _record_adoption(
        opinion,
        actor,
        level=referral.level,
        mode=adoption_mode,
        adopted_on=timezone.localdate(),
        body=body[:100],
    )


def _can_record_outcome(actor, opinion: Opinion) -> bool:
    return policies.can_manage(actor, opinion) or policies.can_manage_upward(actor, opinion)


@transaction.atomic
def adoption_record(
    *, opinion: Opinion, actor, level: str, mode: str, adopted_on: dt.date, body: str = ""
) -> Adoption:
    """采用情况: a level took the item up. Counts once per level and mode."""
    opinion = lock(Opinion, opinion.pk)
    if not _can_record_outcome(actor, opinion):
        raise PermissionDenied
    if opinion.status not in (S.PUBLISHED, S.REPORTED):
        raise ValidationError(_("信息编发后才能记录采用情况。"))
    if opinion.adoptions.filter(level=level, mode=mode).exists():
        raise ValidationError(_("该层级的采用情况已记录；登记有误的，请在采用情况中更正或撤销。"))
    check_adoption_date(opinion, adopted_on)
    return _record_adoption(
        opinion, actor, level=level, mode=mode, adopted_on=adopted_on, body=body
    )


def adoption_earliest(opinion: Opinion) -> dt.date | None:
    """The first day an adoption of the item may bear: the day it was published in the
    bulletin (编发, which only then leaves the office: an adoption is recorded only on a
    published item), and never before its submission. A slip (2026-01-01 for 2026-12-07)
    would date the authors' duty records months before they wrote the item. None for an
    item that keeps neither day."""
    days = []
    if opinion.submitted_at is not None:
        days.append(timezone.localdate(opinion.submitted_at))
    if opinion.issue_id:
        days.append(opinion.issue.published_on)
    return max(days, default=None)


def check_adoption_date(opinion: Opinion, adopted_on: dt.date) -> None:
    """采用日期 between the item's publication (`adoption_earliest`) and today."""
    today = timezone.localdate()
    if adopted_on > today:
        raise ValidationError({"adopted_on": _("采用日期不能晚于今天。")})
    earliest = adoption_earliest(opinion)
    if earliest is not None and adopted_on < earliest:
        raise ValidationError(
            {
                "adopted_on": _("采用日期不能早于这篇信息编发的日期（%(day)s），请核对。")
                % {"day": reader_date(earliest)}
            }
        )


ADOPTION_FIELDS = ["level", "mode", "adopted_on", "body"]


def _adoption_values(adoption: Adoption) -> dict:
    """What an adoption says, for the audit row of its correction or 撤销."""
    return {
        "level": adoption.level,
        "mode": adoption.mode,
        "adopted_on": adoption.adopted_on.isoformat(),
        "body": adoption.body,
    }


def _locked_adoption(adoption: Adoption, actor, expected_version: int, reason: str):
    """The adoption and its item, locked, once the actor may correct it, it is as the form
    read it and a reason is given."""
    opinion = lock(Opinion, adoption.opinion_id)
    adoption = lock(Adoption, adoption.pk)
    if not _can_record_outcome(actor, opinion):
        raise PermissionDenied
    if adoption.version != expected_version:
        raise StaleEdit(current_version=adoption.version)
    if not reason.strip():
        raise ValidationError({"reason": _("请说明更正或撤销的理由。")})
    return opinion, adoption


@transaction.atomic
def adoption_update(
    *,
    adoption: Adoption,
    actor,
    expected_version: int,
    level: str,
    mode: str,
    adopted_on: dt.date,
    body: str = "",
    reason: str,
) -> Adoption:
    """更正: the office that may record an adoption corrects one recorded wrongly (its date,
    level, mode or unit), with a reason. The audit row keeps what it said and what it says
    now; the authors' duty records follow (those it earned are taken out the duty app's way,
    `remove_source_records`, and the corrected ones recorded), and the authors are told."""
    opinion, adoption = _locked_adoption(adoption, actor, expected_version, reason)
    if opinion.adoptions.filter(level=level, mode=mode).exclude(pk=adoption.pk).exists():
        raise ValidationError(_("该层级的采用情况已记录。"))
    check_adoption_date(opinion, adopted_on)
    before = _adoption_values(adoption)
    adoption.level, adoption.mode, adoption.adopted_on, adoption.body = (
        level,
        mode,
        adopted_on,
        body,
    )
    after = _adoption_values(adoption)
    if before == after:
        return adoption
    save_versioned(adoption, expected_version=expected_version, fields=ADOPTION_FIELDS)
    label = _adoption_label(adoption)
    record_event(
        actor=actor,
        verb="opinion.adoption_edit",
        subject=opinion,
        note=Phrase(N_("%(label)s · 更正理由：%(reason)s"), label=label, reason=reason.strip()),
        data={"adoption": adoption.pk, "from": before, "to": after, "reason": reason.strip()},
    )
    why = site_text(N_("采用情况已更正：%(reason)s"), reason=reason.strip())
    remove_source_records(source=adoption, actor=actor, note=why)
    facts = _adoption_facts(opinion, adoption, opinion.authors.all())
    if facts:
        record_duties(facts, actor=actor)
    _tell_authors(
        opinion,
        N_("社情民意信息的采用情况已更正：%(title)s"),
        Phrase(N_("%(label)s，采用日期%(day)s"), label=label, day=adopted_on),
        f"adopted:{adoption.pk}:v{adoption.version}",
    )
    return adoption


@transaction.atomic
def adoption_void(*, adoption: Adoption, actor, expected_version: int, reason: str) -> None:
    """撤销: an adoption recorded in error is taken off the item, with a reason; the audit
    row keeps what it said. The duty records it earned leave the authors' files the duty
    app's way (`remove_source_records`: a settled year's stay), and the authors are told."""
    opinion, adoption = _locked_adoption(adoption, actor, expected_version, reason)
    label = _adoption_label(adoption)
    record_event(
        actor=actor,
        verb="opinion.adoption_void",
        subject=opinion,
        note=Phrase(N_("%(label)s · 撤销理由：%(reason)s"), label=label, reason=reason.strip()),
        data={
            "adoption": adoption.pk,
            "from": _adoption_values(adoption),
            "reason": reason.strip(),
        },
    )
    why = site_text(N_("采用情况已撤销：%(reason)s"), reason=reason.strip())
    remove_source_records(source=adoption, actor=actor, note=why)
    _tell_authors(
        opinion,
        N_("社情民意信息的采用情况已撤销：%(title)s"),
        Phrase(N_("%(label)s：%(reason)s"), label=label, reason=reason.strip()),
        f"adopted:{adoption.pk}:void",
    )
    adoption.delete()


# Each adoption level scores through its own row of the score table (duty.rules).
ADOPTION_DUTY_KINDS = {
    AdoptionLevel.DISTRICT: DutyKind.OPINION_ADOPTED,
    AdoptionLevel.CITY: DutyKind.OPINION_ADOPTED_CITY,
    AdoptionLevel.PROVINCE: DutyKind.OPINION_ADOPTED_PROVINCE,
    AdoptionLevel.NATIONAL: DutyKind.OPINION_ADOPTED_NATIONAL,
}


def _record_adoption(opinion: Opinion, actor, *, level, mode, adopted_on, body) -> Adoption:
    adoption = Adoption.objects.create(
        opinion=opinion, level=level, mode=mode, adopted_on=adopted_on, body=body, created_by=actor
    )
    # 区级单独采用, the choices' labels read in the reader's language.
    label = _adoption_label(adoption)
    record_event(
        actor=actor,
        verb="opinion.adopt",
        subject=opinion,
        note=Phrase(N_("%(label)s · %(body)s"), label=label, body=body) if body else label,
        data={"level": level, "mode": mode},
    )
    facts = _adoption_facts(opinion, adoption, opinion.authors.all())
    if facts:
        record_duties(facts, actor=actor)
    _tell_authors(opinion, N_("社情民意信息被采用：%(title)s"), label, f"adopted:{adoption.pk}")
    return adoption


def _adoption_label(adoption: Adoption) -> Phrase:
    """区级单独采用, the choices' labels read in the reader's language."""
    return Phrase(
        N_("%(level)s%(mode)s"),
        level=AdoptionLevel(adoption.level).label,
        mode=Adoption.Mode(adoption.mode).label,
    )


def _adoption_facts(opinion: Opinion, adoption: Adoption, members) -> list[Fact]:
    """The duty record of an adoption for each of `members` (the item's authors)."""
    # A duty record's title is stored text: in the site's language.
    title = f"{opinion.title}（{store(_adoption_label(adoption))[0]}）"
    kind = ADOPTION_DUTY_KINDS[adoption.level]
    return [Fact(member, kind, adoption.adopted_on, title, adoption) for member in members]


def _instruction_facts(opinion: Opinion, instruction, members) -> list[Fact]:
    """The duty record of a leader's instruction for each of `members`."""
    title = f"{opinion.title}（{instruction.leader}批示）"
    return [
        Fact(member, DutyKind.OPINION_INSTRUCTED, instruction.instructed_on, title, instruction)
        for member in members
    ]


def instruction_check(opinion: Opinion) -> str:
    """Why the item cannot take a leader's instruction yet ("" when it can)."""
    if opinion.status not in (S.PUBLISHED, S.REPORTED):
        return _("信息编发后才能记录领导批示。")
    return ""


def instruction_earliest(opinion: Opinion, instruction) -> tuple[dt.date | None, Phrase]:
    """The first day an instruction may bear, by the office recording it
    (`instruction.recorded_as`, `instruction.organisation`), and the message naming that day:
    the Party committee's or the government's office, the day the item was reported to it
    (报送党委 / 报送政府); the office of a node it was reported up to, the day it reached that
    node; the item's own office, the day it was published (编发, when it first went to the
    leaders). (None, …) when the item keeps no such day."""
    if instruction.recorded_as in (Role.PARTY_OFFICE, Role.GOVERNMENT_OFFICE):
        party = instruction.recorded_as == Role.PARTY_OFFICE
        when = opinion.reported_to_party_at if party else opinion.reported_to_government_at
        msgid = (
            N_("批示日期不能早于这篇信息报送党委的日期（%(day)s）。")
            if party
            else N_("批示日期不能早于这篇信息报送政府的日期（%(day)s）。")
        )
        return (timezone.localdate(when) if when else None), msgid
    if instruction.organisation_id != opinion.organisation_id:
        from django.contrib.contenttypes.models import ContentType

        from xieshang.followups.models import Referral

        reached = (
            Referral.objects.filter(
                content_type=ContentType.objects.get_for_model(Opinion),
                object_id=opinion.pk,
                to_organisation_id=instruction.organisation_id,
            )
            .order_by("submitted_at")
            .values_list("submitted_at", flat=True)
            .first()
        )
        msgid = N_("批示日期不能早于这篇信息报送%(org)s的日期（%(day)s）。")
        return (timezone.localdate(reached) if reached else None), msgid
    return adoption_earliest(opinion), N_("批示日期不能早于这篇信息编发的日期（%(day)s）。")


def check_instruction_date(opinion: Opinion, instruction) -> None:
    """Refuse an instruction dated before the item reached the office recording it."""
    earliest, msgid = instruction_earliest(opinion, instruction)
    if earliest is not None and instruction.instructed_on < earliest:
        raise ValidationError(
            {
                "instructed_on": _(msgid)
                % {"day": reader_date(earliest), "org": instruction.organisation.name}
            }
        )


def instruction_after(instruction, actor) -> None:
    """What an instruction on an item means here: a duty record for each author and a
    message to them (called by followups.services.instruction_record, in its transaction).
    An instruction dated before the item reached the office recording it is refused here
    (`check_instruction_date`), which undoes it: only here is the recording office known."""
    opinion = instruction.item
    check_instruction_date(opinion, instruction)
    facts = _instruction_facts(opinion, instruction, opinion.authors.all())
    if facts:
        record_duties(facts, actor=actor)
    _tell_authors(
        opinion,
        N_("社情民意信息获领导批示：%(title)s"),
        instruction.leader,
        f"instr:{instruction.pk}",
    )
    # The CPPCC office that reported the item keeps its record of instructions: told when
    # another office recorded one (the Party committee's, the government's, a higher CPPCC's);
    # not when it recorded it itself.
    if not policies.reports_locally(actor, opinion):
        notify(
            access.role_holders(opinion.organisation, Role.OFFICE),
            title=Phrase(N_("社情民意信息获领导批示：%(title)s"), title=opinion.title),
            body=Phrase(
                N_("%(leader)s批示：%(text)s"),
                leader=instruction.leader,
                text=instruction.text[:500],
            ),
            url=opinion.get_absolute_url(),
            dedupe_key=f"opinion:{opinion.pk}:instr:{instruction.pk}:office",
            channels=("inbox",),
        )


def instruction_answered(instruction, task, feedback, actor) -> None:
    """A unit's written feedback on the leader's instruction reaches the item's authors,
    who read it on the item's page (followups instructions panel)."""
    _tell_authors(
        instruction.item,
        N_("领导批示落实情况：%(unit)s已就“%(title)s”书面反馈"),
        feedback.text[:500],
        f"instr:{instruction.pk}:answer:{feedback.pk}",
        unit=_unit(task),
    )


def _unit(task: Task):
    """The department's name, or the office's role label (lazy: read in the reader's
    language)."""
    if task.department_id:
        return task.department.name
    try:
        return Role(task.assignee_role).label
    except ValueError:
        return task.assignee_role


def instruction_record(*, opinion: Opinion, actor, **kwargs):
    """批示 on an item: the one mechanism (followups.services.instruction_record)."""
    from xieshang.followups.services import instruction_record as record

    return record(item=opinion, actor=actor, **kwargs)


def instruction_tasks(opinion: Opinion):
    """The follow-up tasks opened for the item's instructions (one query)."""
    from django.contrib.contenttypes.models import ContentType

    from xieshang.followups.models import Instruction

    ids = [str(pk) for pk in opinion.instructions.values_list("pk", flat=True)]
    return Task.objects.filter(
        content_type=ContentType.objects.get_for_model(Instruction), object_id__in=ids
    ).select_related("department")


@transaction.atomic
def on_proposal_converted(sender, *, proposal, to, actor, **kwargs) -> None:
    """proposals' `proposal_converted` signal: a 转社情民意 becomes an item here (in the
    conversion's transaction)."""
    if to == proposal.Status.TO_INFO:
        opinion_from_proposal(proposal, actor)


def opinion_from_proposal(proposal, actor) -> Opinion:
    """A proposal converted to social-conditions information (转社情民意) becomes a
    submitted item in the office's queue, authored by its proposers. Idempotent."""
    existing = Opinion.objects.filter(proposal=proposal).first()
    if existing is not None:
        return existing
    from xieshang.proposals.models import Signer

    authors = []
    if proposal.first_proposer_id:
        authors.append(proposal.first_proposer)
    authors += [
        s.member
        for s in proposal.signers.filter(status=Signer.Status.CONFIRMED).select_related("member")
    ]
    opinion = Opinion.objects.create(
        organisation=proposal.organisation,
        year=timezone.localdate().year,
        title=proposal.title,
        facts=proposal.facts,
        analysis=proposal.analysis,
        suggestions=proposal.suggestions or proposal.title,
        source_type=(
            Opinion.SourceType.MEMBER if proposal.first_proposer_id else Opinion.SourceType.PARTY
        ),
        source_body=proposal.proposer_body,
        created_by=proposal.created_by,
        proposal=proposal,
        status=S.SUBMITTED,
        submitted_at=timezone.now(),
    )
    opinion.authors.set(authors)
    record_event(
        actor=actor,
        verb="opinion.submit",
        subject=opinion,
        from_state="",
        to_state=S.SUBMITTED,
        note=Phrase(N_("由提案转来：%(number)s"), number=proposal.number or proposal.title),
    )
    return opinion


@transaction.atomic
def opinion_from_resident_issue(*, issue, actor) -> Opinion:
    """A resident's issue reported as social-conditions information (转社情民意) by whoever
    triages it (the residents app checks that right): a submitted item in the office's queue
    of the committee above the street, from the street as a body, with no member author (a
    resident earns no duty record). The resident's phone never goes into the text."""
    if issue.opinion_id:
        return issue.opinion
    from xieshang.consultation.services import cppcc_of
    from xieshang.core.pii import mask_numbers

    organisation = cppcc_of(issue.organisation)
    # The item's text is stored: in the site's language, whoever reports it in which.
    # Numbers the resident typed (a phone, an ID card) go masked, as on the issue's staff
    # page and its task: the item is read by the office, reviewers and those it goes to.
    facts = mask_numbers(issue.description)
    if issue.location:
        facts = f"{facts}\n{site_text(N_('地点：%(place)s'), place=mask_numbers(issue.location))}"
    opinion = Opinion.objects.create(
        organisation=organisation,
        year=timezone.localdate().year,
        title=mask_numbers(issue.title)[:120],
        facts=facts,
        # The office writes the suggestions when it edits the item.
        suggestions=site_text(N_("群众希望有关方面研究解决。")),
        source_type=Opinion.SourceType.STAFF,
        source_body=site_text(
            N_("%(node)s（民情事项%(ticket)s）"), node=issue.organisation.name, ticket=issue.ticket
        ),
        created_by=actor if getattr(actor, "pk", None) else None,
        status=S.SUBMITTED,
        submitted_at=timezone.now(),
    )
    record_event(
        actor=actor,
        verb="opinion.submit",
        subject=opinion,
        from_state="",
        to_state=S.SUBMITTED,
        note=Phrase(N_("由民情事项转来：%(ticket)s"), ticket=issue.ticket),
    )
    return opinion

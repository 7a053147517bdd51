"""Topics (C2.3): intake from staff, members, departments, the Party office and liaison
officers, residents' issues turned into topics (群众出题), public submissions from the
portal with their rate limit and screening, moderation (one by one or bulk rejection),
correction and merging of duplicates."""

import datetime as dt
import hashlib

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop as N_

from xieshang.core.audit import (
    TransitionError,
    changed_fields,
    lock,
    record_event,
    save_versioned,
    transition,
)
from xieshang.core.phrases import Phrase, site_text
from xieshang.core.pii import mask_numbers
from xieshang.members.models import Member
from xieshang.orgs import config
from xieshang.orgs.models import Organisation
from xieshang.portal import ratelimit, screening, tickets

from .. import policies, rules
from ..models import FocusArea, Topic
from .common import RateLimited, cppcc_of


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
    # Numbers the resident typed (a phone, an ID card) go masked, as on the issue's staff
    # page: a topic is read by the office, members and, once published, the public. The
    # proposer line is stored text, in the site's language.
    topic = Topic.objects.create(
        organisation=organisation,
        title=mask_numbers(issue.title)[:100],
        description=mask_numbers(issue.description),
        source=Topic.Source.GRASSROOTS,
        proposer_name=issue.resident_name
        or site_text(N_("群众（%(ticket)s）"), ticket=issue.ticket),
        street=street,
        status=Topic.Status.OPEN,
        submitted_by=actor if getattr(actor, "pk", None) else None,
    )
    record_event(
        actor=actor,
        verb="topic.create",
        subject=topic,
        to_state=topic.status,
        note=Phrase(N_("由民情事项转来：%(ticket)s"), ticket=issue.ticket),
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
    topic.decided_at = timezone.now()
    transition(
        topic,
        to=Topic.Status.OPEN if accept else Topic.Status.REJECTED,
        allowed_from=[Topic.Status.PENDING],
        actor=actor,
        verb="topic.moderate_accept" if accept else "topic.moderate_reject",
        note=note,
        extra_fields=["focus_area", "topic_type", "moderation_note", "decided_at"],
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
    topic.decided_at = timezone.now()
    transition(
        topic,
        to=Topic.Status.MERGED,
        allowed_from=[Topic.Status.OPEN],
        actor=actor,
        verb="topic.merge",
        note=note or _("并入“%(title)s”") % {"title": into.title},
        extra_fields=["merged_into", "decided_at"],
    )
    record_event(
        actor=actor,
        verb="topic.merge",
        subject=into,
        note=Phrase(N_("“%(title)s”并入本议题"), title=topic.title),
    )
    return topic

"""Briefings to members (情况通报, C2.14), and down the tree (C2.9): a higher node sends a
briefing, notice or work arrangement to all or chosen lower CPPCC nodes; each node gets a
node receipt, its office reads it and may pass it on to its own members through the same
member publication as the node's own briefings."""

import hashlib

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop as N_

from xieshang.core import access
from xieshang.core.audit import StaleEdit, changed_fields, lock, record_event, transition
from xieshang.core.notifications import notify, settle
from xieshang.core.phrases import Phrase
from xieshang.members.models import Member, Membership
from xieshang.members.selectors import CPPCC_LEVELS, current_term
from xieshang.orgs.models import Organisation, Role, RoleAssignment

from ..models import Briefing, BriefingNodeReceipt, BriefingReceipt


@transaction.atomic
def briefing_create(
    *, organisation, actor, title: str, source: str, body: str, kind: str = Briefing.Kind.BRIEFING
) -> Briefing:
    if not access.can(actor, "meetings.manage", organisation):
        raise PermissionDenied
    if not title.strip() or not body.strip():
        raise ValidationError(_("请填写标题和内容。"))
    briefing = Briefing.objects.create(
        organisation=organisation,
        kind=kind or Briefing.Kind.BRIEFING,
        title=title.strip()[:200],
        source=source.strip()[:100],
        body=body.strip(),
        created_by=actor,
    )
    record_event(
        actor=actor,
        verb="briefing.create",
        subject=briefing,
        to_state=briefing.status,
        note=Phrase(N_("起草")),
    )
    return briefing


EDITABLE = ("kind", "title", "source", "body")


def briefing_fingerprint(briefing: Briefing) -> str:
    """What the edit form was opened on: a draft saved since (another tab, a colleague)
    has another fingerprint, so the later save is refused instead of overwriting it
    (the model has no version column; the fields themselves are the version)."""
    text = "\x1f".join(str(getattr(briefing, f)) for f in EDITABLE)
    return hashlib.sha256(text.encode()).hexdigest()[:32]


@transaction.atomic
def briefing_update(
    *,
    briefing: Briefing,
    actor,
    expected: str,
    title: str,
    source: str,
    body: str,
    kind: str = "",
) -> Briefing:
    """Correct a draft before it is published (a published one has gone out: it stays as
    sent). `expected` is `briefing_fingerprint` of the draft the form was opened on."""
    if not access.can(actor, "meetings.manage", briefing.organisation):
        raise PermissionDenied
    if not title.strip() or not body.strip():
        raise ValidationError(_("请填写标题和内容。"))
    briefing = lock(Briefing, briefing.pk)
    if briefing.status != Briefing.Status.DRAFT:
        raise ValidationError(_("通报已发布，不能再修改。"))
    if briefing_fingerprint(briefing) != expected:
        raise StaleEdit
    before = {f: getattr(briefing, f) for f in EDITABLE}
    briefing.kind = kind or briefing.kind
    briefing.title = title.strip()[:200]
    briefing.source = source.strip()[:100]
    briefing.body = body.strip()
    after = {f: getattr(briefing, f) for f in EDITABLE}
    changes = changed_fields(before, after)
    if changes:
        briefing.save(update_fields=list(changes))
        record_event(
            actor=actor,
            verb="briefing.edit",
            subject=briefing,
            note=Phrase(N_("修改草稿")),
            data={"changes": changes},
        )
    return briefing


def _members_of(organisation) -> list:
    term = current_term(organisation)
    if term is None:
        return []
    return list(
        Member.objects.filter(
            memberships__term=term, memberships__status=Membership.Status.ACTIVE
        ).select_related("user")
    )


def _deliver_to_members(briefing: Briefing, members: list) -> None:
    """The member publication path: a receipt row each and an inbox notice."""
    BriefingReceipt.objects.bulk_create(
        [BriefingReceipt(briefing=briefing, member=m) for m in members], ignore_conflicts=True
    )
    notify(
        [m.user for m in members if m.user_id],
        title=Phrase(N_("%(k)s：%(t)s"), k=Briefing.Kind(briefing.kind).label, t=briefing.title),
        body=briefing.source,
        url=reverse("meetings:briefing", args=[briefing.pk]),
        dedupe_key=f"briefing:{briefing.pk}",
    )


def lower_nodes(organisation) -> models.QuerySet:
    """CPPCC nodes anywhere below `organisation`: where it may send briefings down."""
    return (
        Organisation.objects.filter(path__startswith=organisation.path, level__in=CPPCC_LEVELS)
        .exclude(pk=organisation.pk)
        .order_by("path")
    )


def _node_key(briefing_id: int, organisation_id: int) -> str:
    """A node office's notices of a briefing sent down: the first is this key, each day's
    reminder starts with it and ":" (`_settle_node` settles both)."""
    return f"briefing:{briefing_id}:node:{organisation_id}"


def _settle_node(receipt: BriefingNodeReceipt) -> None:
    # Read (签收) or passed on by one of the node's clerks: the others' 请签收 are done with.
    key = _node_key(receipt.briefing_id, receipt.organisation_id)
    settle(key, f"{key}:")


def _notify_nodes(briefing: Briefing, receipts, *, remind_on: str = "") -> None:
    # A reminder says so: the office's inbox would otherwise show the same notice twice.
    title = N_("请签收上级%(k)s：%(t)s") if remind_on else N_("上级%(k)s：%(t)s")
    by_org: dict[int, list] = {}
    for ra in RoleAssignment.objects.filter(
        organisation__in=[r.organisation_id for r in receipts],
        role=Role.OFFICE,
        user__is_active=True,
    ).select_related("user"):
        by_org.setdefault(ra.organisation_id, []).append(ra.user)
    for r in receipts:
        notify(
            by_org.get(r.organisation_id, []),
            title=Phrase(title, k=Briefing.Kind(briefing.kind).label, t=briefing.title),
            body=briefing.organisation.name,
            url=reverse("meetings:briefing", args=[briefing.pk]),
            dedupe_key=_node_key(briefing.pk, r.organisation_id)
            + (f":remind:{remind_on}" if remind_on else ""),
        )


@transaction.atomic
def briefing_publish(
    *, briefing: Briefing, actor, to_members: bool = True, nodes=None, all_nodes: bool = False
) -> Briefing:
    """Publish to every active member of the current term (`to_members`) and/or down the
    tree: to every lower CPPCC node (`all_nodes`) or the chosen ones (`nodes`, which must lie
    below the publisher). Each node gets a node receipt and its office an inbox notice."""
    if not access.can(actor, "meetings.manage", briefing.organisation):
        raise PermissionDenied
    briefing = lock(Briefing, briefing.pk)
    below = lower_nodes(briefing.organisation)
    if all_nodes:
        targets = list(below)
    elif nodes:
        wanted = {getattr(n, "pk", n) for n in nodes}
        targets = [o for o in below.filter(pk__in=wanted)]
        if len(targets) != len(wanted):
            raise ValidationError(_("只能发给本级以下的政协组织。"))
    else:
        targets = []
    if not to_members and not targets:
        raise ValidationError(_("请选择发送对象。"))
    members = _members_of(briefing.organisation) if to_members else []
    briefing.published_at = timezone.now()
    briefing.recipients_count = len(members)
    transition(
        briefing,
        to=Briefing.Status.PUBLISHED,
        allowed_from=[Briefing.Status.DRAFT],
        actor=actor,
        verb="briefing.publish",
        extra_fields=["published_at", "recipients_count"],
        data={"nodes": [o.pk for o in targets]} if targets else None,
    )
    if members:
        _deliver_to_members(briefing, members)
    if targets:
        BriefingNodeReceipt.objects.bulk_create(
            [BriefingNodeReceipt(briefing=briefing, organisation=o) for o in targets],
            ignore_conflicts=True,
        )
        receipts = list(briefing.node_receipts.all())
        _notify_nodes(briefing, receipts)
    return briefing


def own_nodes(user) -> list[int]:
    """The nodes whose office this user is (exactly there, not by inheritance): a briefing
    sent down to a node is that node's office's to read and pass on."""
    return [
        ra.organisation_id
        for ra in access.assignments(user)
        if "meetings.manage" in access.PERMISSIONS.get(ra.role, ())
    ]


def node_receipt_for(user, briefing: Briefing) -> BriefingNodeReceipt | None:
    nodes = own_nodes(user)
    if not nodes:
        return None
    return (
        briefing.node_receipts.filter(organisation__in=nodes)
        .select_related("organisation")
        .order_by("organisation__path")
        .first()
    )


@transaction.atomic
def briefing_node_read(*, receipt: BriefingNodeReceipt, actor) -> bool:
    """The node office's read receipt (first read only); True when this call marked it."""
    if receipt.organisation_id not in own_nodes(actor):
        raise PermissionDenied
    marked = BriefingNodeReceipt.objects.filter(pk=receipt.pk, read_at__isnull=True).update(
        read_at=timezone.now(), read_by=actor
    )
    if marked:
        record_event(
            actor=actor,
            verb="briefing.node_read",
            subject=receipt.briefing,
            organisation=receipt.organisation,
            note=receipt.organisation.name,
        )
        _settle_node(receipt)
    return bool(marked)


@transaction.atomic
def briefing_pass_on(*, receipt: BriefingNodeReceipt, actor) -> int:
    """Pass a briefing received from above on to this node's members: their receipts and
    notices, as for the node's own briefings. Once per node; returns the members reached."""
    if receipt.organisation_id not in own_nodes(actor):
        raise PermissionDenied
    receipt = lock(BriefingNodeReceipt, receipt.pk)
    if receipt.passed_on_at is not None:
        raise ValidationError(_("已转发给本级委员。"))
    members = _members_of(receipt.organisation)
    now = timezone.now()
    receipt.passed_on_at = now
    if receipt.read_at is None:
        receipt.read_at, receipt.read_by = now, actor
    receipt.save(update_fields=["passed_on_at", "read_at", "read_by"])
    _settle_node(receipt)
    _deliver_to_members(receipt.briefing, members)
    Briefing.objects.filter(pk=receipt.briefing_id).update(
        recipients_count=models.F("recipients_count") + len(members)
    )
    record_event(
        actor=actor,
        verb="briefing.pass_on",
        subject=receipt.briefing,
        organisation=receipt.organisation,
        note=Phrase(N_("%(o)s转发委员%(n)s人"), o=receipt.organisation.name, n=len(members)),
    )
    return len(members)


@transaction.atomic
def briefing_remind(*, briefing: Briefing, actor) -> int:
    """Remind the offices of the nodes that have not read it; once a day per node (the
    inbox dedupe key carries the date). Returns the nodes reminded."""
    if not access.can(actor, "meetings.manage", briefing.organisation):
        raise PermissionDenied
    unread = list(briefing.node_receipts.filter(read_at__isnull=True))
    if unread:
        today = timezone.localdate().isoformat()
        _notify_nodes(briefing, unread, remind_on=today)
        record_event(
            actor=actor,
            verb="briefing.remind",
            subject=briefing,
            data={"nodes": [r.organisation_id for r in unread], "day": today},
        )
    return len(unread)


def briefing_read(*, briefing: Briefing, member) -> bool:
    """Mark the member's copy read (first read only); True when this call marked it."""
    if member is None:
        return False
    return bool(
        BriefingReceipt.objects.filter(
            briefing=briefing, member=member, read_at__isnull=True
        ).update(read_at=timezone.now())
    )

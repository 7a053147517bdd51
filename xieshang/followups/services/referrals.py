"""Upward reporting (上报, C2.9): the one mechanism for every item that goes up the tree
(the registry of kinds is `followups.referrals`).
"""

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop as N_

from xieshang.core.audit import lock, record_event, transition
from xieshang.core.notifications import notify
from xieshang.core.phrases import Phrase

from ..models import Referral
from ..referrals import kind_for

# --- Upward reporting (上报, C2.9): the one mechanism for every item that goes up the tree.

RS = Referral.State


def _node_users(organisation, permission: str):
    """Who acts on referrals of a kind at a node: the holders of a role with its
    permission there (the office for most items, the proposal committee for proposals)."""
    from xieshang.core import access

    roles = [role for role, perms in access.PERMISSIONS.items() if permission in perms]
    return access.role_holders(organisation, *roles)


def _referral_url() -> str:
    return "/followups/referrals/"


def _parent_node(organisation):
    parent = organisation.parent
    if parent is None or not parent.is_cppcc:
        raise ValidationError(_("没有可报送的上级政协。"))
    return parent


def _open_referral(item):
    return (
        Referral.objects.select_for_update()
        .filter(
            content_type=ContentType.objects.get_for_model(item),
            object_id=item.pk,
            state=RS.SUBMITTED,
        )
        .select_related("from_organisation", "to_organisation")
        .first()
    )


def open_referral(item) -> Referral | None:
    """The item's referral waiting at a node, if any (an item is at one node at a time)."""
    return (
        Referral.objects.filter(
            content_type=ContentType.objects.get_for_model(item),
            object_id=item.pk,
            state=RS.SUBMITTED,
        )
        .select_related("from_organisation", "to_organisation")
        .first()
    )


def _send(kind, item, *, source, actor, previous=None) -> Referral:
    target = _parent_node(source)
    title = str(kind.title(item))
    referral = Referral.objects.create(
        content_type=ContentType.objects.get_for_model(item),
        object_id=item.pk,
        item_title=title[:200],
        from_organisation=source,
        to_organisation=target,
        level=target.level,
        previous=previous,
        submitted_by=actor if getattr(actor, "pk", None) else None,
    )
    record_event(
        actor=actor,
        verb="referral.submit",
        subject=item,
        note=f"{source.name} → {target.name}",
        data={"from": source.name, "to": target.name, "referral": referral.pk},
    )
    notify(
        _node_users(target, kind.permission),
        title=Phrase(N_("下级政协上报的%(kind)s：%(title)s"), kind=kind.label, title=title),
        body=source.name,
        url=kind.url(item.pk),
        dedupe_key=f"referral:{referral.pk}:submitted",
        channels=("inbox",),
    )
    kind.after_move(item, referral, actor)
    return referral


def referral_source(kind, item, path=None):
    """The node the item sits at, from which it is reported up: the last node that adopted
    (or merged) it, else its own node. `path` is the item's referrals when already read."""
    if path is None:
        path = item_referrals(item).filter(state__in=[RS.ADOPTED, RS.MERGED])
    last = None
    for referral in path:
        if referral.state in (RS.ADOPTED, RS.MERGED) and (last is None or referral.pk > last.pk):
            last = referral
    return last.to_organisation if last else kind.organisation(item)


def can_report_up(user, item, kind=None, path=None) -> bool:
    """Whether `user` may report the item up from its own node (上报上级政协, the 上报情况
    panel's button): it still sits at the node it was raised at, nothing waits at a node
    above, it is ready (the kind's check), and the user runs that node's office. Once a node
    above has adopted it, the report further up goes from that node through its owning app
    (`can_report_further_up`), and the item's own office is offered nothing. The pages offer
    their actions on this; the POSTs (the views' office checks, then `referral_submit`)
    refuse exactly where it is false, so page and action agree."""
    found = _reportable_from(item, kind, path)
    if found is None:
        return False
    kind, source = found
    return source.pk == kind.organisation(item).pk and kind.can_act(user, source)


def can_report_further_up(user, item, kind=None, path=None) -> bool:
    """Whether `user` may report the item further up from a node above its own, through the
    item's owning app (an 社情民意 item: the 报送 form of the office above): a node above
    adopted (or merged) it, has a CPPCC node above it in turn, nothing waits at a node
    above, the item is ready (the kind's check), and the user runs the adopting node's
    office. `can_report_up` is the same for the item's own node."""
    found = _reportable_from(item, kind, path)
    if found is None:
        return False
    kind, source = found
    return (
        source.pk != kind.organisation(item).pk
        and bool(source.parent_id and source.parent.is_cppcc)
        and kind.can_act(user, source)
    )


def _reportable_from(item, kind, path):
    """The item's kind and the node it would be reported up from (`referral_source`, which
    `referral_submit` sends it from), or None when it may not be reported up at all now: a
    kind that does not apply, a report waiting at a node above, or the kind's check
    refusing. `path` is the item's referrals when already read."""
    kind = kind or kind_for(item)
    if kind is None or not kind.applies(item):
        return None
    if path is None:
        path = list(item_referrals(item))
    if any(r.state == RS.SUBMITTED for r in path) or kind.check(item):
        return None
    return kind, referral_source(kind, item, path)


@transaction.atomic
def referral_submit(*, item, actor) -> Referral:
    """上报: the office of the item's node sends it to the parent CPPCC node."""
    kind = kind_for(item)
    if kind is None or not kind.applies(item):
        raise ValidationError(_("该事项不能上报。"))
    item = lock(type(item), item.pk)
    source = referral_source(kind, item)
    if not kind.can_act(actor, source):
        raise PermissionDenied
    refusal = kind.check(item)
    if refusal:
        raise ValidationError(refusal)
    if _open_referral(item) is not None:
        raise ValidationError(_("该事项已上报，正在上级处理中。"))
    return _send(kind, item, source=source, actor=actor)


def _decide(referral: Referral, actor, *, to: str, verb: str, note: str = "", require_note=False):
    referral = lock(Referral, referral.pk)
    item = referral.item
    kind = kind_for(item)
    if kind is None:
        raise ValidationError(_("该事项不能上报。"))
    if not kind.can_act(actor, referral.to_organisation):
        raise PermissionDenied
    note = (note or "").strip()
    if require_note and not note:
        raise ValidationError(_("请填写退回理由。"))
    referral.note = note[:500]
    referral.decided_by = actor if getattr(actor, "pk", None) else None
    referral.decided_at = timezone.now()
    transition(
        referral,
        to=to,
        allowed_from=[RS.SUBMITTED],
        actor=actor,
        verb=verb,
        note=note,
        field="state",
        extra_fields=["note", "decided_by", "decided_at"],
        data={"node": referral.to_organisation.name, "level": referral.level},
    )
    return referral, item, kind


def _tell_sender(referral: Referral, kind, item, title_msgid: str, key: str) -> None:
    notify(
        _node_users(referral.from_organisation, kind.permission),
        title=Phrase(title_msgid, title=referral.item_title),
        body=referral.note or referral.to_organisation.name,
        url=kind.url(item.pk),
        dedupe_key=f"referral:{referral.pk}:{key}",
        channels=("inbox",),
    )


@transaction.atomic
def referral_adopt(*, referral: Referral, actor, note: str = "") -> Referral:
    """采用: the parent node takes the item up; its app records the adoption at this level
    on the item and credits the members concerned (`after_adopt`)."""
    referral, item, kind = _decide(referral, actor, to=RS.ADOPTED, verb="referral.adopt", note=note)
    kind.after_adopt(item, referral, "adopted", actor)
    _tell_sender(referral, kind, item, N_("上报事项已被上级采用：%(title)s"), "adopted")
    return referral


@transaction.atomic
def referral_merge(*, referral: Referral, actor, note: str = "") -> Referral:
    """编入本级刊物: adopted by merging it into the parent node's own bulletin (`note`
    names the bulletin); counts as an adoption at this level."""
    referral, item, kind = _decide(referral, actor, to=RS.MERGED, verb="referral.merge", note=note)
    kind.after_adopt(item, referral, "merged", actor)
    _tell_sender(referral, kind, item, N_("上报事项已编入上级刊物：%(title)s"), "merged")
    return referral


@transaction.atomic
def referral_forward(*, referral: Referral, actor, note: str = "") -> Referral:
    """转报: the parent node sends the item on to its own parent (the next referral). The
    forwarding counts as an adoption by forwarding at this level."""
    # No parent to forward to: `_send` refuses and the whole change is rolled back.
    referral, item, kind = _decide(
        referral, actor, to=RS.FORWARDED, verb="referral.forward", note=note
    )
    kind.after_adopt(item, referral, "forwarded", actor)
    nxt = _send(kind, item, source=referral.to_organisation, actor=actor, previous=referral)
    _tell_sender(referral, kind, item, N_("上报事项已转报更上一级：%(title)s"), "forwarded")
    return nxt


@transaction.atomic
def referral_return(*, referral: Referral, actor, reason: str) -> Referral:
    """退回: the parent node sends the item back, with a reason."""
    referral, item, kind = _decide(
        referral, actor, to=RS.RETURNED, verb="referral.return", note=reason, require_note=True
    )
    kind.after_return(item, referral, actor)
    _tell_sender(referral, kind, item, N_("上报事项被退回：%(title)s"), "returned")
    return referral


def item_referrals(item):
    """The item's path up the tree, oldest first (one query)."""
    return (
        Referral.objects.filter(
            content_type=ContentType.objects.get_for_model(item), object_id=item.pk
        )
        .select_related("from_organisation", "to_organisation")
        .order_by("submitted_at", "id")
    )

"""What every stage of a meeting's life uses: the manage check and keeping a caller's
instance in step with the locked row."""

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_noop as N_

from xieshang.core.phrases import Phrase

from .. import policies
from ..models import Meeting


def _require_manage(actor, meeting: Meeting) -> None:
    if not policies.can_manage(actor, meeting):
        raise PermissionDenied


def _sync(original: Meeting, locked: Meeting) -> None:
    """Keep the caller's instance (and the invitations that point at it) in step."""
    if original is not locked:
        original.status, original.version, original.closed_at = (
            locked.status,
            locked.version,
            locked.closed_at,
        )


def then(first, rest) -> Phrase:
    """Two sentences of one text written one after the other, each read in the reader's
    language, with nothing between them (the English sentences carry their own space, as
    "会议时间或地点已变更。" does). For notices and history notes (`core.phrases`)."""
    return Phrase(N_("%(sentence)s%(more)s"), sentence=first, more=rest)

"""Attachments (附件) of a proposal: added and removed by its first proposer while the
proposal can still be edited; the files live in private storage (core.uploads)."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from xieshang.core.audit import TransitionError, lock, record_event
from xieshang.core.uploads import check_upload
from xieshang.orgs import config

from .. import policies, rules
from ..models import Attachment, Proposal
from .common import EDITABLE


def _check_editable(proposal: Proposal, actor) -> None:
    if not policies.is_first_proposer(actor, proposal):
        raise PermissionDenied
    if proposal.status not in EDITABLE:
        raise TransitionError(_("提案已提交，不能再更改附件。"))


@transaction.atomic
def attachment_add(*, proposal: Proposal, actor, file) -> Attachment:
    """Store one file under the upload policy "document" (checked again here, so the API
    and commands cannot bypass the form), within the organisation's per-proposal limit."""
    proposal = lock(Proposal, proposal.pk)
    _check_editable(proposal, actor)
    limit = config.get(proposal.organisation, rules.MAX_ATTACHMENTS)
    if proposal.attachments.count() >= limit:
        raise ValidationError({"file": _("每件提案最多上传%(n)s个附件。") % {"n": limit}})
    try:
        check_upload(file, "document")
    except ValidationError as exc:
        raise ValidationError({"file": exc.messages}) from exc
    name = (file.name or "").rsplit("/", 1)[-1][:255]
    attachment = Attachment.objects.create(
        proposal=proposal, file=file, original_name=name, uploaded_by=actor
    )
    record_event(actor=actor, verb="proposal.attachment_add", subject=proposal, note=name)
    return attachment


@transaction.atomic
def attachment_remove(*, attachment: Attachment, actor) -> None:
    proposal = lock(Proposal, attachment.proposal_id)
    _check_editable(proposal, actor)
    name = str(attachment)
    stored = attachment.file
    attachment.delete()
    record_event(actor=actor, verb="proposal.attachment_remove", subject=proposal, note=name)
    # The file goes only once the row's removal is committed.
    transaction.on_commit(lambda: stored.storage.delete(stored.name))

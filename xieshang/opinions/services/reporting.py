"""报送: an item reported up the tree (followups referral, C2.9) and to the Party committee
and the government; the referral's hooks (moved, returned, adopted at a higher level)."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop as N_

from xieshang.core import access
from xieshang.core.audit import lock, record_event, transition
from xieshang.core.notifications import notify
from xieshang.core.phrases import Phrase
from xieshang.orgs.models import Role

from .. import policies
from ..models import Adoption, Opinion
from .common import S
from .outcomes import _record_adoption


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
    _mark_reported(opinion, actor, fields=fields, data=data, note=note)
    _tell_leaders_offices(opinion, newly)
    return opinion


def _mark_reported(opinion: Opinion, actor, *, fields: list[str], data: dict, note=None) -> None:
    """Save a report's `fields`: a published item becomes 已报送, one already reported stays
    so; either way the history records the report (to whom it went is in `data`)."""
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
    _mark_reported(opinion, actor, fields=fields, data=data)


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

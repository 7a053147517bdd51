"""The duty app's open exit steps, told to the members app (`members.exits`): while a
revocation proposal waits for the chairman's meeting (C5.10/C5.11), the seat cannot be ended
from the member's page; the meeting's decision, recorded on the case, ends it."""

from collections.abc import Callable

from django.urls import reverse
from django.utils.translation import gettext as _

from xieshang.members.exits import PendingExit

from .models import ExitProposal


def pending_exit_steps(seat_ids: list[int]) -> dict[int, PendingExit]:
    found = {}
    for proposal in ExitProposal.objects.filter(
        membership_id__in=seat_ids, status=ExitProposal.Status.PENDING
    ).only("membership_id", "case_id", "reason"):
        url = (
            reverse("duty:case", args=[proposal.case_id])
            if proposal.case_id
            else reverse("duty:cases")
        )
        found[proposal.membership_id] = PendingExit(
            label=_("撤销委员资格建议待主席会议确认"), url=url, detail=proposal.reason
        )
    return found


# Where the chairman's meetings an exit decision may cite come from: meetings registers it in
# its `AppConfig.ready`, since duty sits below meetings and cannot import it (the case's
# `meeting` is a lazy foreign key). `fn(organisation) -> QuerySet of meetings.Meeting`.
_chairman_meetings: Callable | None = None


def register_chairman_meetings(source: Callable) -> Callable:
    global _chairman_meetings
    _chairman_meetings = source
    return source


def chairman_meetings(organisation):
    """The organisation's chairman's meetings, newest first; none without meetings."""
    if _chairman_meetings is None:
        return ExitProposal._meta.get_field("meeting").related_model.objects.none()
    return _chairman_meetings(organisation)

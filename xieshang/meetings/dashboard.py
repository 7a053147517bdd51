"""Home-page cards of meeting work: upcoming meetings for a member, leave to decide."""

from django.urls import reverse
from django.utils.translation import gettext as _

from xieshang.core.dashboard import Card, counts

from . import policies, selectors


def meeting_cards(user) -> list[Card]:
    cards: list[Card] = []
    member = policies.member_of(user)
    pending = selectors.pending_leave(user)
    # The member's upcoming meetings and the leave waiting for this user: one round trip.
    if member is not None:
        upcoming, waiting = counts(selectors.upcoming_for_member(member), pending)
        cards.append(
            Card(
                _("我的会议活动"),
                _("即将参加的会议活动，请假和扫码签到"),
                reverse("meetings:mine"),
                upcoming,
                order=13,
            )
        )
    else:
        (waiting,) = counts(pending)
    if waiting:
        cards.append(
            Card(
                _("请假审批"),
                _("待您审批的会议活动请假"),
                reverse("meetings:leave_queue"),
                waiting,
                order=25,
            )
        )
    from xieshang.core import access

    # Whoever the meetings list is for gets its card: the office and a special committee's
    # staff, who set up and run their committee's activities (SPEC: 专门委员会 "their
    # activities"; `policies.can_manage`), and the chair, who reads every meeting.
    runs = access.can(user, "meetings.manage") or bool(policies.committee_ids(user))
    if runs or access.can(user, "meetings.view"):
        cards.append(
            Card(
                _("会议活动"),
                _("会议安排、邀请、签到和出勤统计") if runs else _("会议安排和出勤统计"),
                reverse("meetings:list"),
                order=40,
            )
        )
    return cards

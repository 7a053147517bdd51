"""Home-page cards of meeting work: upcoming meetings for a member, leave to decide."""

from django.urls import reverse
from django.utils.translation import gettext as _

from xieshang.core.dashboard import Card

from . import policies, selectors
from .models import LeaveRequest


def meeting_cards(user) -> list[Card]:
    cards: list[Card] = []
    member = policies.member_of(user)
    if member is not None:
        cards.append(
            Card(
                _("我的会议活动"),
                _("即将参加的会议活动，请假和扫码签到"),
                reverse("meetings:mine"),
                selectors.upcoming_for_member(member).count(),
                order=13,
            )
        )
    pending = LeaveRequest.objects.filter(
        policies.leave_queue_filter(user), status=LeaveRequest.Status.PENDING
    )
    if pending.exists():
        cards.append(
            Card(
                _("请假审批"),
                _("待您审批的会议活动请假"),
                reverse("meetings:leave_queue"),
                pending.count(),
                order=25,
            )
        )
    from xieshang.core import access

    if access.can(user, "meetings.manage"):
        cards.append(
            Card(
                _("会议活动"),
                _("会议安排、邀请、签到和出勤统计"),
                reverse("meetings:list"),
                order=40,
            )
        )
    return cards

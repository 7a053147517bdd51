"""Home-page cards of meeting work: upcoming meetings for a member, leave to decide."""

import datetime as dt

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from xieshang.core.dashboard import Card, counts

from . import policies, selectors
from .models import CommitteeReport


def meeting_cards(user) -> list[Card]:
    cards: list[Card] = []
    member = policies.member_of(user)
    committees = policies.committee_ids(user)
    asked = [selectors.pending_leave(user)]
    if committees:
        # A special committee's staff owe its work reports (C4.10) to the chairman's meeting:
        # those late or due within a month (a half-year's report is 待报送 all its half).
        soon = timezone.localdate() + dt.timedelta(days=31)
        asked.append(
            CommitteeReport.objects.filter(
                committee_id__in=committees,
                status=CommitteeReport.Status.DUE,
                due_date__lte=soon,
            )
        )
    if member is not None:
        asked.append(selectors.upcoming_for_member(member))
    # The leave waiting for this user, the reports due and the member's upcoming meetings:
    # one round trip.
    found = counts(*asked)
    waiting = found[0]
    reports_due = found[1] if committees else 0
    if member is not None:
        upcoming = found[-1]
        cards.append(
            Card(
                _("我的会议活动"),
                _("即将参加的会议活动，请假和扫码签到"),
                reverse("meetings:mine"),
                upcoming,
                order=13,
            )
        )
    if reports_due:
        cards.append(
            Card(
                _("专委会工作报告"),
                _("本委员会待报送的工作报告"),
                reverse("meetings:committee_reports"),
                reports_due,
                order=24,
            )
        )
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
    runs = access.can(user, "meetings.manage") or bool(committees)
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

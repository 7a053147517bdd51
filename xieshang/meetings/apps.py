from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MeetingsConfig(AppConfig):
    name = "xieshang.meetings"
    label = "meetings"
    verbose_name = _("会议活动")

    def ready(self) -> None:
        from xieshang.core.audit import register_verbs
        from xieshang.core.dashboard import register as register_cards

        from . import (  # noqa: F401 - register the header search provider, group activity counts
            charts,  # the big-screen panel
            commendation,
            search,
            tree,
        )
        from .dashboard import meeting_cards

        register_cards(meeting_cards)

        from xieshang.members.signals import seat_ended

        from .services.former import on_seat_ended

        seat_ended.connect(on_seat_ended, dispatch_uid="meetings.on_seat_ended")

        from . import rules  # noqa: F401 - defines the configurable rules

        register_verbs(
            {
                "meeting.create": _("创建会议活动"),
                "meeting.edit": _("修改会议活动"),
                "meeting.sitting_add": _("增加会次"),
                "meeting.sitting_edit": _("修改会次"),
                "meeting.sitting_delete": _("删除会次"),
                "meeting.invite": _("邀请参会"),
                "meeting.uninvite": _("撤回参会邀请"),
                "meeting.publish": _("发出会议通知"),
                "meeting.cancel": _("取消会议活动"),
                "meeting.close": _("考勤结束"),
                "meeting.report": _("提交调研报告"),
                "meeting.report_send": _("标记报送党委、政府"),
                "meeting.report_unsend": _("撤销报送标记"),
                "meeting.record": _("记录会议情况"),
                "meeting.instruction": _("领导批示"),
                "meeting.signup": _("报名参加"),
                "meeting.signup_cancel": _("取消报名"),
                "meeting.feed_reset": _("更换日历订阅地址"),
                "leave.submit": _("提交请假"),
                "leave.approve": _("批准请假"),
                "leave.refuse": _("不批准请假"),
                "leave.approve_refused": _("拒绝批准已签到者的请假"),
                "leave.withdraw": _("撤回请假"),
                "leave.close": _("关闭未审批的请假"),
                "leave.delegate": _("委托审批请假"),
                "attendance.mark": _("登记出勤"),
                "attendance.signin": _("扫码签到"),
                "speech.submit": _("提交大会发言"),
                "speech.select": _("选定大会发言"),
                "speech.decline": _("未选用大会发言"),
                "speech.schedule": _("安排发言会次"),
                "speech.deliver": _("完成大会发言"),
                "briefing.create": _("起草情况通报"),
                "briefing.edit": _("修改情况通报草稿"),
                "briefing.publish": _("发布情况通报"),
                "briefing.node_read": _("下级签收通报"),
                "briefing.pass_on": _("转发通报给委员"),
                "briefing.remind": _("提醒下级阅读通报"),
                "committee_report.file": _("报送专委会工作报告"),
                "committee_report.schedule": _("安排专委会工作报告"),
            },
            module=self.verbose_name,
        )

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DutyConfig(AppConfig):
    name = "xieshang.duty"
    label = "duty"
    verbose_name = _("履职")

    def ready(self) -> None:
        from xieshang.core.audit import register_verbs
        from xieshang.core.dashboard import register as register_cards

        # rules, periodic and job kinds, the big-screen panel
        from . import (  # noqa: F401
            annual_report,
            charts,
            jobs,
            rules,
            tree,
        )
        from .dashboard import duty_cards

        register_cards(duty_cards)
        # A revocation waiting for the chairman's meeting blocks a direct exit (C5.10).
        from xieshang.members.exits import register_pending_exit

        from .exits import pending_exit_steps

        register_pending_exit(pending_exit_steps)
        # A member who left office is not absent from the meetings after it.
        from xieshang.members.signals import seat_ended

        from .services import on_seat_ended

        seat_ended.connect(on_seat_ended, dispatch_uid="duty.on_seat_ended")
        # The proposers' records at 立案 / 并案 and at a key proposal's approval: proposals,
        # the lower layer, sends them by signal inside its transaction (`receivers`).
        from xieshang.proposals.signals import key_proposal_approved, proposal_accepted

        from .receivers import on_key_proposal_approved, on_proposal_accepted

        proposal_accepted.connect(on_proposal_accepted, dispatch_uid="duty.on_proposal_accepted")
        key_proposal_approved.connect(
            on_key_proposal_approved, dispatch_uid="duty.on_key_proposal_approved"
        )
        from .awards import award_cards  # also defines the commendation rules (C5.8)

        register_cards(award_cards)
        # Files supporting a hand-entered record, for whoever may see the record.
        from xieshang.core import files

        from .models import EntryAttachment
        from .policies import can_view_attachment

        files.register(
            EntryAttachment, fields={"file": "original_name"}, can_view=can_view_attachment
        )

        register_verbs(
            {
                "duty.entry_submit": _("报送履职记录"),
                "duty.entry_record": _("代录履职记录"),
                "duty.entry_approve": _("确认履职记录"),
                "duty.entry_reject": _("退回履职记录"),
                "duty.record_carried": _("履职记录改记入当年（原年度积分已定格）"),
                "duty.absence_removed": _("移除退出后的缺席记录"),
                "duty.absence_kept": _("保留退出后的缺席记录（该年度积分已定格）"),
                "duty.record_removed": _("移除来源已撤销或更正的履职记录"),
                "duty.record_kept": _("保留来源已撤销或更正的履职记录（该年度积分已定格）"),
                "duty.rules_update": _("修改履职计分规则"),
                "duty.case_raise": _("生成履职纪律事项"),
                "duty.case_decide": _("处理履职纪律事项"),
                "duty.certificate_issue": _("出具参加政协活动证明"),
                "duty.exit_propose": _("建议撤销委员资格（待主席会议确认）"),
                "duty.exit_confirm": _("主席会议确认撤销委员资格"),
                "duty.exit_decline": _("主席会议未同意撤销委员资格"),
                "duty.award_propose": _("拟定表彰名单"),
                "duty.award_submit": _("表彰名单提交主席会议审定"),
                "duty.award_approve": _("主席会议审定表彰名单"),
                "duty.award_return": _("主席会议退回表彰名单"),
                "duty.award_publish": _("公布表彰名单"),
            },
            module=self.verbose_name,
        )

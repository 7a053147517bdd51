from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ConsultationConfig(AppConfig):
    name = "xieshang.consultation"
    label = "consultation"
    verbose_name = _("协商")

    def ready(self) -> None:
        from xieshang.core import files
        from xieshang.core.audit import register_verbs
        from xieshang.core.dashboard import register as register_cards

        from . import (  # noqa: F401 - register the big-screen panel and the header search
            charts,
            search,
            tree,
        )
        from .dashboard import consultation_cards
        from .models import Attachment
        from .policies import can_view_attachment

        register_cards(consultation_cards)
        files.register(Attachment, fields={"file": "original_name"}, can_view=can_view_attachment)

        from . import (
            rules,  # noqa: F401 - defines the configurable rules
            similarity,  # noqa: F401 - registers similar items (textsim.vectors)
        )

        register_verbs(
            {
                "topic.create": _("提出议题"),
                "topic.public_submit": _("群众提交议题建议"),
                "topic.moderate_accept": _("审核通过议题"),
                "topic.moderate_reject": _("审核不通过议题"),
                "topic.edit": _("修改议题"),
                "topic.merge": _("合并议题"),
                "topic.phone_delete": _("删除群众联系电话"),
                "plan.create": _("起草年度协商计划"),
                "plan.edit": _("修改计划"),
                "plan.item_add": _("新增计划事项"),
                "plan.item_edit": _("修改计划事项"),
                "plan.item_remove": _("删除计划事项"),
                "plan.submit": _("提交会签修改"),
                "plan.forward_review": _("报主席会议审议"),
                "plan.forward_approval": _("报党委常委会审定"),
                "plan.approve": _("审定并印发"),
                "plan.send_back": _("退回修改"),
                "plan.comment": _("提出修改意见"),
                "party_plan.create": _("起草政党协商计划"),
                "party_plan.send": _("送政协征求意见"),
                "party_plan.comment": _("政协提出意见建议"),
                "party_plan.finalise": _("政党协商计划定稿"),
                "activity.create": _("安排协商活动"),
                "activity.edit": _("修改协商活动"),
                "activity.participants": _("调整参加人员"),
                "activity.leader_account": _("关联受邀领导的平台账号"),
                "activity.leader_unlink": _("解除受邀领导的平台账号关联"),
                "activity.hold": _("登记出席情况"),
                "outcome.create": _("起草协商成果"),
                "outcome.update": _("修改协商成果"),
                "outcome.submit": _("报送协商成果"),
                "outcome.in_decision": _("进入决策程序"),
                "outcome.decide": _("作出决策"),
                "outcome.close": _("协商成果办结"),
            },
            module=self.verbose_name,
        )

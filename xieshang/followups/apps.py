from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FollowupsConfig(AppConfig):
    name = "xieshang.followups"
    label = "followups"
    verbose_name = _("跟踪督办")

    def ready(self) -> None:
        from django.utils.module_loading import autodiscover_modules

        from xieshang.core import files
        from xieshang.core.audit import register_verbs
        from xieshang.core.dashboard import register as register_cards

        from . import subjects
        from .dashboard import followup_cards
        from .models import Feedback, Instruction
        from .policies import can_view_feedback_file

        register_cards(followup_cards)
        # A leader's instruction counts in duty files (社情民意 authors) and is shown on its
        # item's page (the instructions panel), so a record about it links that page.
        subjects.register_part(Instruction, page=lambda i: i.item, fetch=("item",))
        # Each app declares in its own `instructions.py` which of its items take leaders'
        # instructions (followups.instructions.register): this lower app imports none of them.
        autodiscover_modules("instructions")
        # The same for items that go up the tree (上报, C2.9): each app's `referrals.py`.
        autodiscover_modules("referrals")
        files.register(
            Feedback, fields={"document": "document_name"}, can_view=can_view_feedback_file
        )

        register_verbs(
            {
                "followup.open": _("交办督办事项"),
                "followup.feedback": _("书面反馈"),
                "followup.close": _("确认办结"),
                "followup.reopen": _("退回重新办理"),
                "followup.cancel": _("撤销"),
                "followup.extension_request": _("申请延期"),
                "followup.extension_approve": _("同意延期"),
                "followup.extension_refuse": _("不同意延期"),
                "followup.extension_withdraw": _("延期申请自动撤回"),
                "followup.overdue": _("逾期升级督办"),
                "followup.urge": _("催办"),
                "followup.instruction": _("记录领导批示"),
                "referral.submit": _("上报上级政协"),
                "referral.adopt": _("上级采用"),
                "referral.merge": _("编入上级刊物"),
                "referral.forward": _("转报更上一级"),
                "referral.return": _("退回上报"),
            },
            module=self.verbose_name,
        )

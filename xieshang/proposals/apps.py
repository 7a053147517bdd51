from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class ProposalsConfig(AppConfig):
    name = "xieshang.proposals"
    label = "proposals"
    verbose_name = _("提案")

    def ready(self) -> None:
        from xieshang.core import files
        from xieshang.core.audit import register_verbs
        from xieshang.core.dashboard import register as register_cards
        from xieshang.core.screen import register as register_screen

        from . import search  # noqa: F401 - registers the header search provider
        from .dashboard import proposal_cards
        from .models import Answer, Attachment
        from .policies import can_view_answer, can_view_attachment

        register_cards(proposal_cards)
        from xieshang.followups.signals import extension_approved

        from .services.extension import on_extension_approved

        extension_approved.connect(on_extension_approved, dispatch_uid="proposals.extension")
        from .figures_store import connect

        connect()  # changes drop the stored figures of closed years
        from xieshang.core import panels

        from .views_committee import handling_panel

        panels.register("proposals.proposal", handling_panel)
        from . import tree  # noqa: F401 - registers the roll-up page's column group
        from .report import screen_panel

        register_screen(screen_panel)
        files.register(Attachment, fields={"file": "original_name"}, can_view=can_view_attachment)
        files.register(Answer, fields={"record_scan": "record_scan_name"}, can_view=can_view_answer)

        from . import (
            rules,  # noqa: F401 - defines the configurable rules
            similarity,  # noqa: F401 - registers similar items (textsim.vectors)
        )

        register_verbs(
            {
                "proposal.create": _("起草提案"),
                "proposal.edit": _("修改提案"),
                "proposal.draft_delete": _("删除草稿"),
                "proposal.submit": _("提交提案"),
                "proposal.cosign_confirm": _("确认联名"),
                "proposal.cosign_decline": _("谢绝联名"),
                "proposal.cosign_confirm_for": _("代为确认联名"),
                "proposal.cosign_withdraw": _("撤回联名邀请"),
                "proposal.attachment_add": _("上传附件"),
                "proposal.attachment_remove": _("删除附件"),
                # A history line tells what became of the proposal ("Accepted", "Rejected"),
                # as its review outcome does, not the reviewer's button ("Accept").
                "proposal.accept": pgettext_lazy("review outcome", "立案"),
                "proposal.merge": pgettext_lazy("review outcome", "并案"),
                "proposal.to_opinion": pgettext_lazy("review outcome", "转意见建议"),
                "proposal.to_info": pgettext_lazy("review outcome", "转社情民意"),
                "proposal.return": pgettext_lazy("review outcome", "退回修改"),
                "proposal.reject": pgettext_lazy("review outcome", "不予立案"),
                "proposal.assign": _("交办"),
                "proposal.assignment_return": _("承办单位申请退回"),
                "proposal.reassign": _("改交承办单位"),
                "proposal.reassign_close": _("不再改交"),
                "proposal.contact": _("联系提案人"),
                "proposal.answer": _("答复"),
                "proposal.answer_draft": _("提交答复待签发"),
                "proposal.answer_revise": _("修改待签发的答复"),
                "proposal.answer_send_back": _("答复退回修改"),
                "proposal.answer_sign_off": _("签发答复函"),
                "proposal.answer_record_upload": _("上传正式答复函"),
                "proposal.evaluate": _("提案人评价"),
                "proposal.evaluate_for": _("代为评价"),
                "proposal.rehandle": _("重新办理"),
                "proposal.close": _("办结"),
                "proposal.extension_approve": _("同意延期"),
                "proposal.co_view": _("协办意见"),
                "proposal.key_shortlist": _("拟定重点提案"),
                "proposal.key_approve": _("确定重点提案"),
                "proposal.key_decline": _("不列为重点提案"),
                "proposal.supervise": _("督办"),
                "proposal.publish": _("公开"),
                "proposal.withhold": _("不予公开"),
            },
            module=self.verbose_name,
        )

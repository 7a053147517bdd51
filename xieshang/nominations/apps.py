from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NominationsConfig(AppConfig):
    name = "xieshang.nominations"
    label = "nominations"
    verbose_name = _("委员提名")

    def ready(self) -> None:
        from xieshang.core.audit import register_verbs
        from xieshang.core.dashboard import register as register_cards

        from . import rules, search  # noqa: F401 - registers the limits and the search
        from .dashboard import nomination_cards

        register_cards(nomination_cards)
        register_verbs(
            {
                "nomination.round_create": _("建立提名工作"),
                "nomination.seats_set": _("设定委员名额"),
                "nomination.nominate": _("提名委员人选"),
                "nomination.consultation": _("登记协商情况"),
                "nomination.party_group_opinion": _("登记政协党组意见"),
                "nomination.complete": _("完成提名"),
                "nomination.withdraw": _("撤回提名"),
                "nomination.correct": _("修改人选信息"),
                "nomination.reopen": _("修改后须补办手续"),
                "nomination.round_confirm": _("确认委员名单"),
                "nomination.round_cancel": _("取消提名工作"),
                "nomination.seat": _("就任委员"),
            },
            module=self.verbose_name,
        )

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlatformsConfig(AppConfig):
    name = "xieshang.platforms"
    label = "platforms"
    verbose_name = _("协商议事平台")

    def ready(self) -> None:
        from xieshang.core.audit import register_verbs
        from xieshang.core.dashboard import register as register_cards

        from .dashboard import platform_cards

        register_cards(platform_cards)

        # A session's page for whoever may see its platform: the duty file links a member's
        # 参加议事会 record to it (followups.subjects; that lower app imports none of this).
        from xieshang.followups import subjects

        from .models import PlatformSession
        from .policies import can_view_session, viewable_session_ids

        subjects.register(
            PlatformSession,
            can_view=can_view_session,
            can_view_many=viewable_session_ids,
            related=("platform__organisation",),
        )

        register_verbs(
            {
                "platform.create": _("登记协商议事平台"),
                "platform.edit": _("修改协商议事平台"),
                "platform.status": _("变更平台状态"),
                "platform.assign": _("委员下沉"),
                "platform.unassign": _("结束委员下沉"),
                "platform_session.plan": _("安排议事会"),
                "platform_session.edit": _("修改议事会"),
                "platform_session.hold": _("登记议事会召开情况"),
                "platform_session.approve": _("审定并公开议事成果"),
                "platform_session.cancel": _("取消议事会"),
            },
            module=self.verbose_name,
        )

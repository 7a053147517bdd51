from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DemoConfig(AppConfig):
    name = "xieshang.demo"
    label = "demo"
    verbose_name = _("演示数据")

    def ready(self):
        from xieshang.core import demo_logins
        from xieshang.core.audit import register_verbs

        from . import accounts

        # The logins `manage.py serve` prints (core does not import this app).
        demo_logins.register(accounts)

        register_verbs(
            {
                "demo.seed": _("生成演示数据"),
                # The province profile's ten years of history, one event per proposal.
                "proposal.import_history": _("导入历史办理记录"),
            },
            module=self.verbose_name,
        )

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DemoConfig(AppConfig):
    name = "xieshang.demo"
    label = "demo"
    verbose_name = _("演示数据")

    def ready(self):
        from xieshang.core.audit import register_verbs

        register_verbs({"demo.seed": _("生成演示数据")}, module=self.verbose_name)

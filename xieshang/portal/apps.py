from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    name = "xieshang.portal"
    label = "portal"
    verbose_name = _("公众平台")

    def ready(self):
        from xieshang.core.audit import register_verbs

        register_verbs(
            {
                "screening.term_add": _("添加筛查词"),
                "screening.term_deactivate": _("停用筛查词"),
                "screening.term_activate": _("启用筛查词"),
            }
        )

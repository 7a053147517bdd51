from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    name = "xieshang.portal"
    label = "portal"
    verbose_name = _("公众平台")

    def ready(self):
        from django.utils.module_loading import autodiscover_modules

        from xieshang.core.audit import register_verbs

        from . import screening  # noqa: F401 - defines its configurable rule (规则设置 lists it)

        # Open data (opendata.py): portal's own proposals dataset, and each app's datasets
        # from its own `opendata.py`, so that portal imports none of the apps above it.
        autodiscover_modules("opendata")

        register_verbs(
            {
                "screening.term_add": _("添加筛查词"),
                "screening.term_deactivate": _("停用筛查词"),
                "screening.term_activate": _("启用筛查词"),
            },
            module=self.verbose_name,
        )

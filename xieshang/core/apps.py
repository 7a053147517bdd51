from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "xieshang.core"
    label = "core"
    verbose_name = _("基础")

    def ready(self) -> None:
        from . import audit_export, dashboard, screen, signals, tree  # noqa: F401

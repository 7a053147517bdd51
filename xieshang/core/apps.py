from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "xieshang.core"
    label = "core"
    verbose_name = _("基础")

    def ready(self) -> None:
        from django.utils.module_loading import autodiscover_modules

        from . import audit_export, checks, dashboard, exports, screen, signals, tree  # noqa: F401

        # Each app's `exports.py` declares the lists it offers as Excel (core.exports).
        autodiscover_modules("exports")
        # Each app's `picker_sources.py` declares its server-searched pickers (core.pickers).
        autodiscover_modules("picker_sources")

        # The change generation (core.changes): every connection's committed writes move it
        # on, and so does `migrate`.
        from django.db.backends.signals import connection_created
        from django.db.models.signals import post_migrate, pre_migrate

        from . import changes

        connection_created.connect(changes.install, dispatch_uid="core.changes.install")
        pre_migrate.connect(changes.before_migrate, sender=self, dispatch_uid="core.changes.pre")
        post_migrate.connect(changes.after_migrate, sender=self, dispatch_uid="core.changes.post")

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrgsConfig(AppConfig):
    name = "xieshang.orgs"
    label = "orgs"
    verbose_name = _("组织机构")

    def ready(self):
        from xieshang.core.audit import register_verbs

        register_verbs(
            {
                "config.set": _("修改规则"),
                "config.restore": _("规则恢复继承"),
                "org.department_remit": _("修改承办单位职责"),
                "org.term_create": _("添加届次"),
                "org.term_end": _("届次结束"),
                "org.session_create": _("添加会次"),
                "org.session_update": _("修改会次"),
            },
            module=self.verbose_name,
        )

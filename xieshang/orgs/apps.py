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
                "org.session_create": _("添加全体会议"),
                "org.session_update": _("修改全体会议"),
                "org.department_create": _("新增承办单位"),
                "org.department_update": _("修改承办单位"),
                "org.department_deactivate": _("停用承办单位"),
                "org.department_activate": _("重新启用承办单位"),
                "org.sector_create": _("新增界别"),
                "org.sector_update": _("修改界别"),
                "org.committee_create": _("新增专门委员会"),
                "org.committee_update": _("修改专门委员会"),
            },
            module=self.verbose_name,
        )

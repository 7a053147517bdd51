from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MembersConfig(AppConfig):
    name = "xieshang.members"
    label = "members"
    verbose_name = _("委员")

    def ready(self) -> None:
        from xieshang.core.audit import register_verbs

        from . import search  # noqa: F401 - registers the header search provider

        register_verbs(
            {
                "member.create": _("新增委员"),
                "member.import": _("Excel 导入委员"),
                "member.import_file": _("导入委员名单文件"),
                "member.import_queued": _("提交委员导入文件"),
                "member.import_rejected": _("委员导入文件有误未导入"),
                "member.update": _("修改委员信息"),
                "membership.resign": _("辞去委员"),
                "membership.revoke": _("撤销委员资格"),
                "membership.term_end": _("委员届满"),
            }
        )

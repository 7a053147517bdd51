from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MembersConfig(AppConfig):
    name = "xieshang.members"
    label = "members"
    verbose_name = _("委员")

    def ready(self) -> None:
        from xieshang.core.audit import register_verbs

        from . import (  # noqa: F401 - register the search provider and the job kinds
            exports,
            imports,
            search,
        )

        register_verbs(
            {
                "member.create": _("新增委员"),
                "member.import": _("Excel 导入委员"),
                "member.import_file": _("导入委员名单文件"),
                "member.import_queued": _("提交委员导入文件"),
                "member.import_rejected": _("委员导入文件有误未导入"),
                "member.update": _("修改委员信息"),
                "member.self_update": _("委员修改本人联系方式"),
                "membership.resign": _("辞去委员"),
                "membership.revoke": _("撤销委员资格"),
                "membership.term_end": _("委员届满"),
                "member_contact.record": _("登记谈心谈话走访"),
                "party_group.create": _("设立委员党小组"),
                "party_group.assign": _("编入委员党小组"),
                "party_group.move": _("调整委员党小组"),
                "party_group.remove": _("移出委员党小组"),
                "convener.set": _("设置住区上级政协委员召集人"),
                "convener.resident_add": _("添加住区上级政协委员"),
                "convener.resident_remove": _("移出住区上级政协委员"),
                "street_convener.set": _("设置街道政协工作召集人"),
                "convener_activity.record": _("记录召集人活动"),
            },
            module=self.verbose_name,
        )

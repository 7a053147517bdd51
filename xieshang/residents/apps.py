from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ResidentsConfig(AppConfig):
    name = "xieshang.residents"
    label = "residents"
    verbose_name = _("民情事项")

    def ready(self) -> None:
        from xieshang.core.audit import register_verbs
        from xieshang.core.dashboard import register as register_cards
        from xieshang.followups.signals import feedback_submitted

        from . import (
            charts,  # noqa: F401 - registers the big-screen panel
            rules,  # noqa: F401 - defines the configurable rules
            search,  # noqa: F401 - registers the header search provider
            similarity,  # noqa: F401 - registers similar items (textsim.vectors)
            tree,  # noqa: F401 - registers the roll-up page's column group
        )
        from .dashboard import resident_cards
        from .services import on_feedback

        register_cards(resident_cards)
        from xieshang.core import warmup
        from xieshang.portal.scrub import strip_names

        # The published answers' name tagger (jieba.posseg) loads its tag table once, a few
        # seconds: before the first request, not on the first public answer page.
        warmup.register(lambda: strip_names("住户赵德明"))
        feedback_submitted.connect(on_feedback, dispatch_uid="residents.on_feedback")
        from xieshang.followups import subjects

        from .models import ResidentIssue
        from .policies import can_view

        subjects.register(
            ResidentIssue,
            can_view=can_view,
            # The department's answer goes to the resident (by text message) and to the public
            # portal at once; nobody reviews it first (docs/decisions.md).
            feedback_note=_(
                "答复将直接告知群众（短信），并在隐去姓名、联系方式和门牌号后在公众平台公开，"
                "不经街道审核。"
            ),
        )
        register_verbs(
            {
                "resident_issue.create": _("登记民情事项"),
                "resident_issue.accept": _("受理民情事项"),
                "resident_issue.reject": _("不予受理"),
                "resident_issue.schedule": _("列入议事会"),
                "resident_issue.settle": _("议事会协商解决"),
                "resident_issue.route": _("转职能部门办理"),
                "resident_issue.answer": _("部门答复"),
                "resident_issue.answer_update": _("部门更新答复"),
                "resident_issue.to_topic": _("转为协商议题"),
                "resident_issue.to_opinion": _("转为社情民意信息"),
                "resident_issue.close": _("答复办结"),
                "resident_issue.rate": _("群众评价"),
                "resident_issue.phone_delete": _("删除群众联系电话"),
                "resident_issue.answer_withhold": _("答复不公开"),
                "resident_issue.answer_publish": _("恢复公开答复"),
                "resident_issue.rehandle": _("交承办单位重新办理"),
                "resident_issue.rereply": _("重新答复"),
                "resident_issue.reopen": _("重新受理，再次协商"),
                "resident_issue.review_close": _("维持答复并办结"),
            },
            module=self.verbose_name,
        )

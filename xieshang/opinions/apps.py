from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class OpinionsConfig(AppConfig):
    name = "xieshang.opinions"
    label = "opinions"
    verbose_name = _("社情民意信息")

    def ready(self) -> None:
        from xieshang.core.audit import register_verbs
        from xieshang.core.dashboard import register as register_cards
        from xieshang.proposals.signals import proposal_converted

        from . import (
            charts,  # noqa: F401 - registers the big-screen panel
            rules,  # noqa: F401 - defines the configurable rules
            search,  # noqa: F401 - registers the header search provider
            similarity,  # noqa: F401 - registers similar items (textsim.vectors)
            tree,  # noqa: F401 - registers the roll-up page's column group
        )
        from .dashboard import opinion_cards
        from .services import on_proposal_converted

        proposal_converted.connect(on_proposal_converted, dispatch_uid="opinions.from_proposal")

        register_cards(opinion_cards)
        register_verbs(
            {
                "opinion.create": _("起草社情民意信息"),
                "opinion.edit": _("修改社情民意信息"),
                "opinion.submit": _("提交社情民意信息"),
                "opinion.draft_delete": _("删除社情民意信息草稿"),
                "opinion.withdraw": _("撤回社情民意信息"),
                "opinion.report_returned": _("上级退回报送的社情民意信息"),
                "opinion.return": _("退回修改"),
                "opinion.reject": _("不予录用"),
                "opinion.accept": _("录用"),
                "opinion.merge": _("合并到另一篇信息"),
                "opinion.merge_in": _("并入同一事项的信息"),
                "opinion.publish": _("编发"),
                "opinion.report": pgettext_lazy("opinion action", "报送"),
                "opinion.adopt": _("记录采用情况"),
                "opinion.adoption_edit": _("更正采用情况"),
                "opinion.adoption_void": _("撤销采用情况"),
                "opinion.instruct": _("记录领导批示"),
                "opinion.issue_publish": _("编发期刊"),
            },
            module=self.verbose_name,
        )

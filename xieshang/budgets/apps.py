from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BudgetsConfig(AppConfig):
    name = "xieshang.budgets"
    label = "budgets"
    verbose_name = _("活动经费")

    def ready(self) -> None:
        from xieshang.core import files, panels
        from xieshang.core.audit import register_verbs
        from xieshang.core.dashboard import register as register_cards

        from . import search  # noqa: F401 - registers the header search provider
        from .dashboard import budget_cards
        from .models import SpendingEntry
        from .panels import activity_panel, room_panel, training_panel
        from .policies import can_view_entry

        register_cards(budget_cards)
        files.register(SpendingEntry, fields={"receipt": "receipt_name"}, can_view=can_view_entry)
        # The activity, training and liaison room pages show their budget (lower apps do
        # not import this one).
        panels.register("consultation.activity", activity_panel)
        panels.register("meetings.meeting", training_panel)
        panels.register("orgs.liaisonroom", room_panel)
        register_verbs(
            {
                "budget.create": _("编制预算"),
                "budget.edit": _("修改预算"),
                "budget.spend": _("登记支出"),
                "budget.void": _("作废支出记录"),
            },
            module=self.verbose_name,
        )

"""The configurable rules of residents' issues (orgs.config)."""

from django.utils.translation import gettext_lazy as _

from xieshang.orgs.config import define

# At most what the routing form takes (forms.RouteForm: 1–60), whose initial value this is.
ANSWER_DAYS = define(
    "residents.answer_working_days",
    15,
    _("民情事项部门答复时限（工作日）"),
    minimum=1,
    maximum=60,
)
PHONE_KEEP_DAYS = define(
    "residents.phone_keep_days",
    90,
    _("民情事项办结后保留群众电话的天数"),
    _("到期后号码自动删除（个人信息保护法：最小必要、及时删除）。"),
    minimum=1,
    maximum=730,
)

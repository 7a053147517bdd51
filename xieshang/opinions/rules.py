"""The configurable rules of social-conditions information (SPEC § Social-conditions)."""

from django.utils.translation import gettext_lazy as _

from xieshang.orgs.config import define

MAX_CHARS = define("opinions.max_chars", 1500, _("社情民意信息字数上限"), minimum=1, maximum=20000)
# At most what the instruction form takes (followups.forms.InstructionForm: 1–120), whose
# initial value this is.
INSTRUCTION_DAYS = define(
    "opinions.instruction_working_days",
    20,
    _("领导批示落实反馈时限（工作日）"),
    minimum=1,
    maximum=120,
)

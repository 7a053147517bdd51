"""The configurable rules of proposal work, with the national defaults (SPEC § Proposals)."""

from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from xieshang.orgs.config import define, descending

from . import numbering

# Where the defaults come from (shown on the rules page): the SPEC's proposal section, whose
# handling deadlines follow the national rules it names.
SPEC = _("本系统默认")
NATIONAL = _("国家规定（政协提案工作条例、国办发〔2014〕46号）")

# The ranges a number may take (orgs.config): a deadline of at least one working day (or
# month) and at most a year (two for months); a count of at least one.
DAYS = {"minimum": 1, "maximum": 365}
MONTHS = {"minimum": 1, "maximum": 24}

BODY_MAX_CHARS = define(
    "proposals.body_max_chars",
    3000,
    _("提案正文字数上限"),
    source=_("本系统默认：正文3000字"),
    minimum=1,
    maximum=50000,
)
REVIEW_DAYS = define(
    "proposals.review_working_days",
    10,
    _("审查时限（工作日）"),
    _("自提交之日起计算；已提交提案的审查期限按提交时的规则计算，修改后不变。"),
    source=_("本系统默认：审查时限10个工作日"),
    **DAYS,
)
COSIGN_REMIND_DAYS = define(
    "proposals.cosign_remind_working_days",
    3,
    _("联名确认提醒（工作日）"),
    _("联名邀请发出后满该工作日数仍未答复的，提醒联名人一次，并告知第一提案人可撤回未答复的邀请。"),
    source=_("本系统默认：联名不设截止，由第一提案人决定等待多久"),
    **DAYS,
)
REVISION_REMIND_DAYS = define(
    "proposals.revision_remind_working_days",
    5,
    _("退回修改提醒（工作日）"),
    _(
        "提案退回修改后满该工作日数仍未重新提交的，提醒第一提案人一次；有提案并入的，一并告知其在等待。"
    ),
    source=_("本系统默认：修改不设截止，由提案人决定何时重新提交"),
    **DAYS,
)
RETURN_DAYS = define(
    "proposals.return_working_days",
    5,
    _("承办单位申请退回时限（工作日）"),
    source=_("本系统默认：交办后5个工作日内申请退回"),
    **DAYS,
)
CONTACT_DAYS = define(
    "proposals.contact_working_days", 15, _("联系提案人时限（工作日）"), source=NATIONAL, **DAYS
)
ANSWER_MONTHS = define(
    "proposals.answer_months", 3, _("办理答复时限（月）"), source=NATIONAL, **MONTHS
)
MAX_EXTENSION_MONTHS = define(
    "proposals.max_extension_months", 6, _("延期后最长时限（月）"), source=NATIONAL, **MONTHS
)
CO_VIEW_MONTHS = define(
    "proposals.co_view_months",
    1,
    _("协办单位提出意见时限（月）"),
    source=_("本系统默认：协办意见1个月内"),
    **MONTHS,
)
EVALUATION_DAYS = define(
    "proposals.evaluation_working_days",
    15,
    _("提案人评价时限（工作日）"),
    source=_("本系统默认：收到答复后15个工作日内评价"),
    **DAYS,
)
REHANDLE_MONTHS = define(
    "proposals.rehandle_months", 1, _("重新办理时限（月）"), source=SPEC, **MONTHS
)
PUBLISH_DAYS = define(
    "proposals.publish_working_days",
    20,
    _("答复公开时限（工作日）"),
    source=_("本系统默认：答复后20个工作日内公开"),
    **DAYS,
)
PLENARY_WINDOW_MONTHS = define(
    "proposals.plenary_window_months",
    3,
    _("大会提案征集期（会前月数）"),
    source=_("本系统默认：大会提案自会前3个月起征集"),
    minimum=1,
    maximum=12,
)
OUTCOME_CATEGORIES = define(
    "proposals.outcome_categories",
    [
        # Marked for translation: a page in English shows the default labels in English
        # (an organisation's own labels stay as it typed them).
        ["A", gettext_noop("已解决或基本解决")],
        ["B", gettext_noop("正在解决或已列入计划")],
        ["C", gettext_noop("因条件限制留作参考")],
    ],
    _("办理结果分类"),
)
# 提案分类: the subject areas a proposer files a proposal under; each committee keeps its own.
CATEGORIES = define(
    "proposals.categories",
    ["经济建设", "政治建设", "文化建设", "社会建设", "生态文明建设", "其他"],
    _("提案分类"),
)
MAX_ATTACHMENTS = define(
    "proposals.max_attachments", 5, _("每件提案附件数上限"), minimum=1, maximum=50
)
# Categories whose promised action is followed until done (implementation follow-up).
FOLLOW_UP_CATEGORIES = define(
    "proposals.follow_up_categories",
    ["B"],
    _("需跟踪落实的类别"),
    _("填写办理结果分类的代码，每行一个（默认 B：正在解决或已列入计划）。"),
)
# Followed up to a term's length: some promised work takes years.
IMPLEMENTATION_MONTHS = define(
    "proposals.implementation_months", 6, _("落实跟踪时限（月）"), minimum=1, maximum=60
)
REJECT_REASONS = define(
    "proposals.reject_reasons",
    [
        "涉及党和国家秘密的",
        "违反宪法和法律法规的",
        "属于党员个人向党组织提出的申诉等党内事务的",
        "属于民主党派内部事务的",
        "涉及处于诉讼、仲裁或者纪检监察程序中的具体案件的",
        "属于学术探讨的",
        "涉及提案者本人及其亲属个人事务的",
        "为单位或者个人宣传、推销产品的",
        "对具体单位或者个人进行检举、控告的",
        "没有具体建议的",
    ],
    _("不予立案理由"),
    source=NATIONAL,
)

# 提案号: the format of the number and the moment it is given. A proposal keeps the number it
# was given; a new format or mode applies to numbers given from the day it takes effect.
NUMBER_FORMAT_PLENARY = define(
    "proposals.number_format_plenary",
    "第{届}届第{次}次会议第{号:04}号",
    _("大会提案编号格式"),
    _(
        "占位符：{届}届次、{次}会次（中文数字），{年}年度，{号}序号；{号:04}表示序号补零到4位。"
        "已编号的提案保持原号，新格式只用于此后编号的提案。"
    ),
    validate=numbering.check_plenary,
)
NUMBER_FORMAT_INTERIM = define(
    "proposals.number_format_interim",
    "{年}年平时提案第{号:04}号",
    _("平时提案编号格式"),
    _(
        "占位符：{年}年度，{号}序号；{号:04}表示序号补零到4位。"
        "已编号的提案保持原号，新格式只用于此后编号的提案。"
    ),
    validate=numbering.check_interim,
)
NUMBER_AT_SUBMISSION, NUMBER_AT_ACCEPTANCE = "submission", "acceptance"
NUMBER_AT = define(
    "proposals.number_at",
    NUMBER_AT_SUBMISSION,
    _("提案编号时机"),
    _(
        "提交时编号：提交即给号，不予立案、并案、转办的提案也占号。"
        "立案时编号：只有立案的提案才给号，立案提案的编号连续无空号；"
        "其他提案不编号。已给的编号不受此设置变更影响。"
    ),
    choices=[
        (NUMBER_AT_SUBMISSION, _("提交时编号")),
        (NUMBER_AT_ACCEPTANCE, _("立案时编号")),
    ],
)

# The answer is due within the extended deadline's cap, and the co-handlers' views come in
# before the answer is due (a cap below the answer time would refuse every extension).
descending(MAX_EXTENSION_MONTHS, ANSWER_MONTHS, CO_VIEW_MONTHS, strict=False)

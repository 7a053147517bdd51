"""The configurable rules of consultation work, with their defaults (SPEC § Consultation)."""

from django.utils.translation import gettext_lazy as _

from xieshang.orgs.config import define

# The 12 areas the speech lists (C2.1); each organisation's taxonomy is seeded from these
# and then edited by its administrator.
FOCUS_AREAS = define(
    "consultation.focus_areas",
    [
        "产业转型升级",
        "现代服务业发展",
        "先进制造业发展",
        "“两带四街”建设",
        "历史文化街区保护",
        "老旧小区改造提升",
        "民营经济发展",
        "文明城市创建",
        "重点项目建设",
        "基础设施建设",
        "生态环境建设",
        "民生实事办理",
    ],
    _("协商议题重点领域"),
)
PLAN_MAX_ITEMS = define(
    "consultation.plan_max_items", 15, _("年度协商计划事项上限"), minimum=1, maximum=100
)
SUPERVISION_MIN_SHARE = define(
    "consultation.supervision_min_share",
    20,
    _("民主监督议题最低占比（%）"),
    minimum=0,
    maximum=100,
)
MIN_SPECIAL_ACTIVITIES = define(
    "consultation.min_special_activities",
    4,
    _("专题协商活动最少次数（全会、常委会以外）"),
    minimum=0,
    maximum=50,
)
MINUTES_WORKING_DAYS = define(
    "consultation.minutes_working_days",
    7,
    _("协商纪要报送时限（工作日）"),
    minimum=1,
    maximum=365,
)
FEEDBACK_WORKING_DAYS = define(
    "consultation.feedback_working_days",
    30,
    _("协商成果书面反馈时限（工作日）"),
    minimum=1,
    maximum=365,
)
PUBLIC_TOPICS_PER_HOUR = define(
    "consultation.public_topics_per_hour",
    3,
    _("公众征题每小时提交次数上限（每个地址）"),
    minimum=1,
    maximum=100,
)
# The standard reasons a moderator picks to reject many public submissions at once.
BULK_REJECT_REASONS = define(
    "consultation.bulk_reject_reasons",
    [
        "垃圾信息（广告、违法违规内容），不予受理",
        "与政协协商工作无关，不予采纳",
        "重复提交，不予重复受理",
        "内容不完整，无法受理",
    ],
    _("征题批量不予采纳的标准理由"),
)
# A resident's contact phone on a public suggestion (社会征题) is deleted once the suggestion
# no longer needs it (consultation.privacy): N days after it was settled — not taken up, or
# the consultation it fed was held — and in any case M days after it was submitted.
TOPIC_PHONE_KEEP_DAYS = define(
    "consultation.topic_phone_keep_days",
    90,
    _("群众征题处理完毕后保留联系电话的天数"),
    _(
        "未采纳的自审核之日起算；采纳的自议题的协商活动召开之日起算（已合并的随并入的议题）。"
        "到期后号码自动删除（个人信息保护法：最小必要、及时删除）。"
    ),
    minimum=1,
    maximum=730,
)
TOPIC_PHONE_MAX_DAYS = define(
    "consultation.topic_phone_max_days",
    730,
    _("群众征题联系电话最长保留天数"),
    _("自提交之日起算：留在议题库中未安排协商或一直未审核的，到期后号码同样自动删除。"),
    minimum=1,
    maximum=3650,
)

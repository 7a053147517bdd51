"""Configurable rules of the duty file (SPEC "Duty file and evaluation", C5.7, C5.11)."""

from decimal import Decimal

from django.utils.translation import gettext_lazy as _

from xieshang.orgs.config import define, descending

from .models import DutyKind

# A score is the sum of the points of the year's records (no ceiling of 100: an active member
# may pass it); a threshold of 1000 points is already out of anyone's reach.
SCORE = {"minimum": 0, "maximum": 1000}
GRADE_EXCELLENT = define("duty.grade_excellent_min", 90, _("履职考核“优秀”最低分"), **SCORE)
GRADE_GOOD = define("duty.grade_good_min", 80, _("履职考核“良好”最低分"), **SCORE)
GRADE_COMPETENT = define("duty.grade_competent_min", 60, _("履职考核“称职”最低分"), **SCORE)
descending(GRADE_EXCELLENT, GRADE_GOOD, GRADE_COMPETENT)
# "三个一": each inner list is one duty, satisfied by any one of its kinds.
MINIMUM_DUTIES = define(
    "duty.minimum_duties",
    [
        [DutyKind.PLENARY_HALF_DAY.value],
        [
            DutyKind.PROPOSAL_FIRST.value,
            DutyKind.PROPOSAL_COSIGNER.value,
            DutyKind.OPINION_SUBMITTED.value,
        ],
        [DutyKind.INSPECTION.value],
    ],
    _("委员最低履职要求（每组至少一项）"),
    choices=lambda: DutyKind.choices,
)
ABSENCE_REMINDER = define(
    "duty.discipline_absence_reminder",
    1,
    _("年度无故缺席全体会议几次须提醒谈话"),
    minimum=1,
    maximum=50,
)
ABSENCE_WARNING = define(
    "duty.discipline_absence_warning",
    2,
    _("年度无故缺席全体会议几次须警告并建议撤销资格"),
    minimum=1,
    maximum=50,
)
# Equal: the first count already warns (no reminder talk first).
descending(ABSENCE_WARNING, ABSENCE_REMINDER, strict=False)
# Within a five-year term.
IDLE_YEARS = define(
    "duty.discipline_idle_years",
    2,
    _("连续几年未提交提案和社情民意信息须约谈"),
    minimum=1,
    maximum=5,
)
LOW_SCORE_YEARS = define(
    "duty.discipline_low_score_years", 2, _("连续几年不称职须约谈"), minimum=1, maximum=5
)

# SPEC defaults: kind -> (points per unit, yearly cap or None).
DEFAULT_SCORES: dict[str, tuple[Decimal, Decimal | None]] = {
    DutyKind.PLENARY_HALF_DAY: (Decimal(5), None),
    DutyKind.MEETING: (Decimal(5), None),
    DutyKind.TRAINING: (Decimal(10), None),
    DutyKind.PROPOSAL_FIRST: (Decimal(15), None),
    DutyKind.PROPOSAL_COSIGNER: (Decimal(3), None),
    DutyKind.KEY_PROPOSAL_FIRST: (Decimal(15), None),
    DutyKind.KEY_PROPOSAL_COSIGNER: (Decimal(3), None),
    DutyKind.EXCELLENT_PROPOSAL_FIRST: (Decimal(10), None),
    DutyKind.EXCELLENT_PROPOSAL_COSIGNER: (Decimal(2), None),
    DutyKind.OPINION_SUBMITTED: (Decimal(5), None),
    DutyKind.OPINION_ADOPTED: (Decimal(10), None),
    # SPEC gives +10 for an adoption; higher levels weigh more (docs/decisions.md).
    DutyKind.OPINION_ADOPTED_CITY: (Decimal(15), None),
    DutyKind.OPINION_ADOPTED_PROVINCE: (Decimal(20), None),
    DutyKind.OPINION_ADOPTED_NATIONAL: (Decimal(30), None),
    DutyKind.OPINION_INSTRUCTED: (Decimal(10), None),
    DutyKind.PLENARY_SPEECH: (Decimal(10), None),
    # Not in the SPEC table: scored like another meeting or activity, half a plenary speech.
    DutyKind.CONSULTATION_SPEECH: (Decimal(5), None),
    DutyKind.INSPECTION: (Decimal(5), None),
    DutyKind.SECTOR_CONTACT: (Decimal(2), Decimal(10)),
    DutyKind.STUDIO: (Decimal(5), None),
    DutyKind.COMMUNITY_CONSULTATION: (Decimal(5), None),
    DutyKind.PLENARY_ABSENCE_UNEXCUSED: (Decimal(-30), None),
    DutyKind.PLENARY_ABSENCE_EXCUSED: (Decimal(-10), None),
    DutyKind.ABSENCE_UNEXCUSED: (Decimal(-5), None),
    DutyKind.OTHER: (Decimal(2), None),
}

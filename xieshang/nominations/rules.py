"""Composition limits of a nomination list (C5.1–C5.3, C5.4): configurable per organisation
through `orgs.config`, shown while the list is built. Shares are percentages of the
candidates on the list; age is counted on the round's reference date."""

from django.utils.translation import gettext_lazy as _

from xieshang.orgs.config import define, descending

PERCENT = {"minimum": 0, "maximum": 100}
AGE = {"minimum": 18, "maximum": 100}

CPC_MAX_SHARE = define(
    "nominations.cpc_max_share", 40, _("委员名单中共产党员占比上限（%）"), **PERCENT
)
FEMALE_MIN_SHARE = define(
    "nominations.female_min_share", 20, _("委员名单女性占比下限（%）"), **PERCENT
)
YOUNG_AGE = define("nominations.young_age", 45, _("年轻委员年龄界限（周岁以下）"), **AGE)
YOUNG_MIN_SHARE = define(
    "nominations.young_min_share", 15, _("委员名单年轻委员占比下限（%）"), **PERCENT
)
MAX_AGE = define("nominations.max_age", 65, _("提名人选年龄上限（周岁）"), **AGE)
NEW_MIN_SHARE = define(
    "nominations.new_min_share", 30, _("换届委员名单新提名人选占比下限（%）"), **PERCENT
)

# A candidate over the age limit cannot also count as a young member: the limit stays above
# the young-member age on the limits page, the rules page and the API alike.
descending(MAX_AGE, YOUNG_AGE)

"""Upward reporting (上报, C2.9) of a social-conditions item, through the one mechanism of
followups (found there by autodiscovery): once published, the office of its node sends it to
the parent CPPCC node, whose office adopts it, merges it into its own bulletin, forwards it
further up or returns it. Each adoption level is an opinions.Adoption on the item, with the
authors' duty records at the configured score for that level (one score-table row
per level: 区级, 市级, 省级, 全国), as when recorded by hand."""

from django.utils.translation import gettext_lazy as _

from xieshang.followups import referrals

from . import policies, services
from .models import Opinion

referrals.register(
    Opinion,
    label=_("社情民意信息"),
    url_name="opinions:detail",
    permission="opinions.manage",
    organisation=lambda o: o.organisation,
    check=services.referral_check,
    after_adopt=services.referral_adopted,
    after_move=services.referral_moved,
    after_return=services.referral_returned,
    reads_path=policies.reads_record,
)

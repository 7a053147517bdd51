"""Upward reporting (上报, C2.9) of a key proposal (重点提案), through the one mechanism of
followups (found there by autodiscovery): the proposal committee of its node sends it to the
parent CPPCC node, whose proposal committee adopts, merges, forwards or returns it.

No duty record on adoption: a key proposal's proposers are already credited when it is made
key (KEY_PROPOSAL_FIRST / COSIGNER) and there is no duty kind for its adoption higher up;
the referral path on the proposal's page is the record."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from xieshang.followups import referrals

from .models import Proposal


def _check(proposal: Proposal) -> str:
    if not proposal.is_key:
        return _("只有重点提案可以报送上级政协。")
    return ""


referrals.register(
    Proposal,
    label=gettext_lazy("重点提案"),
    url_name="proposals:detail",
    permission="proposals.review",
    organisation=lambda p: p.organisation,
    applies=lambda p: p.is_key,
    check=_check,
)

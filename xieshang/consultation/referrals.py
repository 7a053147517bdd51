"""Upward reporting (上报, C2.9) of a consultation report (协商专报), through the one
mechanism of followups (found there by autodiscovery): once sent, the office of its node
sends it to the parent CPPCC node, whose office adopts it, merges it into its own bulletin,
forwards it or returns it.

No duty record on adoption: a report is the body's work, not a member's, and there is no duty
kind for it; the referral path on the outcome's page is the record."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from xieshang.followups import referrals

from .models import Outcome


def _check(outcome: Outcome) -> str:
    if outcome.status == Outcome.Status.DRAFT:
        return _("协商专报报送后才能报送上级政协。")
    return ""


referrals.register(
    Outcome,
    label=gettext_lazy("协商专报"),
    url_name="consultation:outcome",
    permission="consultation.manage",
    organisation=lambda o: o.organisation,
    applies=lambda o: o.kind == Outcome.Kind.BULLETIN,
    check=_check,
)

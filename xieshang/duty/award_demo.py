"""Demo: last year's commendation round (C5.8), proposed, approved and published through
the services, so the round page, the decision PDF and the portal list have something to
show. Cheap: one candidate computation per step that needs it, a few rows."""

from django.utils import timezone
from django.utils.translation import gettext as _

from xieshang.core import access
from xieshang.orgs.models import Role

from . import awards

# How many of each list's best candidates the demo office proposes.
PER_TYPE = {awards.T.MEMBER: 6, awards.T.PROPOSER: 4}


def _one(organisation, role):
    return access.role_holders(organisation, role).first()


def build(*, organisation, rng) -> None:
    office, chair = _one(organisation, Role.OFFICE), _one(organisation, Role.CHAIR)
    if office is None or chair is None:
        return
    year = timezone.localdate().year - 1
    picks = []
    computed = awards.candidates(organisation, year)
    for award_type, found in computed.items():
        for cand in found[: PER_TYPE.get(award_type, 2)]:
            picks.append((award_type, cand.ref, ""))
    if not picks:
        return
    com = awards.commendation_propose(
        organisation=organisation,
        year=year,
        picks=picks,
        actor=office,
        version=None,
        computed=computed,
    )
    awards.commendation_submit(commendation=com, actor=office)
    awards.commendation_approve(commendation=com, actor=chair, note=_("同意。"))
    short = organisation.name.removesuffix("政协")
    awards.commendation_publish(
        commendation=com,
        actor=office,
        doc_number=f"{short}政协发〔{year + 1}〕{rng.randint(2, 9)}号",
    )

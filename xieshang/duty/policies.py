"""Object rules of the duty file, on top of `core.access`."""

from xieshang.core import access
from xieshang.core.access import member_of


def can_manage(user, organisation) -> bool:
    return access.can(user, "duty.manage", organisation)


def can_view_case(user, case) -> bool:
    """The office that handles a discipline case, the member it is about, and the chairman's
    meeting, which is asked to confirm a revocation it proposes (read only)."""
    own = member_of(user)
    return (
        can_manage(user, case.organisation)
        or (own is not None and own.pk == case.member_id)
        or access.can(user, "duty.award_approve", case.organisation)
    )


def can_issue_certificate(user, member) -> bool:
    """The member themself, or the office of the member's own organisation: an employer or
    the member often asks the office for the certificate. Issuing is an act of the
    committee whose heading the certificate bears, so an office above it, which reads the
    member's file (duty.view reaches down), does not issue it (duty.manage does not)."""
    own = member_of(user)
    return (own is not None and own.pk == member.pk) or can_manage(user, member.organisation)


def settling_commendation(organisation_id: int, year: int):
    """The commendation round that has settled this organisation's duty scores for `year`,
    or None. Once the list goes to the chairman's meeting (submitted, approved, published),
    the scores it was drawn from must not move: no new or newly confirmed records dated in
    that year and no change to that year's score rules. A returned list opens it again."""
    from .award_models import Commendation

    return (
        Commendation.objects.filter(
            organisation_id=organisation_id,
            year=year,
            status__in=[
                Commendation.Status.SUBMITTED,
                Commendation.Status.APPROVED,
                Commendation.Status.PUBLISHED,
            ],
        )
        .only("pk", "year", "status")
        .first()
    )


def settled_reason(commendation) -> str:
    """Why the year of `commendation` (a settling round) is closed, as the first half of a
    sentence: one wording per state, since a status label ("待主席会议审定", "已公布")
    does not read after a fixed "已"."""
    from django.utils.translation import pgettext

    from .award_models import Commendation

    Status = Commendation.Status
    texts = {
        Status.SUBMITTED: pgettext("settled year", "%(year)s年度表彰名单已报主席会议审定"),
        Status.APPROVED: pgettext("settled year", "%(year)s年度表彰名单已经主席会议审定"),
        Status.PUBLISHED: pgettext("settled year", "%(year)s年度表彰名单已公布"),
    }
    return texts[commendation.status] % {"year": commendation.year}


def refuse_if_settled(organisation_id: int, year: int) -> None:
    """Raise the ValidationError a page shows when `year` is settled (see above)."""
    from django.core.exceptions import ValidationError
    from django.utils.translation import gettext as _

    round_ = settling_commendation(organisation_id, year)
    if round_ is not None:
        raise ValidationError(
            _("%(reason)s，该年度的履职积分已定格，不能再增改记录或计分规则。")
            % {"reason": settled_reason(round_)}
        )


def can_view(user, organisation) -> bool:
    """Reading the duty files and scores of `organisation`: its office and the offices
    above it (duty.view reaches down; duty.manage, recording and deciding, does not)."""
    return access.can(user, "duty.view", organisation)


def can_view_member(user, member) -> bool:
    """A member sees their own file; the offices see every file in their scope (a
    province office a city member's too, read only)."""
    own = member_of(user)
    return (own is not None and own.pk == member.pk) or can_view(user, member.organisation)


def can_view_attachment(user, attachment) -> bool:
    """A file supporting a duty record is for whoever may see the record: the member, the
    offices reading the member's file (core.files asks this)."""
    return can_view_member(user, attachment.record.member)


def office_organisation(user):
    """The organisation whose duty files the user manages (their highest such node)."""
    for assignment in access.assignments(user):
        if access.can(user, "duty.manage", assignment.organisation):
            return assignment.organisation
    return None

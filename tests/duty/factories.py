import datetime as dt

from django.utils import timezone

from tests.factories import MemberFactory, TermFactory, UserFactory, make_org, seat, user_with_role
from xieshang.duty.models import DutyRecord
from xieshang.orgs.models import Role

# Last year: a finished year a member may still report on, whose March has passed in any
# month the suite runs (a fixed year stops being "this or last" after a year or two).
YEAR = timezone.localdate().year - 1


def member_with_user(org, **kwargs):
    user = user_with_role(Role.MEMBER, org)
    return MemberFactory(organisation=org, user=user, **kwargs)


def record(
    member, kind, *, date=None, quantity=1, status=DutyRecord.Status.CONFIRMED, title="活动"
):
    return DutyRecord.objects.create(
        member=member,
        organisation=member.organisation,
        kind=kind,
        date=date or dt.date(YEAR, 3, 1),
        title=title,
        quantity=quantity,
        status=status,
    )


def setting():
    """An organisation with a term, an office user and one seated member with an account."""
    org = make_org()
    term = TermFactory(organisation=org, start_date=dt.date(2022, 1, 10))
    office = user_with_role(Role.OFFICE, org)
    member = member_with_user(org)
    seat(member, term)
    return org, term, office, member


__all__ = ["UserFactory", "member_with_user", "record", "setting", "seat", "MemberFactory"]

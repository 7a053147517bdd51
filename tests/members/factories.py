"""Members-area test data: a committee with its current term, sectors, committees and clerks."""

from dataclasses import dataclass

from xieshang.members.models import Member, Membership
from xieshang.members.validators import id_number_check_char
from xieshang.orgs.models import Committee as CommitteeModel
from xieshang.orgs.models import Level, Organisation, Party, Role, Sector, Term

from ..factories import (
    CommitteeFactory,
    MemberFactory,
    SectorFactory,
    TermFactory,
    make_org,
    seat,
    user_with_role,
)

MEMBER_FIELD_NAMES = {f.name for f in Member._meta.get_fields()}


def valid_id(first17: str) -> str:
    """An ID number with a correct GB 11643 check character."""
    return first17 + id_number_check_char(first17)


@dataclass
class Committee_:
    org: Organisation
    term: Term
    sector: Sector
    sector2: Sector
    committee: CommitteeModel
    committee2: CommitteeModel
    clerk: object  # office clerk: edit, import, export, view PII

    def member(self, name: str, *, committees=None, **kwargs) -> Member:
        """A member with a seat in the current term; keyword arguments that are Member
        fields go to the member, the rest to the seat."""
        person = {k: kwargs.pop(k) for k in list(kwargs) if k in MEMBER_FIELD_NAMES}
        seat_kwargs = kwargs
        member = MemberFactory(organisation=self.org, name=name, **person)
        seat_kwargs.setdefault("sector", self.sector)
        seat(
            member,
            self.term,
            committees=[self.committee] if committees is None else committees,
            **seat_kwargs,
        )
        return member

    def user(self, role: str):
        return user_with_role(role, self.org)


def committee(name: str = "示范区政协", parent: Organisation | None = None, level=Level.DISTRICT):
    org = make_org(name, level=level, parent=parent)
    # An earlier term too, so "current term" has something to be told apart from.
    TermFactory(organisation=org, number=14, start_date="2017-01-10", end_date="2021-12-31")
    term = TermFactory(organisation=org, number=15)
    return Committee_(
        org=org,
        term=term,
        sector=SectorFactory(organisation=org, name="经济界", sort_order=1),
        sector2=SectorFactory(organisation=org, name="教育界", sort_order=2),
        committee=CommitteeFactory(organisation=org, name="经济委员会"),
        committee2=CommitteeFactory(organisation=org, name="教科卫体委员会"),
        clerk=user_with_role(Role.OFFICE, org, username=f"clerk{org.pk}"),
    )


def party(name: str) -> Party:
    return Party.objects.get(name=name)


def seat_of(member: Member, term: Term) -> Membership:
    return Membership.objects.get(member=member, term=term)


def ensure_parties() -> None:
    """Transactional (browser) tests run after a flush that empties the parties table the
    data migration filled; put the reference rows back."""
    import importlib

    parties = importlib.import_module("xieshang.orgs.migrations.0002_parties").PARTIES
    # One query when they are all there (every database test asks, tests/conftest.py).
    present = set(
        Party.objects.filter(name__in=[p[0] for p in parties]).values_list("name", flat=True)
    )
    for order, (name, short, kind) in enumerate(parties, start=1):
        if name not in present:
            Party.objects.get_or_create(
                name=name, defaults={"short_name": short, "kind": kind, "sort_order": order}
            )

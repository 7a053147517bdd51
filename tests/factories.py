"""Test data built through the same services the product uses, so paths, sort keys and
audit rows are what production would have."""

import datetime as dt

import factory
from django.conf import settings

from xieshang.core.models import User
from xieshang.members.models import Gender, Member, Membership
from xieshang.orgs.models import (
    Committee,
    Department,
    Level,
    Organisation,
    Party,
    RoleAssignment,
    Sector,
    Term,
)
from xieshang.orgs.services import organisation_create


def make_org(name: str = "示范区政协", level: str = Level.DISTRICT, parent=None) -> Organisation:
    return organisation_create(name=name, level=level, parent=parent)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    full_name = factory.Sequence(lambda n: f"用户{n}")
    password = factory.PostGenerationMethodCall("set_password", settings.DEMO_PASSWORD)

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save()


def user_with_role(role: str, organisation: Organisation, **kwargs) -> User:
    department = kwargs.pop("department", None)
    committee = kwargs.pop("committee", None)
    user = UserFactory(**kwargs)
    RoleAssignment.objects.create(
        user=user, organisation=organisation, role=role, department=department, committee=committee
    )
    return user


class TermFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Term

    organisation = factory.LazyFunction(make_org)
    number = 15
    start_date = dt.date(2022, 1, 10)


class SectorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Sector

    organisation = factory.LazyFunction(make_org)
    name = factory.Sequence(lambda n: f"界别{n}")


class CommitteeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Committee

    organisation = factory.LazyFunction(make_org)
    name = factory.Sequence(lambda n: f"专委会{n}")


class DepartmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Department

    organisation = factory.LazyFunction(make_org)
    name = factory.Sequence(lambda n: f"区局{n}")
    leader_name = "王局长"


class MemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Member

    organisation = factory.LazyFunction(make_org)
    name = factory.Sequence(lambda n: f"委员{n}")
    gender = Gender.FEMALE
    phone = factory.Sequence(lambda n: f"139{n:08d}")
    id_number = factory.Sequence(lambda n: f"110101198001{n % 10000:04d}12")
    address = "示范路1号"

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        obj = model_class(*args, **kwargs)
        obj.refresh_sort_keys()
        obj.save()
        return obj


def seat(member: Member, term: Term, **kwargs) -> Membership:
    """Give `member` a membership in `term` (party defaults to 无党派人士)."""
    kwargs.setdefault("party", Party.objects.get(name="无党派人士"))
    committees = kwargs.pop("committees", [])
    membership = Membership.objects.create(member=member, term=term, **kwargs)
    if committees:
        membership.committees.set(committees)
    return membership

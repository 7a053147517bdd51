"""The talk's interviewer (谈话（走访）人账号) and a street convener's account are picked among
the active accounts with a staff role in the committee or below (`forms_people.staff_users`):
a staff account that is also a 政协委员 is offered like any other, as the consultation
leader-account picker does; an account with only the member role is not."""

import pytest
from django.urls import reverse
from django.utils import timezone

from xieshang.members.forms_people import StreetConvenerForm, staff_users
from xieshang.members.models import MemberContact
from xieshang.orgs.models import Level, Organisation, Role, RoleAssignment

from ..factories import make_org, user_with_role
from .factories import committee

pytestmark = pytest.mark.django_db


def ask(client, source, **params):
    response = client.get(f"/pickers/{source}/", params)
    assert response.status_code == 200
    return [row["text"] for row in response.json()["results"]]


def accounts(c, other):
    """A clerk who is also a member here, a member only, a member here who is staff only in
    the neighbouring district, and a deactivated staff account."""
    both = user_with_role(Role.OFFICE, c.org, full_name="张秘书")
    RoleAssignment.objects.create(user=both, organisation=c.org, role=Role.MEMBER)
    member_only = user_with_role(Role.MEMBER, c.org, full_name="李委员")
    elsewhere = user_with_role(Role.MEMBER, c.org, full_name="赵委员")
    RoleAssignment.objects.create(user=elsewhere, organisation=other.org, role=Role.OFFICE)
    gone = user_with_role(Role.OFFICE, c.org, full_name="钱秘书", is_active=False)
    return both, member_only, elsewhere, gone


def test_a_clerk_who_is_also_a_member_is_offered_as_the_talks_interviewer(client):
    c, other = committee(), committee("邻区政协")
    both, *_ = accounts(c, other)
    client.force_login(c.clerk)
    names = ask(client, "contact-users", q="委员") + ask(client, "contact-users", q="秘书")
    assert names == ["张秘书"]
    wang = c.member("王委员")
    response = client.post(
        reverse("members:contact_create"),
        {
            "member": wang.pk,
            "kind": "talk",
            "date": timezone.localdate().isoformat(),
            "by_name": "张秘书",
            "by_user": both.pk,
            "topic": "了解履职情况",
            "raised": "希望多组织专题调研。",
            "followup_days": "10",
        },
    )
    assert response.status_code == 302
    assert MemberContact.objects.get().by_user == both


def test_a_clerk_who_is_also_a_member_may_be_a_street_conveners_account(client):
    c, other = committee(), committee("邻区政协")
    street = make_org("东街道", level=Level.STREET, parent=c.org)
    both, member_only, elsewhere, gone = accounts(c, other)
    client.force_login(c.clerk)
    assert ask(client, "convener-users", q="委员", organisation=c.org.pk) == []
    assert ask(client, "convener-users", q="张", organisation=c.org.pk) == ["张秘书"]
    form = StreetConvenerForm(
        {"street": street.pk, "name": "张秘书", "user": both.pk}, organisation=c.org
    )
    assert form.is_valid(), form.errors
    refused = StreetConvenerForm(
        {"street": street.pk, "name": "李委员", "user": member_only.pk}, organisation=c.org
    )
    assert not refused.is_valid() and "user" in refused.errors


def test_the_rule_in_one_place():
    c, other = committee(), committee("邻区政协")
    both, member_only, elsewhere, gone = accounts(c, other)
    here = Organisation.objects.filter(path__startswith=c.org.path)
    offered = set(staff_users(here))
    assert both in offered and c.clerk in offered
    assert not offered & {member_only, elsewhere, gone}
    # The neighbour's office sees its own clerk and the member who is staff there.
    assert elsewhere in set(staff_users(Organisation.objects.filter(pk=other.org.pk)))

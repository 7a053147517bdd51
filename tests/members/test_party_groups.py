"""Party groups of members (委员党小组, C6.2): every Party-member member in exactly one group
of the term, and a coverage report that puts the gaps first."""

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from xieshang.core.audit import TransitionError
from xieshang.core.models import Event
from xieshang.members import partygroups
from xieshang.members.models import Membership, PartyGroup, PartyGroupMember
from xieshang.orgs.models import Role

from ..factories import user_with_role
from .factories import committee, party, seat_of

pytestmark = pytest.mark.django_db

CPC = "中国共产党"


def setup_groups(client):
    c = committee()
    members = {
        "王党员": c.member("王党员", party=party(CPC)),
        "李党员": c.member("李党员", party=party(CPC)),
        "张党员": c.member("张党员", party=party(CPC)),
        "赵民盟": c.member("赵民盟", party=party("中国民主同盟")),
    }
    c.member("钱辞职", party=party(CPC), status=Membership.Status.RESIGNED)  # not counted
    client.force_login(c.clerk)
    return c, members


def create_group(client, c, name, leader=None):
    data = {"name": name, "leader": leader.pk if leader else ""}
    return client.post(reverse("members:party_group_create"), data)


def assign(client, c, member, group):
    seat = seat_of(member, c.term)
    return client.post(reverse("members:party_group_assign"), {"seat": seat.pk, "group": group.pk})


@pytest.mark.clause("C6.2")
def test_coverage_lists_every_party_member_of_the_term_with_the_gaps_first(client):
    c, m = setup_groups(client)
    assert create_group(client, c, "第一党小组", leader=m["王党员"]).status_code == 302
    group = PartyGroup.objects.get()
    assert (group.term, group.leader, group.organisation) == (c.term, m["王党员"], c.org)
    assert assign(client, c, m["李党员"], group).status_code == 302

    page = client.get(reverse("members:party_groups"))
    rows = [(s.member.name, bool(s.covered)) for s in page.context["seats"]]
    # Not yet in a group first; the democratic-party member and the one who resigned are
    # not in the report at all.
    assert sorted(rows[:2]) == [("张党员", False), ("王党员", False)]
    assert rows[2:] == [("李党员", True)]
    assert (page.context["covered"], page.context["gaps"]) == (1, 2)
    assert "已覆盖 1 / 3" in page.content.decode()

    book = load_workbook(io.BytesIO(client.get(reverse("members:party_groups_export")).content))
    sheet = [list(r) for r in book.active.iter_rows(values_only=True)]
    assert sheet[0] == ["序号", "姓名", "界别", "所在党小组", "是否覆盖"]
    assert sheet[3] == [3, "李党员", "经济界", "第一党小组", "已覆盖"]
    assert {r[4] for r in sheet[1:3]} == {"未编入"}
    events = Event.objects.filter(verb__startswith="party_group.").order_by("id")
    verbs = list(events.values_list("verb", flat=True))
    assert verbs == ["party_group.create", "party_group.assign"]


@pytest.mark.clause("C6.2")
def test_it_refuses_a_member_who_is_not_a_party_member_with_the_reason(client):
    c, m = setup_groups(client)
    group = PartyGroup.objects.create(organisation=c.org, term=c.term, name="第一党小组")
    response = assign(client, c, m["赵民盟"], group)
    assert response.status_code == 400
    text = response.content.decode()
    assert "赵民盟的党派为“中国民主同盟”，不是中共党员，不能编入委员党小组。" in text
    assert not PartyGroupMember.objects.exists()
    assert not Event.objects.filter(verb__startswith="party_group.").exists()
    # The service refuses it too, whoever calls it.
    with pytest.raises(TransitionError):
        partygroups.party_group_assign(
            group=group, seat=seat_of(m["赵民盟"], c.term), actor=c.clerk
        )
    # A group led by a non-Party member is refused as well.
    with pytest.raises(TransitionError):
        partygroups.party_group_create(
            organisation=c.org, term=c.term, name="第二党小组", leader=m["赵民盟"], actor=c.clerk
        )


@pytest.mark.clause("C6.2")
def test_a_party_member_is_in_exactly_one_group_of_the_term(client):
    c, m = setup_groups(client)
    first = PartyGroup.objects.create(organisation=c.org, term=c.term, name="第一党小组")
    second = PartyGroup.objects.create(organisation=c.org, term=c.term, name="第二党小组")
    assert assign(client, c, m["王党员"], first).status_code == 302
    # Assigning to another group moves them: still one row, and the history says so.
    assert assign(client, c, m["王党员"], second).status_code == 302
    rows = PartyGroupMember.objects.filter(membership__member=m["王党员"])
    assert [r.group.name for r in rows] == ["第二党小组"]
    move = Event.objects.get(verb="party_group.move")
    assert move.data["from_group"] == first.pk and move.object_id == str(second.pk)
    # Assigning again to the same group says so rather than doing nothing silently.
    response = assign(client, c, m["王党员"], second)
    assert response.status_code == 400 and "已在“第二党小组”" in response.content.decode()
    # Removing leaves them uncovered again.
    row = rows.get()
    response = client.post(reverse("members:party_group_remove"), {"row": row.pk})
    assert response.status_code == 302
    assert not PartyGroupMember.objects.exists()
    assert Event.objects.filter(verb="party_group.remove").count() == 1


@pytest.mark.clause("C6.2")
def test_a_duplicate_group_name_is_refused_and_the_typed_name_kept(client):
    c, m = setup_groups(client)
    PartyGroup.objects.create(organisation=c.org, term=c.term, name="第一党小组")
    response = create_group(client, c, "第一党小组")
    assert response.status_code == 400
    assert "本届已有名为“第一党小组”的党小组。" in response.content.decode()
    assert 'value="第一党小组"' in response.content.decode()
    assert PartyGroup.objects.count() == 1


@pytest.mark.clause("C6.2")
def test_only_the_office_of_the_organisation_manages_party_groups(client):
    c, m = setup_groups(client)
    group = PartyGroup.objects.create(organisation=c.org, term=c.term, name="第一党小组")
    other = committee("他区政协")
    for user in (user_with_role(Role.MEMBER, c.org), other.clerk):
        client.force_login(user)
        response = client.post(
            reverse("members:party_group_assign") + f"?organisation={c.org.pk}",
            {"seat": seat_of(m["王党员"], c.term).pk, "group": group.pk},
        )
        assert response.status_code in (400, 403)
    assert not PartyGroupMember.objects.exists()
    client.force_login(other.clerk)
    assert client.get(reverse("members:party_groups")).context["seats"] == []

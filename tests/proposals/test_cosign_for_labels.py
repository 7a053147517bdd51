"""The proposal committee's 代为确认联名 names each invited co-signer as the co-signer picker
does (members.labels.member_label), so two invited namesakes are told apart, in a fixed
number of queries; and co-signers are offered from the members seated in the current term
only (C4.6)."""

import pytest

from tests.factories import MemberFactory, SectorFactory, TermFactory, seat
from xieshang.proposals import selectors, services
from xieshang.proposals.forms import CosignForForm
from xieshang.proposals.models import Proposal

pytestmark = pytest.mark.django_db


def namesakes(world, n: int, start: int = 0):
    found = []
    for i in range(start, start + n):
        member = MemberFactory(organisation=world.district, name="王建国")
        seat(member, world.term, sector=SectorFactory(organisation=world.district, name=f"界别{i}"))
        found.append(member)
    return found


@pytest.mark.clause("C4.6")
def test_invited_namesakes_are_told_apart_in_a_fixed_number_of_queries(
    client, world, django_assert_num_queries
):
    two = namesakes(world, 2)
    proposal = services.proposal_create(
        actor=world.user("zhang"),
        organisation=world.district,
        cosigners=two,
        title="关于加快老旧小区加装电梯的建议",
        facts="多数为六层无电梯。",
        analysis="资金分摊难。",
        suggestions="设立财政补贴。",
        category="社会建设",
    )
    services.proposal_submit(proposal=proposal, actor=world.user("zhang"))
    proposal = Proposal.objects.get(pk=proposal.pk)
    with django_assert_num_queries(3):
        labels = [label for _pk, label in CosignForForm(proposal=proposal).fields["signer"].choices]
    assert labels == ["王建国（界别0·示范区政协）", "王建国（界别1·示范区政协）"]

    more = namesakes(world, 3, start=2)
    for member in more:
        proposal.signers.create(member=member)
    proposal = Proposal.objects.get(pk=proposal.pk)
    with django_assert_num_queries(3):
        assert len(CosignForForm(proposal=proposal).fields["signer"].choices) == 5

    client.force_login(world.reviewer)
    page = client.get(proposal.get_absolute_url()).content.decode()
    form = page[page.index('id="form-cosign_for"') :]
    assert "王建国（界别0·示范区政协）" in form and "王建国（界别1·示范区政协）" in form


@pytest.mark.clause("C4.6")
def test_cosigners_are_the_members_seated_in_the_current_term(client, world):
    # 李明's only seat is in the previous term, never closed: not a co-signer now.
    previous = TermFactory(organisation=world.district, number=14)
    old = MemberFactory(organisation=world.district, name="赵旧届")
    seat(old, previous)
    li = world.members["li"]
    li.memberships.update(term=previous)
    offered = set(selectors.cosigner_choices(world.district).values_list("name", flat=True))
    assert offered == {"张丽华", "王建国"}
    # The new-proposal form refuses them as it offers them.
    client.force_login(world.user("zhang"))
    response = client.get("/pickers/proposal-cosigners/", {"q": "赵旧届"})
    assert response.status_code == 200 and response.json()["results"] == []

"""The similar-proposals panel (/proposals/similar/) shows a member drafting the titles of
the organisation's proposals, and everyone else only the proposals they may open: a
department's clerk learnt there of proposals it does not handle (a 待审查 one, a converted
one), with their numbers, titles and states."""

from tests.proposals.conftest import accepted, submitted
from xieshang.proposals import services
from xieshang.proposals.models import Proposal

S = Proposal.Status


def three_similar(world):
    """待审查, 转意见建议, and one assigned to 区教育局, all about the same matter."""
    pending = submitted(world, key="wang", title="关于老旧小区加装电梯的建议")
    converted = submitted(world, key="li", title="关于推进老旧小区加装电梯的建议")
    services.proposal_convert(
        proposal=converted, to=S.TO_OPINION, actor=world.reviewer, note="宜作意见建议办理"
    )
    handled = accepted(world, title="关于老旧小区电梯加装补贴的建议")
    services.proposal_assign(proposal=handled, actor=world.reviewer, lead=world.education)
    return pending, converted, handled


def panel(client, user) -> str:
    client.force_login(user)
    response = client.post(
        "/proposals/similar/", {"title": "关于老旧小区加装电梯的建议"}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    return response.content.decode()


def test_a_department_sees_only_the_similar_proposals_it_handles(client, world):
    pending, converted, handled = three_similar(world)
    body = panel(client, world.education_clerk)
    assert handled.title in body
    assert pending.title not in body and converted.title not in body
    assert "待审查" not in body and "转意见建议" not in body
    # Another department handles none of them: nothing at all.
    body = panel(client, world.housing_clerk)
    assert "暂未发现相似提案" in body
    for p in (pending, converted, handled):
        assert p.title not in body


def test_a_member_drafting_and_the_committee_still_see_them_all(client, world):
    pending, converted, handled = three_similar(world)
    body = panel(client, world.user("zhang"))  # drafting: titles only, to avoid duplicates
    for p in (pending, converted, handled):
        assert p.title in body
    assert f'href="/proposals/{pending.pk}/"' not in body
    body = panel(client, world.office)  # holds proposals.view: may open every one
    for p in (pending, converted, handled):
        assert p.title in body
    # The reviewer's page compares a proposal under review with the others, linked (its
    # panel, loaded by htmx after the page).
    mine = submitted(world, title="关于老旧小区加装电梯的几点建议")
    client.force_login(world.reviewer)
    page = client.get(f"/proposals/{mine.pk}/similar/").content.decode()
    listed = page.split('id="similar-list"', 1)[1].split("</ul>", 1)[0]
    assert f'href="/proposals/{pending.pk}/"' in listed

"""交办 tells the proposers (a member on a phone found nothing in the inbox after it): which
department answers and by when, so they know whose call to expect."""

from tests.proposals.conftest import accepted
from xieshang.core.models import Notification
from xieshang.core.text import chinese_date
from xieshang.proposals import services


def test_the_proposers_are_told_who_answers_and_by_when(world):
    proposal = accepted(world, cosigners=["wang"])
    (lead, _co) = services.proposal_assign(
        proposal=proposal, actor=world.reviewer, lead=world.housing, co=[world.education]
    )
    for key in ("zhang", "wang"):
        notice = Notification.objects.get(
            recipient=world.user(key), title=f"提案已交办：{proposal.title}"
        )
        assert "主办：区住房和城乡建设局" in notice.body and "协办：区教育局" in notice.body
        assert f"答复期限：{chinese_date(lead.task.due_date)}" in notice.body
        assert notice.url == proposal.get_absolute_url()
    assert not Notification.objects.filter(
        recipient=world.user("li"), title__startswith="提案已交办"
    ).exists()

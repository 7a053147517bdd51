"""The proposers' ratings reach the answering department (C4.6): its handling page shows
each rating of its answer (满意／基本满意／不满意 and the comment), where the notice of an
unsatisfied rating links; the notice goes to the users the department's follow-up task
addresses (`followups.services.assignees`), no one else."""

import pytest

from tests.factories import UserFactory, user_with_role
from tests.proposals.conftest import answered
from xieshang.core.models import Notification
from xieshang.followups import services as followups
from xieshang.orgs.models import Role
from xieshang.proposals import services
from xieshang.proposals.models import Rating
from xieshang.proposals.services import evaluation


def ratings_list(page: str, answer) -> str:
    return page.split(f'id="ratings-{answer.pk}"', 1)[1].split("</ul>", 1)[0]


@pytest.mark.clause("C4.6")
def test_the_handling_page_shows_the_proposers_ratings_where_the_notice_links(client, world):
    proposal = answered(world, cosigners=["wang"])
    assignment = proposal.assignments.get()
    answer = assignment.answers.get()
    client.force_login(world.housing_clerk)
    page = client.get(f"/proposals/dept/{assignment.pk}/").content.decode()
    assert "提案人尚未评价" in ratings_list(page, answer)

    services.evaluation_submit(
        answer=answer,
        actor=world.user("zhang"),
        process=Rating.SATISFIED,
        result=Rating.BASICALLY,
    )
    services.evaluation_submit(
        answer=answer,
        actor=world.user("wang"),
        process=Rating.SATISFIED,
        result=Rating.UNSATISFIED,
        comment="财政补贴至今尚未落实。",
    )
    notice = Notification.objects.get(
        recipient=world.housing_clerk, title__startswith="提案人对答复不满意"
    )
    page = client.get(notice.url).content.decode()
    shown = ratings_list(page, answer)
    assert "张丽华：办理过程满意，办理结果基本满意" in shown
    assert "王建国：办理过程满意，办理结果不满意" in shown
    assert "财政补贴至今尚未落实。" in shown
    assert "不满意</span>" in shown
    assert "提案人尚未评价" not in shown


def test_the_unsatisfied_notice_goes_to_the_users_the_departments_task_addresses(world):
    proposal = answered(world)
    assignment = proposal.assignments.get()
    housing = world.housing
    role_leader = user_with_role(
        Role.DEPARTMENT_LEADER, world.district, department=housing, full_name="住建局长"
    )
    named_leader = UserFactory(full_name="住建分管领导")  # named as leader, holding no role
    housing.leader_user = named_leader
    housing.save(update_fields=["leader_user"])
    gone = user_with_role(Role.DEPARTMENT, world.district, department=housing, full_name="已离职")
    gone.is_active = False
    gone.save(update_fields=["is_active"])

    services.evaluation_submit(
        answer=assignment.answers.get(),
        actor=world.user("zhang"),
        process=Rating.UNSATISFIED,
        result=Rating.UNSATISFIED,
        comment="未见实际行动。",
    )
    told = {
        n.recipient
        for n in Notification.objects.filter(
            title__startswith="提案人对答复不满意", url=f"/proposals/dept/{assignment.pk}/"
        )
    }
    assert told == {world.housing_clerk, role_leader, named_leader}
    assert told == set(followups.assignees(assignment.task))
    # One rule for who answers for a department's task: no copy of it here.
    assert not hasattr(evaluation, "_department_users")


def test_the_handling_page_reads_the_ratings_in_english_as_a_sentence(client, world):
    """In English the rating ran label and value together ("Handling processMostly
    satisfied, OutcomeUnsatisfied"): the page put the words of the Chinese sentence side
    by side; it reads the one sentence the proposal page uses."""
    proposal = answered(world)
    assignment = proposal.assignments.get()
    answer = assignment.answers.get()
    services.evaluation_submit(
        answer=answer,
        actor=world.user("zhang"),
        process=Rating.BASICALLY,
        result=Rating.UNSATISFIED,
        comment="没有时间表。",
    )
    client.force_login(world.housing_clerk)
    client.cookies["django_language"] = "en"
    page = client.get(f"/proposals/dept/{assignment.pk}/").content.decode()
    shown = " ".join(ratings_list(page, answer).split())
    assert "张丽华: handling process Mostly satisfied, outcome Unsatisfied" in shown

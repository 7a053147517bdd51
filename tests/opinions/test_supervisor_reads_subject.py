"""The supervising office (督查室) tracks leaders' instruction tasks on a 社情民意 item: the
task page links the item it is about, and the item opens for it, as a proposal does. It reads
only the items a task in its organisation (or below) is about, not the office's whole queue."""

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.factories import user_with_role
from tests.opinions.factories import make_opinion
from xieshang.opinions import services
from xieshang.opinions.models import AdoptionLevel, Opinion
from xieshang.orgs.models import Role

pytestmark = [pytest.mark.django_db, pytest.mark.clause("C4.7")]
S = Opinion.Status


def test_the_supervising_office_opens_the_item_its_task_is_about(world, client):
    office, supervisor = world["office"], world["supervisor"]
    opinion = make_opinion(world["member"], office=office, state=S.PUBLISHED)
    untracked = make_opinion(world["member"], office=office, state=S.PUBLISHED, title="另一条")
    detail = reverse("opinions:detail", args=[opinion.pk])
    client.force_login(supervisor)
    assert client.get(detail).status_code == 404  # no task about it yet
    services.instruction_record(
        opinion=opinion,
        actor=office,
        leader="王书记",
        level=AdoptionLevel.DISTRICT,
        instructed_on=timezone.localdate(opinion.created_at),
        text="请区住建局研究落实。",
        departments=[world["dept"]],
        working_days=10,
    )
    [task] = services.instruction_tasks(opinion)
    task_page = client.get(reverse("followups:detail", args=[task.pk])).content.decode()
    assert f'href="{detail}"' in task_page and 'id="task-subject"' in task_page
    page = client.get(detail)
    assert page.status_code == 200 and opinion.title in page.content.decode()
    # Not every item of the organisation: one no task is about stays closed.
    assert client.get(reverse("opinions:detail", args=[untracked.pk])).status_code == 404
    # The supervising office above reads it too; a neighbouring district's does not.
    client.force_login(user_with_role(Role.SUPERVISOR, world["city"], full_name="市督查办"))
    assert client.get(detail).status_code == 200
    client.force_login(
        user_with_role(Role.SUPERVISOR, world["other_district"], full_name="邻区督查办")
    )
    assert client.get(detail).status_code == 404

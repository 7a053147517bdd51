"""The liaison who routed a resident's issue hears in their inbox when the department
answers (the resident reads the answer at once), and whoever last handled an issue hears
when the resident is not satisfied with its answer."""

import pytest
from django.utils import translation

from tests.residents.conftest import accepted, routed
from xieshang.core.models import Notification
from xieshang.followups import services as followups
from xieshang.residents import services

pytestmark = [pytest.mark.django_db, pytest.mark.clause("C2.11")]


def test_the_liaison_who_routed_hears_of_the_answer_and_of_a_dissatisfied_resident(world):
    issue, _code = routed(world)
    assert not Notification.objects.filter(recipient=world["liaison"]).exists()
    followups.feedback_submit(task=issue.task, text="已更换路灯。", actor=world["clerk"])
    note = Notification.objects.get(recipient=world["liaison"])
    assert note.title == f"部门已答复民情事项{issue.ticket}：小区门口路灯不亮"
    assert "区住房和城乡建设局已书面答复" in note.body
    assert note.url == issue.get_absolute_url()
    with translation.override("en"):
        assert issue.ticket in note.shown_title and "部门已答复" not in note.shown_title
    # The office that accepted it is not told: it did not route it.
    assert not Notification.objects.filter(recipient=world["office"]).exists()

    issue.refresh_from_db()
    services.issue_rate(issue=issue, rating="dissatisfied", comment="路灯又坏了")
    told = Notification.objects.filter(recipient=world["liaison"]).order_by("-pk").first()
    assert told.title == f"群众对民情事项{issue.ticket}的答复不满意：小区门口路灯不亮"
    assert told.body.startswith("路灯又坏了") and "重新办理" in told.body


def test_a_satisfied_resident_sends_no_notice_and_a_direct_answer_tells_its_author(world):
    issue, _code = accepted(world)
    services.issue_close(issue=issue, actor=world["liaison"], reply="路灯已修好。")
    issue.refresh_from_db()
    services.issue_rate(issue=issue, rating="satisfied")
    assert not Notification.objects.filter(recipient=world["liaison"]).exists()

    other, _code = accepted(world, title="楼道堆放杂物")
    services.issue_close(issue=other, actor=world["liaison"], reply="已清理。")
    other.refresh_from_db()
    services.issue_rate(issue=other, rating="dissatisfied")
    assert Notification.objects.filter(
        recipient=world["liaison"], title__contains=other.ticket
    ).exists()

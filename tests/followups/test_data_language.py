"""Why a pending extension request was withdrawn (the task cancelled, its feedback sent) is
stored in the site's language whoever acted in which, and read in the reader's language on
the task's page (docs/decisions.md, "site's language")."""

import datetime as dt

import pytest
import time_machine
from django.utils import translation

from tests.followups.test_engine import open_task, world  # noqa: F401 - the fixture
from xieshang.followups import services
from xieshang.followups.models import Extension, Task

pytestmark = pytest.mark.django_db

ASKED = dt.datetime(2026, 2, 10, 9, 0)


def asked(world, task):  # noqa: F811
    with time_machine.travel(ASKED, tick=False):
        return services.extension_request(
            task=task, requested_due=dt.date(2026, 3, 20), reason="需调研", actor=world["clerk"]
        )


@pytest.mark.clause("C4.6")
def test_a_task_cancelled_in_english_withdraws_the_request_in_chinese(client, world):  # noqa: F811
    task = open_task(world)
    extension = asked(world, task)
    with time_machine.travel(ASKED, tick=False), translation.override("en"):
        services.task_cancel(task=task, actor=world["office"], note="重复立项")
    extension.refresh_from_db()
    assert extension.status == Extension.Status.WITHDRAWN
    assert extension.decision_note == "事项已撤销，延期申请自动撤回"
    with translation.override("en"):
        assert extension.shown_decision_note == (
            "Task cancelled; the extension request was withdrawn automatically"
        )
    client.force_login(world["office"])
    assert "事项已撤销，延期申请自动撤回" in client.get(f"/followups/{task.pk}/").content.decode()
    client.cookies["django_language"] = "en"
    page = client.get(f"/followups/{task.pk}/").content.decode()
    assert "Task cancelled; the extension request was withdrawn automatically" in page


@pytest.mark.clause("C4.6")
def test_feedback_sent_in_english_withdraws_the_request_in_chinese(world):  # noqa: F811
    task = open_task(world)
    extension = asked(world, task)
    with time_machine.travel(ASKED, tick=False), translation.override("en"):
        services.feedback_submit(task=task, text="已完成改造", actor=world["clerk"])
    extension.refresh_from_db()
    assert extension.decision_note == "已书面反馈，延期申请自动撤回"
    with translation.override("en"):
        assert extension.shown_decision_note.startswith("Written feedback given;")


@pytest.mark.clause("C4.6")
def test_an_offices_extension_request_names_the_office_in_the_readers_language(world):  # noqa: F811
    from tests.factories import user_with_role
    from xieshang.core.models import Notification
    from xieshang.orgs.models import Role

    gov = user_with_role(Role.GOVERNMENT_OFFICE, world["district"])
    task = services.task_open(
        organisation=world["district"],
        title="关于加快老旧小区改造的提案",
        assignee_role=Role.GOVERNMENT_OFFICE,
        kind=Task.Kind.PROPOSAL,
        actor=world["office"],
        working_days=10,
        start_date=dt.date(2026, 2, 5),
    )
    with time_machine.travel(ASKED, tick=False), translation.override("en"):
        services.extension_request(
            task=task, requested_due=dt.date(2026, 3, 20), reason="需调研", actor=gov
        )
    told = Notification.objects.get(recipient=world["office"], dedupe_key__contains=":requested")
    assert told.body.startswith("政府办公室申请将办理期限由")
    with translation.override("en"):
        assert "政府办公室" not in told.shown_body

"""Notifications: inbox rows, email and SMS, each sent once however often the work runs."""

import datetime as dt
import re

import pytest
import time_machine
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tests.factories import UserFactory
from xieshang.core import sms
from xieshang.core.models import Notification
from xieshang.core.notifications import deliver, notify, retry_undelivered
from xieshang.core.sms import MemorySmsBackend
from xieshang.core.tasks import deliver_notifications

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def empty_sms_outbox():
    MemorySmsBackend.outbox.clear()
    MemorySmsBackend.references.clear()
    yield
    MemorySmsBackend.outbox.clear()
    MemorySmsBackend.references.clear()


@pytest.fixture
def member():
    return UserFactory(full_name="张伟", email="zhangwei@example.cn", phone="13900000001")


def test_it_puts_an_item_in_the_inbox_without_sending_anything_else(
    member, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        notify([member], title="会议通知", body="请按时参加常委会。")
    note = Notification.objects.get(recipient=member)
    assert (note.title, note.read_at) == ("会议通知", None)
    assert callbacks == []  # no delivery task for an inbox-only notification
    assert mail.outbox == [] and MemorySmsBackend.outbox == []


def test_it_emails_the_users_address_with_the_link(
    member, django_capture_on_commit_callbacks, settings
):
    settings.SITE_URL = "https://zx.example.gov.cn"
    with django_capture_on_commit_callbacks(execute=True):
        notify(
            [member],
            title="您的提案已立案",
            body="第0012号提案已立案。",
            url="/proposals/12/",
            channels=("inbox", "email"),
        )
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["zhangwei@example.cn"]
    assert message.subject == "您的提案已立案"
    assert "第0012号提案已立案。" in message.body
    assert "https://zx.example.gov.cn/proposals/12/" in message.body
    assert MemorySmsBackend.outbox == []


def test_it_texts_the_users_phone(member, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        notify([member], title="请假已批准", body="常委会请假已批准。", channels=("sms",))
    assert MemorySmsBackend.outbox == [("13900000001", "请假已批准 常委会请假已批准。")]
    assert mail.outbox == []


def test_it_sends_nothing_twice_for_the_same_dedupe_key(member, django_capture_on_commit_callbacks):
    for _ in range(2):
        with django_capture_on_commit_callbacks(execute=True):
            notify(
                [member],
                title="答复即将到期",
                dedupe_key="proposal:12:due-soon",
                channels=("inbox", "email", "sms"),
            )
    assert Notification.objects.filter(recipient=member).count() == 1
    assert len(mail.outbox) == 1
    assert len(MemorySmsBackend.outbox) == 1


def test_it_still_notifies_other_recipients_and_other_keys(
    member, django_capture_on_commit_callbacks
):
    other = UserFactory(email="li@example.cn")
    with django_capture_on_commit_callbacks(execute=True):
        notify([member], title="提醒", dedupe_key="k1", channels=("inbox", "email"))
        notify([member, other, None, member], title="提醒", dedupe_key="k1", channels=("email",))
        notify([member], title="提醒", dedupe_key="k2", channels=("inbox", "email"))
    assert sorted(m.to[0] for m in mail.outbox) == [
        "li@example.cn",
        "zhangwei@example.cn",
        "zhangwei@example.cn",
    ]


def test_it_sends_nothing_again_when_the_delivery_task_runs_twice(
    member, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        (note,) = notify([member], title="交办通知", channels=("inbox", "email", "sms"))
    deliver_notifications.enqueue([note.pk])
    deliver_notifications.call([note.pk])
    deliver(note.pk)
    assert len(mail.outbox) == 1
    assert len(MemorySmsBackend.outbox) == 1
    note.refresh_from_db()
    assert note.delivered["email"]["state"] == "sent"
    assert note.delivered["sms"]["state"] == "sent"


def test_it_skips_a_channel_the_user_has_no_address_for(django_capture_on_commit_callbacks):
    user = UserFactory(email="", phone="")
    with django_capture_on_commit_callbacks(execute=True):
        (note,) = notify([user], title="通知", channels=("inbox", "email", "sms"))
    note.refresh_from_db()
    assert note.delivered["email"]["state"] == "skipped"
    assert note.delivered["sms"]["state"] == "skipped"
    assert mail.outbox == [] and MemorySmsBackend.outbox == []


class BrokenSms(sms.BaseSmsBackend):
    def send(self, phone, text, *, reference=""):
        raise ConnectionError("短信网关无响应")


def test_it_retries_a_failed_send_and_then_sends_it_once(
    member, settings, django_capture_on_commit_callbacks
):
    settings.SMS_BACKEND = "tests.core.test_notifications.BrokenSms"
    with django_capture_on_commit_callbacks(execute=True):
        (note,) = notify([member], title="会议变更", channels=("inbox", "email", "sms"))
    note.refresh_from_db()
    assert note.delivered["sms"]["state"] == "failed"
    assert "短信网关无响应" in note.delivered["sms"]["error"]
    assert len(mail.outbox) == 1  # the email went out regardless

    settings.SMS_BACKEND = "xieshang.core.sms.MemorySmsBackend"
    with time_machine.travel(timezone.now() + dt.timedelta(minutes=20), tick=False):
        assert retry_undelivered() == 1
        assert retry_undelivered() == 0
    assert len(MemorySmsBackend.outbox) == 1
    assert len(mail.outbox) == 1


def test_it_stops_retrying_after_three_failed_attempts(member, settings):
    settings.SMS_BACKEND = "tests.core.test_notifications.BrokenSms"
    (note,) = notify([member], title="会议变更", channels=("sms",))
    for _ in range(5):
        deliver(note.pk)
    note.refresh_from_db()
    state = note.delivered["sms"]
    assert (state["state"], state["attempts"]) == ("failed", 3)


def test_it_picks_up_a_delivery_whose_task_was_lost(member):
    # No on_commit execution: the queued task never ran (a crashed worker, say).
    notify([member], title="督办提醒", channels=("inbox", "email"))
    assert mail.outbox == []
    assert retry_undelivered() == 0  # too recent: its own task may still be on the way
    with time_machine.travel(timezone.now() + dt.timedelta(minutes=11), tick=False):
        assert retry_undelivered() == 1
        retry_undelivered()
    assert len(mail.outbox) == 1


# --- A worker killed mid-delivery (finding 9 of the security probe) -------------------------


def _killed_mid_send(note, *, sent: bool):
    """What a worker killed between claiming the SMS and recording the outcome leaves: the
    channel "sending", with the message gone out (`sent`) or not."""
    from xieshang.core.notifications import _claim, reference

    _claimed, channels = _claim(note.pk)
    assert channels == ["sms"]
    if sent:
        MemorySmsBackend().send(member_phone(note), "x", reference=reference(note.pk, "sms"))


def member_phone(note):
    return note.recipient.phone


def later(minutes):
    return time_machine.travel(timezone.now() + dt.timedelta(minutes=minutes), tick=False)


@pytest.mark.parametrize("sent", [False, True])
def test_it_settles_an_sms_a_dead_worker_left_sending_without_sending_twice(
    member, sent, django_capture_on_commit_callbacks
):
    from xieshang.core.scheduler import retry_notifications

    (note,) = notify([member], title="会议变更", channels=("sms",))
    _killed_mid_send(note, sent=sent)
    before = len(MemorySmsBackend.outbox)
    retry_notifications()  # too soon: a live worker may still be sending it
    note.refresh_from_db()
    assert note.delivered["sms"]["state"] == "sending"
    with later(11), django_capture_on_commit_callbacks(execute=True):
        retry_notifications()
    note.refresh_from_db()
    assert note.delivered["sms"]["state"] == "sent"
    assert len(MemorySmsBackend.outbox) == 1  # sent exactly once either way
    assert len(MemorySmsBackend.outbox) == before + (0 if sent else 1)
    with later(40), django_capture_on_commit_callbacks(execute=True):
        retry_notifications()
    assert len(MemorySmsBackend.outbox) == 1


class BlindSms(sms.BaseSmsBackend):
    """A provider that cannot be asked about a message."""

    def send(self, phone, text, *, reference=""):
        MemorySmsBackend.outbox.append((phone, text))


def test_it_never_resends_a_cut_off_sms_the_provider_cannot_confirm(member, settings):
    from xieshang.core.scheduler import retry_notifications

    settings.SMS_BACKEND = "tests.core.test_notifications.BlindSms"
    (note,) = notify([member], title="会议变更", channels=("sms",))
    _killed_mid_send(note, sent=False)
    with later(11):
        retry_notifications()
        retry_notifications()
    note.refresh_from_db()
    assert note.delivered["sms"]["state"] == "unconfirmed"
    assert "无法确认" in note.delivered["sms"]["error"]
    assert MemorySmsBackend.outbox == []


def _running_task(worker: str, notification_ids, started_at=None):
    from django_tasks.base import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    now = timezone.now()
    return DBTaskResult.objects.create(
        status=TaskResultStatus.RUNNING,
        task_path="xieshang.core.tasks.deliver_notifications",
        args_kwargs={"args": [notification_ids], "kwargs": {}},
        backend_name="default",
        queue_name="default",
        run_after=now,
        started_at=started_at or now,
        worker_ids=[worker],
    )


def _dead_pid() -> int:
    import subprocess

    proc = subprocess.Popen(["true"])
    proc.wait()
    return proc.pid


def test_it_requeues_a_task_its_dead_worker_left_running(member):
    import os
    import socket

    from xieshang.core.tasks import recover_lost_tasks, worker_id

    host = socket.gethostname()[:40]
    (note,) = notify([member], title="督办提醒", channels=("inbox", "sms"))
    lost = _running_task(f"{host}:{_dead_pid()}:dead", [note.pk])
    alive = _running_task(f"{host}:{os.getpid()}:live", [note.pk])
    elsewhere = _running_task("other-host:123:x", [note.pk])
    assert worker_id().startswith(f"{host}:{os.getpid()}:")

    assert recover_lost_tasks() == 1
    lost.refresh_from_db()
    alive.refresh_from_db()
    elsewhere.refresh_from_db()
    assert lost.status == "FAILED" and lost.exception_class_path.endswith("WorkerLost")
    assert (alive.status, elsewhere.status) == ("RUNNING", "RUNNING")
    assert len(MemorySmsBackend.outbox) == 1  # the requeued delivery ran (immediate backend)
    assert recover_lost_tasks() == 0  # nothing requeued twice
    # Another host's worker cannot be checked: lost once it has run past any task's length.
    with later(31):
        assert recover_lost_tasks() == 1
    elsewhere.refresh_from_db()
    assert elsewhere.status == "FAILED"
    assert len(MemorySmsBackend.outbox) == 1  # the delivery claimed its channel: not resent


def test_it_does_not_notify_on_an_unknown_channel_only(member):
    with pytest.raises(ValueError):
        notify([member], title="x", channels=("fax",))


# --- The inbox page ------------------------------------------------------------------


def _item_classes(html: str, title: str) -> str:
    """The class attribute of the inbox list item showing `title`."""
    found = re.findall(r'<li class="([^"]*)" data-notification="\d+">(.*?)</li>', html, re.S)
    (classes,) = [classes for classes, body in found if title in body]
    return classes


def test_it_shows_unread_items_highlighted_and_counts_them_in_the_navbar(client, member):
    notify([member], title="第一条消息")
    read = notify([member], title="已读的消息")[0]
    Notification.objects.filter(pk=read.pk).update(read_at=timezone.now())
    client.force_login(member)
    html = client.get(reverse("inbox")).content.decode()
    assert 'id="unread-count">1<' in html
    assert "list-group-item-warning" in _item_classes(html, "第一条消息")
    assert "list-group-item-warning" not in _item_classes(html, "已读的消息")
    assert html.count(">未读<") == 1


def test_it_marks_an_item_read_and_follows_its_link(client, member):
    (note,) = notify([member], title="提案已交办", url="/inbox/?from=note")
    client.force_login(member)
    response = client.post(reverse("inbox_read", args=[note.pk]))
    assert response.status_code == 302 and response["Location"] == "/inbox/?from=note"
    note.refresh_from_db()
    assert note.read_at is not None
    html = client.get(reverse("inbox")).content.decode()
    assert 'id="unread-count"' not in html
    assert "没有未读消息" in html


def test_it_does_not_let_a_user_read_someone_elses_notification(client, member):
    (note,) = notify([member], title="仅本人可见")
    client.force_login(UserFactory())
    assert client.post(reverse("inbox_read", args=[note.pk])).status_code == 404
    assert "仅本人可见" not in client.get(reverse("inbox")).content.decode()
    note.refresh_from_db()
    assert note.read_at is None


def _inbox_queries(client, user, n) -> int:
    Notification.objects.filter(recipient=user).delete()
    for i in range(n):
        notify([user], title=f"消息{i}", url="/")
    client.force_login(user)
    client.get(reverse("inbox"))  # warm the session
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(reverse("inbox"))
    assert response.content.decode().count("data-notification=") == n
    return len(ctx.captured_queries)


def test_it_lists_the_inbox_in_a_fixed_number_of_queries(client, member, django_assert_num_queries):
    few = _inbox_queries(client, member, 3)
    many = _inbox_queries(client, member, 30)
    assert few == many
    with django_assert_num_queries(many):
        client.get(reverse("inbox"))


def test_settle_marks_read_a_whole_key_or_a_prefix_ending_in_a_colon_and_nothing_else(member):
    """A key that does not end in ":" is settled whole: duty entry 12's 待审核 must not settle
    entry 123's, nor the member's news of entry 12 (keys "duty.entry.12", "duty.entry.123",
    "duty.entry.12.confirmed")."""
    from xieshang.core.notifications import settle

    keys = [
        "duty.entry.12",
        "duty.entry.123",
        "duty.entry.12.confirmed",
        "followup:12:remind:2026-12-01",
        "followup:123:remind:2026-12-01",
    ]
    for key in keys:
        notify([member], title=key, dedupe_key=key)
    assert settle("duty.entry.12", "followup:12:") == 2
    unread = set(
        Notification.objects.filter(read_at__isnull=True).values_list("dedupe_key", flat=True)
    )
    assert unread == {"duty.entry.123", "duty.entry.12.confirmed", "followup:123:remind:2026-12-01"}

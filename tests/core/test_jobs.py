"""Long work as background jobs (core.jobs): big exports get a progress page and a download
link for their owner only; small ones stay immediate."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.factories import MemberFactory, TermFactory, make_org, seat, user_with_role
from tests.xlsx import workbook
from xieshang.core import jobs
from xieshang.core.jobs import Job
from xieshang.core.models import Event, Notification
from xieshang.orgs.models import Level, Role


@pytest.fixture(autouse=True)
def private_root(settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    settings.EXPORT_JOB_THRESHOLD = 2
    return settings.PRIVATE_MEDIA_ROOT


@pytest.fixture
def district(db):
    org = make_org("甲区政协", Level.DISTRICT)
    term = TermFactory(organisation=org)
    for name, phone in [("张一", "13900000001"), ("李二", "13900000002"), ("王三", "13900000003")]:
        seat(MemberFactory(organisation=org, name=name, phone=phone), term)
    return org


def test_a_big_members_export_runs_as_a_job_with_progress_then_a_download(
    client, district, monkeypatch, django_capture_on_commit_callbacks
):
    office = user_with_role(Role.OFFICE, district)
    client.force_login(office)
    seen = []
    real = jobs.progress

    def watch(job, done, total=None, **kwargs):  # what the page shows at each step
        real(job, done, total, **kwargs)
        page = client.get(reverse("job", args=[job.pk]), HTTP_HX_REQUEST="true")
        seen.append(page.content.decode())

    monkeypatch.setattr(jobs, "progress", watch)
    monkeypatch.setattr("xieshang.members.exports.PROGRESS_EVERY", 1)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.get(reverse("members:export"))
    job = Job.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/jobs/{job.pk}/"
    assert (job.kind, job.owner, job.status, job.total) == ("members.export", office, "done", 3)
    # The polled partial said how far the worker was, and asked to be polled again.
    assert any("正在处理：2 / 3" in part and 'value="66"' in part for part in seen)
    assert all('hx-trigger="every 1s"' in part and "<html" not in part for part in seen)

    page = client.get(response["Location"]).content.decode()
    assert "已导出 3 名委员" in page and "hx-trigger" not in page
    download = reverse("job_download", args=[job.pk])
    assert download in page
    file = client.get(download)
    assert file.status_code == 200 and "attachment" in file["Content-Disposition"]
    rows = list(workbook(file).active.iter_rows(values_only=True))
    assert len(rows) == 4 and {r[1] for r in rows[1:]} == {"张一", "李二", "王三"}
    assert "13900000001" in {r[13] for r in rows[1:]}  # the office may see phone numbers
    assert Event.objects.filter(verb="pii.export", actor=office).exists()
    # Whoever left the page finds the file through the inbox.
    note = Notification.objects.get(recipient=office)
    assert note.url == f"/jobs/{job.pk}/" and "导出委员名单已完成" in note.title


def test_nobody_but_the_owner_sees_the_job_or_its_file(
    client, district, django_capture_on_commit_callbacks
):
    owner = user_with_role(Role.OFFICE, district)
    colleague = user_with_role(Role.OFFICE, district)  # same office, same rights
    client.force_login(owner)
    with django_capture_on_commit_callbacks(execute=True):
        client.get(reverse("members:export"))
    job = Job.objects.get(status="done")
    client.force_login(colleague)
    assert client.get(reverse("job", args=[job.pk])).status_code == 404
    assert client.get(reverse("job_download", args=[job.pk])).status_code == 404
    client.logout()
    response = client.get(reverse("job_download", args=[job.pk]))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_a_small_export_is_still_immediate(client, district, settings):
    settings.EXPORT_JOB_THRESHOLD = 3
    client.force_login(user_with_role(Role.OFFICE, district))
    response = client.get(reverse("members:export"))
    assert response.status_code == 200 and "attachment" in response["Content-Disposition"]
    assert len(list(workbook(response).active.iter_rows())) == 4
    assert not Job.objects.exists()


def test_a_job_export_masks_personal_data_as_the_immediate_one_does(
    client, district, django_capture_on_commit_callbacks
):
    chair = user_with_role(Role.CHAIR, district)  # may export, may not see phone numbers
    client.force_login(chair)
    with django_capture_on_commit_callbacks(execute=True):
        client.get(reverse("members:export"))
    job = Job.objects.get(owner=chair)
    rows = list(
        workbook(client.get(reverse("job_download", args=[job.pk]))).active.iter_rows(
            values_only=True
        )
    )
    assert {r[13] for r in rows[1:]} == {"139****0001", "139****0002", "139****0003"}


def test_a_big_audit_export_runs_as_a_job(client, db, django_capture_on_commit_callbacks):
    city = make_org("江城市政协", Level.CITY)
    for i in range(5):
        Event.objects.create(verb="auth.login", organisation=city, actor_name=f"用户{i}")
    auditor = user_with_role(Role.AUDIT_ADMIN, city)
    client.force_login(auditor)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.get(reverse("audit_export"), {"verb": "auth.login"})
    job = Job.objects.get()
    assert response.status_code == 302 and job.kind == "audit.export" and job.total == 5
    page = client.get(response["Location"]).content.decode()
    assert "审计日志已导出" in page
    rows = list(
        workbook(client.get(reverse("job_download", args=[job.pk]))).active.iter_rows(
            values_only=True
        )
    )
    assert [r[1:4] for r in rows[1:]] == [
        (f"用户{i}", "登录", "auth.login") for i in range(4, -1, -1)
    ]
    export = Event.objects.get(verb="audit.export")
    assert export.actor == auditor and export.data == {
        "count": 5,
        "filters": {"verb": "auth.login"},
    }


def test_a_queued_job_waits_and_a_dead_workers_job_fails(client, district):
    office = user_with_role(Role.OFFICE, district)
    client.force_login(office)
    queued = Job.objects.create(kind="members.export", owner=office, organisation=district)
    body = client.get(reverse("job", args=[queued.pk])).content.decode()
    assert "排队等待处理" in body and 'hx-trigger="every 1s"' in body
    old = timezone.now() - jobs.STALE_AFTER - dt.timedelta(minutes=1)
    dead = Job.objects.create(
        kind="members.export", owner=office, status="running", heartbeat_at=old
    )
    body = client.get(reverse("job", args=[dead.pk])).content.decode()
    assert "任务意外中断" in body and "hx-trigger" not in body
    dead.refresh_from_db()
    assert dead.status == "failed"


def test_a_job_delivered_twice_runs_once(district, django_capture_on_commit_callbacks):
    office = user_with_role(Role.OFFICE, district)
    with django_capture_on_commit_callbacks(execute=True):
        job = jobs.start(kind="members.export", owner=office, organisation=district)
    job.refresh_from_db()
    first = (job.status, job.result.name, job.finished_at)
    jobs.execute(job.pk)  # a second delivery of the task
    job.refresh_from_db()
    assert first[0] == "done" and (job.status, job.result.name, job.finished_at) == first
    assert Event.objects.filter(verb="pii.export").count() == 1


def test_old_results_are_removed(district, private_root, django_capture_on_commit_callbacks):
    office = user_with_role(Role.OFFICE, district)
    with django_capture_on_commit_callbacks(execute=True):
        job = jobs.start(kind="members.export", owner=office, organisation=district)
    job.refresh_from_db()
    assert list(private_root.rglob("*.xlsx"))
    assert jobs.purge_results(now=timezone.now() + jobs.KEEP_RESULTS / 2) == 0
    assert jobs.purge_results(now=timezone.now() + jobs.KEEP_RESULTS * 2) == 1
    assert not list(private_root.rglob("*.xlsx"))
    job.refresh_from_db()
    assert not job.result

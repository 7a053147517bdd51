"""/health/ tells a monitor whether the site, its worker, its scheduler and its disks are well."""

import datetime as dt
import json
import shutil
from collections import namedtuple

import pytest
from django.db import OperationalError, connections
from django.urls import reverse
from django.utils import timezone

from tests.factories import UserFactory, make_org, user_with_role
from xieshang.core import health
from xieshang.orgs.models import Role

pytestmark = pytest.mark.django_db

Usage = namedtuple("Usage", "total used free")
TB = 1024**4


@pytest.fixture(autouse=True)
def _healthy(settings, tmp_path, monkeypatch):
    """A fresh database with a worker and a scheduler that just beat, and roomy disks."""
    settings.HEARTBEAT_DIR = tmp_path / "heartbeats"
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    monkeypatch.setattr(health, "_migrations_clean_at", None)
    monkeypatch.setattr(shutil, "disk_usage", lambda path: Usage(TB, TB // 2, TB // 2))
    health.beat("worker", worker="test")
    health.beat("scheduler")


def _get(client, path="/health/", **extra):
    response = client.get(path, **extra)
    return response, json.loads(response.content)


def _age(name, minutes):
    path = settings_dir() / f"{name}.json"
    data = json.loads(path.read_text())
    data["at"] = (timezone.now() - dt.timedelta(minutes=minutes)).isoformat()
    path.write_text(json.dumps(data))


def settings_dir():
    return health.heartbeat_dir()


def test_fresh_database_is_ok_with_every_check(client):
    response, body = _get(client)
    assert response.status_code == 200
    assert body["status"] == "ok", body
    assert set(body["checks"]) == {"database", "worker", "scheduler", "disk"}
    assert body["checks"]["database"]["latency_ms"] >= 0
    assert body["version"] and body["time"]
    assert "no-cache" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]


def test_the_report_takes_a_fixed_small_number_of_queries(client, django_assert_max_num_queries):
    _get(client)  # the migration state is then remembered
    with django_assert_max_num_queries(2):
        _get(client)


def test_database_unreachable_fails_with_503(client, monkeypatch):
    class BrokenCursor:
        def __enter__(self):
            return self

        def __exit__(self, *exc):
            return False

        def execute(self, sql, params=None):
            raise OperationalError("could not connect to server")

    monkeypatch.setattr(connections["default"], "cursor", BrokenCursor)
    response, body = _get(client)
    assert response.status_code == 503
    assert body["status"] == "fail"
    assert body["checks"]["database"]["status"] == "fail"


def test_pending_migrations_fail(client, monkeypatch):
    from django.db.migrations.executor import MigrationExecutor

    real = MigrationExecutor.migration_plan

    def plan(self, targets, clean_start=False):
        migration = self.loader.graph.nodes[("core", "0001_initial")]
        return [*real(self, targets, clean_start), (migration, False)]

    monkeypatch.setattr(MigrationExecutor, "migration_plan", plan)
    response, body = _get(client)
    assert response.status_code == 503
    assert body["checks"]["database"]["pending_migrations"] == ["core.0001_initial"]


def test_stale_worker_heartbeat_is_degraded(client):
    _age("worker", minutes=10)
    response, body = _get(client)
    assert response.status_code == 200
    assert body["status"] == "degraded"
    assert body["checks"]["worker"]["problem"] == "heartbeat stale"


def test_worker_never_seen_is_degraded(client):
    (settings_dir() / "worker.json").unlink()
    _, body = _get(client)
    assert body["checks"]["worker"]["status"] == "degraded"


def test_a_task_queued_long_ago_with_no_worker_taking_it_is_degraded(client, settings):
    from django_tasks_db.models import DBTaskResult, get_date_max

    row = DBTaskResult.objects.create(
        task_path="xieshang.core.tasks.run_periodic_job",
        args_kwargs={"args": ["core.heartbeat"], "kwargs": {}},
        backend_name="default",
        run_after=get_date_max(),
    )
    _, body = _get(client)
    assert body["status"] == "ok"  # just queued: the worker has time
    DBTaskResult.objects.filter(pk=row.pk).update(
        enqueued_at=timezone.now() - dt.timedelta(minutes=20)
    )
    _, body = _get(client)
    assert body["status"] == "degraded"
    assert body["checks"]["worker"]["problem"] == "queue not moving"
    assert body["checks"]["worker"]["oldest_queued_seconds"] >= 20 * 60


def test_stale_scheduler_is_degraded(client):
    _age("scheduler", minutes=30)
    _, body = _get(client)
    assert body["status"] == "degraded"
    assert body["checks"]["scheduler"]["status"] == "degraded"


def test_scheduler_loop_records_its_run(settings, monkeypatch):
    import threading

    from xieshang.core import scheduler

    (settings_dir() / "scheduler.json").unlink()
    stop = threading.Event()
    monkeypatch.setattr(scheduler, "tick", lambda: stop.set() or [])
    scheduler.run_forever(stop, tick_seconds=0)
    assert health.last_beat("scheduler")["at"] > timezone.now() - dt.timedelta(seconds=5)


def test_low_disk_is_degraded_and_almost_full_fails(client, monkeypatch):
    monkeypatch.setattr(shutil, "disk_usage", lambda path: Usage(100 * TB, 95 * TB, 5 * TB))
    response, body = _get(client)
    assert response.status_code == 200
    assert body["checks"]["disk"]["status"] == "degraded"
    volume = next(iter(body["checks"]["disk"]["volumes"].values()))
    assert volume["free_percent"] == 5.0
    assert "media" in {p for v in body["checks"]["disk"]["volumes"].values() for p in v["paths"]}

    monkeypatch.setattr(shutil, "disk_usage", lambda path: Usage(100 * TB, 99 * TB, TB))
    response, body = _get(client)
    assert response.status_code == 503
    assert body["checks"]["disk"]["status"] == "fail"


def test_under_one_gigabyte_free_is_degraded_whatever_the_percentage(client, monkeypatch):
    gb = 1024**3
    monkeypatch.setattr(shutil, "disk_usage", lambda path: Usage(4 * gb, 3.5 * gb, gb // 2))
    _, body = _get(client)
    assert body["checks"]["disk"]["status"] == "degraded"


def test_anonymous_outside_allowed_addresses_gets_only_the_status(client, monkeypatch):
    monkeypatch.setattr(shutil, "disk_usage", lambda path: Usage(100 * TB, 99 * TB, TB))
    response, body = _get(client, REMOTE_ADDR="10.8.0.5")
    assert response.status_code == 503
    assert body == {"status": "fail"}


def test_a_forwarded_request_is_not_local_without_trusted_proxies(client):
    _, body = _get(client, REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.9")
    assert body == {"status": "ok"}


def test_allowed_network_and_token_see_the_detail(client, settings):
    settings.HEALTH_ALLOWED_IPS = ["10.8.0.0/24"]
    assert "checks" in _get(client, REMOTE_ADDR="10.8.0.5")[1]
    assert "checks" not in _get(client, REMOTE_ADDR="127.0.0.1")[1]

    settings.HEALTH_TOKEN = "s3cret-token"
    assert "checks" in _get(client, REMOTE_ADDR="192.0.2.1", HTTP_X_HEALTH_TOKEN="s3cret-token")[1]
    assert "checks" not in _get(client, REMOTE_ADDR="192.0.2.1", HTTP_X_HEALTH_TOKEN="guess")[1]


def test_liveness_touches_nothing(client, django_assert_num_queries, monkeypatch):
    monkeypatch.setattr(shutil, "disk_usage", lambda path: pytest.fail("disk looked at"))
    with django_assert_num_queries(0):
        response, body = _get(client, reverse("health_live"))
    assert response.status_code == 200
    assert body["status"] == "ok"


def test_reachable_without_login_and_past_the_second_factor_and_password_change(client, settings):
    settings.STAFF_2FA_REQUIRED = True
    settings.SECURE_SSL_REDIRECT = True
    # Anonymous: no login redirect, no HTTPS redirect for the monitor on plain HTTP.
    assert client.get("/health/").status_code == 200
    assert client.get("/health/live/").status_code == 200
    # A staff session that still owes its second factor and a new password.
    clerk = user_with_role(Role.OFFICE, make_org(), username="clerk")
    clerk.must_change_password = True
    clerk.save()
    client.force_login(clerk)
    blocked = client.get(reverse("home"), secure=True)
    assert blocked.status_code == 302  # the rules are on
    assert blocked["Location"].startswith(reverse("otp_setup"))
    for path in ("/health/", "/health/live/"):
        response = client.get(path)
        assert response.status_code == 200, path
        assert response["Content-Type"] == "application/json"
    client.force_login(UserFactory(must_change_password=True))
    assert client.get("/health/").status_code == 200


def test_post_is_refused(client):
    assert client.post("/health/").status_code == 405

"""Backup and restore (issue 15): one archive with the database, the uploads, a manifest and
checksums; restored into an empty database every row of every model and every uploaded file
is back, byte for byte.

The round trip runs on the database of the run: SQLite by default (the archive goes back into
a new database file) and PostgreSQL when DATABASE_URL points there (into a scratch database
made for the test and dropped after it). Real transactions, so pg_dump sees committed rows.
"""

import contextlib
import datetime as dt
import hashlib
import io
import json
import os
import stat
import tarfile
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db import connection, transaction

from tests.core import samples
from tests.factories import DepartmentFactory, user_with_role
from tests.proposals.conftest import World, accepted, draft
from xieshang.core import backup, scheduler
from xieshang.core.models import Event
from xieshang.followups import services as followups
from xieshang.orgs.models import Role
from xieshang.proposals import services as proposals

pytestmark = pytest.mark.django_db(transaction=True)

PUBLIC_BYTES = bytes(range(256)) * 40 + "委员风采".encode()


@pytest.fixture
def roots(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    settings.BACKUP_DIR = tmp_path / "backups"
    return settings


def seed() -> dict:
    """Rows across several apps (orgs, members, proposals, followups, audit, notifications)
    and uploads in both roots; returns {absolute path: bytes} of every uploaded file."""
    world = World()
    accepted(world)
    proposal = draft(world, key="li", title="关于建设社区食堂的建议")
    attachment = proposals.attachment_add(
        proposal=proposal,
        actor=world.user("li"),
        file=SimpleUploadedFile("调研报告.pdf", samples.PDF),
    )
    dept = DepartmentFactory(organisation=world.district, name="区民政局")
    office = user_with_role(Role.OFFICE, world.district)
    task = followups.task_open(
        organisation=world.district,
        title="关于社区食堂的办理",
        department=dept,
        working_days=10,
        start_date=dt.date(2026, 3, 2),
        actor=office,
    )
    clerk = user_with_role(Role.DEPARTMENT, world.district, department=dept)
    with transaction.atomic():
        feedback = followups.feedback_submit(
            task=task,
            actor=clerk,
            text="已完成选址调研。",
            document=SimpleUploadedFile("反馈.pdf", samples.PDF + b"%feedback"),
        )
    public = backup.upload_roots()["media"] / "portal" / "banner.bin"
    public.parent.mkdir(parents=True)
    public.write_bytes(PUBLIC_BYTES)
    files = {public: PUBLIC_BYTES}
    for stored in (attachment.file, feedback.document):
        with stored.open("rb") as fh:
            files[Path(stored.path)] = fh.read()
    return files


def fingerprints() -> dict[str, tuple[int, str]]:
    """Rows and a SHA-256 of every field of every row, ordered by pk, per model. The event
    that records the restore itself is left out (it is the one row a restore adds)."""
    result = {}
    for model in backup.concrete_models():
        rows = model._base_manager.order_by("pk")
        if model is Event:
            rows = rows.exclude(verb="backup.restore")
        fields = [f.attname for f in model._meta.concrete_fields]
        values = list(rows.values_list(*fields))
        result[model._meta.label] = (len(values), hashlib.sha256(repr(values).encode()).hexdigest())
    return result


@contextlib.contextmanager
def pointed_at(name: str):
    """Every use of the default connection meanwhile goes to database `name`."""
    connection.ensure_connection()
    saved_name, saved = connection.settings_dict["NAME"], connection.connection
    if connection.vendor == "postgresql":
        connection.close()
        saved = None
    connection.settings_dict["NAME"] = name
    connection.connection = None
    try:
        yield
    finally:
        connection.close()
        connection.settings_dict["NAME"] = saved_name
        connection.connection = saved


@contextlib.contextmanager
def empty_database(tmp_path):
    """A new, empty database of the run's kind, used by the default connection meanwhile."""
    if connection.vendor == "sqlite":
        with pointed_at(str(tmp_path / "restored.sqlite3")):
            yield
        return
    if connection.vendor != "postgresql":
        pytest.skip(f"no round trip for {connection.vendor}")
    scratch = f"{connection.settings_dict['NAME']}_restore_{os.getpid()}"
    with connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{scratch}"')
        cursor.execute(f'CREATE DATABASE "{scratch}"')
    try:
        with pointed_at(scratch):
            yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{scratch}"')


def wipe_uploads(files: dict) -> None:
    for path in files:
        path.unlink()


def test_round_trip_into_an_empty_database_gives_back_every_row_and_every_file(roots, tmp_path):
    files = seed()
    before = fingerprints()
    assert before["proposals.Proposal"][0] == 2 and before["followups.Feedback"][0] == 1

    call_command("backup", stdout=io.StringIO())
    (archive,) = backup.archives(roots.BACKUP_DIR)
    assert stat.S_IMODE(archive.stat().st_mode) == 0o600
    assert Event.objects.filter(verb="backup.create", data__archive=archive.name).exists()
    with tarfile.open(archive) as tar:
        manifest = json.load(tar.extractfile("manifest.json"))
    assert manifest["database"]["vendor"] == connection.vendor
    assert manifest["models"]["proposals.Proposal"]["rows"] == 2
    assert manifest["migrations"]["proposals"].startswith("00")
    assert sum(name.startswith("files/") for name in manifest["files"]) == len(files)

    wipe_uploads(files)
    out = io.StringIO()
    with empty_database(tmp_path):
        call_command("restore", str(archive), "--yes", stdout=out)
        after = fingerprints()
        assert Event.objects.filter(verb="backup.restore").count() == 1
    assert "every table has the row count of the archive" in out.getvalue()
    assert after == before
    for path, content in files.items():
        assert path.read_bytes() == content, path


def _rewrite(archive, target, change):
    """Copy `archive` to `target`, passing each member's bytes through change(name, data)."""
    with tarfile.open(archive) as src, tarfile.open(target, "w:gz") as dst:
        for member in src.getmembers():
            data = change(member.name, src.extractfile(member).read())
            member.size = len(data)
            dst.addfile(member, io.BytesIO(data))


def test_a_damaged_archive_is_refused_before_anything_changes(roots, tmp_path):
    files = seed()
    archive = backup.create_backup().path
    wipe_uploads(files)
    before = fingerprints()

    tampered = tmp_path / "tampered.tar.gz"
    _rewrite(
        archive,
        tampered,
        lambda name, data: data + b"x" if name.endswith("banner.bin") else data,
    )
    with pytest.raises(CommandError, match="checksum mismatch: files/media/portal/banner.bin"):
        call_command("restore", str(tampered), "--yes", "--force")

    truncated = tmp_path / "truncated.tar.gz"
    truncated.write_bytes(archive.read_bytes()[: archive.stat().st_size // 2])
    with pytest.raises(CommandError, match="damaged"):
        call_command("restore", str(truncated), "--yes", "--force")

    assert fingerprints() == before
    assert not any(path.exists() for path in files)


def test_restore_into_a_database_with_tables_or_over_other_files_is_refused(roots, tmp_path):
    files = seed()
    archive = backup.create_backup().path
    before = fingerprints()
    with pytest.raises(CommandError, match="is not empty"):
        call_command("restore", str(archive), "--yes")
    assert fingerprints() == before

    # An upload in the way with other bytes stops the restore before the database is touched.
    banner = next(path for path in files if path.name == "banner.bin")
    banner.write_bytes(b"changed since")
    with empty_database(tmp_path):
        with pytest.raises(CommandError, match="1 uploaded files already exist"):
            call_command("restore", str(archive), "--yes")
        assert connection.introspection.table_names() == []
    assert banner.read_bytes() == b"changed since"


def test_a_row_count_that_differs_from_the_manifest_fails_the_restore(roots, tmp_path):
    seed()
    archive = backup.create_backup().path

    def claim_more_proposals(name, data):
        if name != "manifest.json":
            return data
        manifest = json.loads(data)
        manifest["models"]["proposals.Proposal"]["rows"] += 1
        return json.dumps(manifest).encode()

    edited = tmp_path / "edited.tar.gz"
    _rewrite(archive, edited, claim_more_proposals)
    err = io.StringIO()
    with empty_database(tmp_path), pytest.raises(CommandError, match="1 tables differ"):
        call_command("restore", str(edited), "--yes", "--force", stderr=err)
    assert "proposals.Proposal: 3 rows in the archive, 2 rows" in err.getvalue()


def test_retention_keeps_the_newest_archives_and_leaves_other_files_alone(roots):
    folder = roots.BACKUP_DIR
    folder.mkdir()
    for name in (
        "xieshang-20240101-023000.tar.gz",
        "xieshang-20240102-023000.tar.gz",
        "xieshang-20240103-023000.tar.gz",
        "notes.txt",
    ):
        (folder / name).write_bytes(b"old")
    out = io.StringIO()
    call_command("backup", "--keep", "2", stdout=out)
    names = sorted(path.name for path in folder.iterdir())
    new = backup.archives(folder)[-1].name
    assert names == sorted(["notes.txt", "xieshang-20240103-023000.tar.gz", new])
    assert "removed old backup: xieshang-20240101-023000.tar.gz" in out.getvalue()

    backup.create_backup(keep=0)
    assert len(backup.archives(folder)) == 3


def test_the_scheduler_writes_a_nightly_backup_at_backup_time(roots):
    roots.BACKUP_TIME = "02:30"
    try:
        job = scheduler.register_backup_job()
        assert scheduler.registry()["core.backup"] == job and job.at == dt.time(2, 30)
        scheduler.run_job("core.backup")
    finally:
        scheduler.unregister("core.backup")
    assert len(backup.archives(roots.BACKUP_DIR)) == 1

    roots.BACKUP_TIME = "off"  # the test settings, and how an office switches it off
    assert scheduler.register_backup_job() is None
    assert "core.backup" not in scheduler.registry()


def test_postgres_credentials_go_through_the_environment():
    env = backup.pg_environment(
        {"NAME": "xs", "USER": "u", "PASSWORD": "s3cret", "HOST": "db", "PORT": 5433}
    )
    assert (env["PGDATABASE"], env["PGUSER"], env["PGPASSWORD"], env["PGPORT"]) == (
        "xs",
        "u",
        "s3cret",
        "5433",
    )


def test_restore_asks_before_it_starts(roots, tmp_path, monkeypatch):
    archive = backup.create_backup().path
    monkeypatch.setattr("builtins.input", lambda prompt: "no")
    with empty_database(tmp_path):
        with pytest.raises(CommandError, match="cancelled, nothing changed"):
            call_command("restore", str(archive))
        assert connection.introspection.table_names() == []

"""Backup and restore of the whole installation: the database and every uploaded file.

    path = create_backup()                 # var/backups/xieshang-YYYYMMDD-HHMMSS.tar.gz
    result = restore_backup(path)          # into an empty database; result.ok

One archive (a gzip-compressed tar, mode 0600: it holds personal data) holds

    manifest.json          format version, time, app version, database vendor, migration
                           state, rows per table, SHA-256 and size of every other member
    database.sqlite3       SQLite: a copy made with SQLite's online backup API, or
    database.pgdump        PostgreSQL: `pg_dump --format=custom`
    files/<root>/<path>    the upload folders: media (MEDIA_ROOT), private
                           (PRIVATE_MEDIA_ROOT), and any other folder a model's FileField
                           stores into

The copy is consistent while the app runs: SQLite's backup API copies one snapshot, and on
PostgreSQL the row counts are taken in a REPEATABLE READ transaction whose snapshot pg_dump
shares (`--snapshot`). Files are copied after the database, so the only thing a backup taken
during use can miss is a file deleted in between (uploads are never changed in place).

Restore checks every checksum before it changes anything, refuses a database that has any
table (a migrated schema already holds rows that data migrations and post-migrate write —
parties, content types, permissions — which collide with the archive's) and refuses to
overwrite an upload with different bytes, unless `force`. It then counts the rows of every
table against the manifest. Connection settings reach pg_dump/pg_restore through the PG*
environment variables, never the command line.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
import os
import re
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
import zlib
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections, models

logger = logging.getLogger(__name__)

FORMAT_VERSION = 1
MANIFEST = "manifest.json"
DB_MEMBER = {"sqlite": "database.sqlite3", "postgresql": "database.pgdump"}
FILES_PREFIX = "files/"
ARCHIVE_RE = re.compile(r"^xieshang-(\d{8}-\d{6})(?:-(\d+))?\.tar\.gz$")
CHUNK = 1024 * 1024


class BackupError(Exception):
    """A backup or restore that cannot go on; the message says why, nothing was changed
    unless it says so."""


# --- Settings ---------------------------------------------------------------------------


def backup_dir() -> Path:
    configured = getattr(settings, "BACKUP_DIR", None)
    return Path(configured) if configured else Path(settings.VAR_DIR) / "backups"


def backup_keep() -> int:
    return int(getattr(settings, "BACKUP_KEEP", 14))


def upload_roots() -> dict[str, Path]:
    """Every folder that holds uploaded files, by its name in the archive."""
    from django.core.files.storage import FileSystemStorage

    roots = {"media": Path(settings.MEDIA_ROOT), "private": Path(settings.PRIVATE_MEDIA_ROOT)}
    known = {path.resolve() for path in roots.values()}
    for model in apps.get_models():
        for fld in model._meta.get_fields():
            storage = getattr(fld, "storage", None)
            if isinstance(fld, models.FileField) and isinstance(storage, FileSystemStorage):
                location = Path(storage.location).resolve()
                if location not in known:
                    known.add(location)
                    digest = hashlib.sha1(str(location).encode()).hexdigest()[:8]
                    roots[f"storage-{digest}"] = location
    return roots


# --- What the database holds ------------------------------------------------------------


def concrete_models() -> list[type[models.Model]]:
    """Every model with a table of its own, m2m tables included."""
    return [
        model
        for model in apps.get_models(include_auto_created=True)
        if model._meta.managed and not model._meta.proxy
    ]


def _count_rows(cursor, quote, tables: dict[str, str]) -> dict[str, dict]:
    counts = {}
    for label, table in sorted(tables.items()):
        cursor.execute(f"SELECT COUNT(*) FROM {quote(table)}")
        counts[label] = {"table": table, "rows": cursor.fetchone()[0]}
    return counts


def _migration_state(cursor) -> dict[str, str]:
    cursor.execute("SELECT app, name FROM django_migrations ORDER BY id")
    latest: dict[str, str] = {}
    for app, name in cursor.fetchall():
        latest[app] = name
    return dict(sorted(latest.items()))


def _model_tables() -> dict[str, str]:
    return {model._meta.label: model._meta.db_table for model in concrete_models()}


def app_version() -> str:
    try:
        out = subprocess.run(
            ["git", "describe", "--tags", "--always", "--dirty"],
            cwd=settings.BASE_DIR,
            capture_output=True,
            text=True,
            timeout=10,
            check=True,
        )
        if out.stdout.strip():
            return out.stdout.strip()
    except (OSError, subprocess.SubprocessError):
        pass
    try:
        return metadata.version("xieshang")
    except metadata.PackageNotFoundError:
        return "unknown"


# --- PostgreSQL tools -------------------------------------------------------------------


def pg_environment(settings_dict: dict) -> dict[str, str]:
    """The environment that points libpq tools at a database: no secret on a command line."""
    env = os.environ.copy()
    for var, key in (("PGHOST", "HOST"), ("PGPORT", "PORT"), ("PGUSER", "USER")):
        if settings_dict.get(key):
            env[var] = str(settings_dict[key])
    if settings_dict.get("PASSWORD"):
        env["PGPASSWORD"] = str(settings_dict["PASSWORD"])
    env["PGDATABASE"] = str(settings_dict["NAME"])
    options = settings_dict.get("OPTIONS") or {}
    for var, key in (
        ("PGSSLMODE", "sslmode"),
        ("PGSSLROOTCERT", "sslrootcert"),
        ("PGSSLCERT", "sslcert"),
        ("PGSSLKEY", "sslkey"),
    ):
        if options.get(key):
            env[var] = str(options[key])
    return env


def _run_pg_tool(args: list[str], settings_dict: dict) -> None:
    tool = shutil.which(args[0])
    if tool is None:
        raise BackupError(f"{args[0]} not found: install the PostgreSQL client (postgresql-client)")
    proc = subprocess.run(
        [tool, *args[1:]], env=pg_environment(settings_dict), capture_output=True, text=True
    )
    if proc.returncode != 0:
        raise BackupError(f"{args[0]} failed ({proc.returncode}): {proc.stderr.strip()[:2000]}")


# --- Backup -----------------------------------------------------------------------------


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(CHUNK), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _dump_database(connection, staging: Path) -> tuple[Path, dict, dict]:
    """Copy the database into `staging`; returns (file, row counts, migration state), the
    counts and migrations read from the very snapshot that was copied."""
    tables = _model_tables()
    if connection.vendor == "sqlite":
        target = staging / DB_MEMBER["sqlite"]
        connection.ensure_connection()
        copy = sqlite3.connect(target)
        try:
            connection.connection.backup(copy)
            cursor = copy.cursor()
            counts = _count_rows(cursor, connection.ops.quote_name, tables)
            migrations = _migration_state(cursor)
        finally:
            copy.close()
        return target, counts, migrations
    if connection.vendor == "postgresql":
        target = staging / DB_MEMBER["postgresql"]
        args = ["pg_dump", "--format=custom", f"--file={target}"]
        if connection.in_atomic_block:
            # Inside a caller's transaction no snapshot can be exported; counts and dump may
            # then differ by what commits in between (the commands never run this way).
            with connection.cursor() as cursor:
                counts = _count_rows(cursor, connection.ops.quote_name, tables)
                migrations = _migration_state(cursor)
            _run_pg_tool(args, connection.settings_dict)
            return target, counts, migrations
        connection.ensure_connection()
        raw = connection.connection
        autocommit = connection.get_autocommit()
        connection.set_autocommit(False)
        try:
            with raw.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
                cursor.execute("SELECT pg_export_snapshot()")
                snapshot = cursor.fetchone()[0]
                counts = _count_rows(cursor, connection.ops.quote_name, tables)
                migrations = _migration_state(cursor)
                _run_pg_tool([*args, f"--snapshot={snapshot}"], connection.settings_dict)
        finally:
            raw.rollback()
            connection.set_autocommit(autocommit)
        return target, counts, migrations
    raise BackupError(f"backups of a {connection.vendor} database are not supported")


def _iter_upload_files(roots: dict[str, Path]):
    for key, root in roots.items():
        if not root.is_dir():
            continue
        for dirpath, dirnames, filenames in os.walk(root):
            dirnames.sort()
            for name in sorted(filenames):
                path = Path(dirpath) / name
                if path.is_symlink() or not path.is_file():
                    continue
                yield f"{FILES_PREFIX}{key}/{path.relative_to(root).as_posix()}", path


def _archive_path(output: Path | str | None, now: dt.datetime) -> Path:
    name = f"xieshang-{now:%Y%m%d-%H%M%S}.tar.gz"
    if output is not None:
        output = Path(output)
        if output.name.endswith((".tar.gz", ".tgz")) and not output.is_dir():
            output.parent.mkdir(parents=True, exist_ok=True)
            return output
        directory = output
    else:
        directory = backup_dir()
    directory.mkdir(parents=True, exist_ok=True, mode=0o700)
    path = directory / name
    n = 1
    while path.exists():
        n += 1
        path = directory / f"xieshang-{now:%Y%m%d-%H%M%S}-{n}.tar.gz"
    return path


@dataclass
class BackupResult:
    path: Path
    size: int
    files: int
    rows: int
    pruned: list[Path] = field(default_factory=list)


def create_backup(
    output: Path | str | None = None,
    *,
    keep: int | None = None,
    using: str = DEFAULT_DB_ALIAS,
    now: dt.datetime | None = None,
) -> BackupResult:
    """Write one archive and, with `keep` (> 0), delete all but the newest `keep` archives
    of its folder. Audited as `backup.create`."""
    from django.utils import timezone

    from .audit import record_event

    connection = connections[using]
    now = now or timezone.localtime()
    path = _archive_path(output, now)
    roots = upload_roots()
    with tempfile.TemporaryDirectory(prefix="xieshang-backup-") as tmp:
        staging = Path(tmp)
        db_file, counts, migrations = _dump_database(connection, staging)
        members = [(DB_MEMBER[connection.vendor], db_file), *_iter_upload_files(roots)]
        manifest = {
            "format_version": FORMAT_VERSION,
            "created_at": now.isoformat(),
            "app_version": app_version(),
            "django_version": _django_version(),
            "database": {"vendor": connection.vendor, "member": DB_MEMBER[connection.vendor]},
            "migrations": migrations,
            "models": counts,
            "roots": {key: str(root) for key, root in roots.items()},
            "files": {},
        }
        partial = path.with_name(f".{path.name}.part")
        fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        try:
            os.fchmod(fd, 0o600)
            with (
                os.fdopen(fd, "wb") as raw,
                tarfile.open(fileobj=raw, mode="w:gz", compresslevel=6) as tar,
            ):
                for name, source in members:
                    manifest["files"][name] = {
                        "sha256": _sha256(source),
                        "size": source.stat().st_size,
                    }
                    tar.add(source, arcname=name, recursive=False, filter=_plain_member)
                data = json.dumps(manifest, ensure_ascii=False, indent=1).encode()
                info = tarfile.TarInfo(MANIFEST)
                info.size, info.mtime, info.mode = len(data), int(now.timestamp()), 0o600
                tar.addfile(info, fileobj=_bytes_io(data))
            os.replace(partial, path)
        except BaseException:
            partial.unlink(missing_ok=True)
            raise
    size = path.stat().st_size
    rows = sum(entry["rows"] for entry in counts.values())
    result = BackupResult(path=path, size=size, files=len(members) - 1, rows=rows)
    keep = backup_keep() if keep is None else keep
    if keep > 0:
        result.pruned = prune(path.parent, keep)
    record_event(
        actor=None,
        verb="backup.create",
        note=path.name,
        data={
            "archive": path.name,
            "size": size,
            "files": result.files,
            "rows": rows,
            "pruned": [p.name for p in result.pruned],
        },
    )
    logger.info("backup written: %s (%d bytes)", path, size)
    return result


def _django_version() -> str:
    import django

    return django.get_version()


def _bytes_io(data: bytes):
    import io

    return io.BytesIO(data)


def _plain_member(info: tarfile.TarInfo) -> tarfile.TarInfo:
    info.uid = info.gid = 0
    info.uname = info.gname = ""
    info.mode = 0o600
    return info


def archives(directory: Path) -> list[Path]:
    """The backup archives of a folder, oldest first (by the time in their names)."""
    found = []
    for path in Path(directory).iterdir():
        match = ARCHIVE_RE.match(path.name)
        if match and path.is_file():
            found.append(((match.group(1), int(match.group(2) or 1)), path))
    return [path for _key, path in sorted(found)]


def prune(directory: Path, keep: int) -> list[Path]:
    """Delete all but the newest `keep` archives named like ours; other files stay."""
    if keep < 1:
        return []
    old = archives(directory)[:-keep]
    for path in old:
        path.unlink(missing_ok=True)
        logger.info("backup pruned: %s", path)
    return old


# --- Restore ----------------------------------------------------------------------------


@dataclass
class RestoreResult:
    manifest: dict
    files_written: int = 0
    files_unchanged: int = 0
    mismatches: list[tuple[str, int, int | None]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.mismatches


def read_archive(archive: Path | str, into: Path) -> dict:
    """Extract `archive` into `into` and check it against its manifest; returns the manifest.
    Raises BackupError on anything unreadable, missing, extra or altered."""
    archive = Path(archive)
    if not archive.is_file():
        raise BackupError(f"{archive}: no such archive")
    try:
        with tarfile.open(archive, mode="r:*") as tar:
            for member in tar.getmembers():
                if not (member.isfile() or member.isdir()):
                    raise BackupError(f"{archive.name}: unexpected member {member.name!r}")
            tar.extractall(into, filter="data")
    except (tarfile.TarError, EOFError, OSError, ValueError, zlib.error) as exc:
        raise BackupError(
            f"{archive.name}: the archive is damaged or not a backup ({exc}); nothing was restored"
        ) from exc
    try:
        manifest = json.loads((into / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise BackupError(
            f"{archive.name}: no readable {MANIFEST}, the archive is damaged or not a backup "
            f"({exc}); nothing was restored"
        ) from exc
    if manifest.get("format_version") != FORMAT_VERSION:
        raise BackupError(
            f"{archive.name}: backup format {manifest.get('format_version')!r} is not "
            f"{FORMAT_VERSION}, which this version reads"
        )
    listed = manifest.get("files") or {}
    present = {
        path.relative_to(into).as_posix()
        for path in into.rglob("*")
        if path.is_file() and path.relative_to(into).as_posix() != MANIFEST
    }
    problems = [f"missing: {name}" for name in sorted(set(listed) - present)]
    problems += [f"not in the manifest: {name}" for name in sorted(present - set(listed))]
    for name in sorted(set(listed) & present):
        if _sha256(into / name) != listed[name].get("sha256"):
            problems.append(f"checksum mismatch: {name}")
    if problems:
        shown = "; ".join(problems[:10]) + (" …" if len(problems) > 10 else "")
        raise BackupError(
            f"{archive.name}: the archive failed its checks, nothing was restored: {shown}"
        )
    return manifest


def _target_root(key: str, manifest: dict) -> Path:
    roots = upload_roots()
    if key in roots:
        return roots[key]
    recorded = (manifest.get("roots") or {}).get(key)
    if not recorded:
        raise BackupError(f"no folder known for the archive's files under {key!r}")
    return Path(recorded)


def _file_plan(staging: Path, manifest: dict) -> tuple[list[tuple[Path, Path]], int, list[Path]]:
    """(copies to make, files already identical, files in the way)."""
    copies, same, conflicts = [], 0, []
    for name in sorted(manifest["files"]):
        if not name.startswith(FILES_PREFIX):
            continue
        key, _, relative = name[len(FILES_PREFIX) :].partition("/")
        target = _target_root(key, manifest) / relative
        if target.exists():
            if target.is_file() and _sha256(target) == manifest["files"][name]["sha256"]:
                same += 1
                continue
            conflicts.append(target)
        copies.append((staging / name, target))
    return copies, same, conflicts


def _restore_database(connection, source: Path, *, clean: bool) -> None:
    connections.close_all()
    if connection.vendor == "sqlite":
        target = connection.settings_dict["NAME"]
        if connection.is_in_memory_db():
            raise BackupError("the target SQLite database is in memory; name a file")
        Path(target).parent.mkdir(parents=True, exist_ok=True)
        src = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
        try:
            dst = sqlite3.connect(target)
            try:
                src.backup(dst)
            finally:
                dst.close()
        except sqlite3.Error as exc:
            raise BackupError(f"could not write the database {target}: {exc}") from exc
        finally:
            src.close()
    elif connection.vendor == "postgresql":
        args = ["pg_restore", "--no-owner", "--no-acl", "--exit-on-error", "--single-transaction"]
        if clean:
            args += ["--clean", "--if-exists"]
        args += [f"--dbname={connection.settings_dict['NAME']}", str(source)]
        _run_pg_tool(args, connection.settings_dict)
        # pg_restore writes rows but no planner statistics: analyse the whole database.
        from .db import analyze

        analyze(using=connection.alias)
    else:
        raise BackupError(f"restoring into a {connection.vendor} database is not supported")
    connections.close_all()


def restore_backup(
    archive: Path | str, *, force: bool = False, using: str = DEFAULT_DB_ALIAS
) -> RestoreResult:
    """Put an archive back into the database `using` and the upload folders.

    Checks come first and change nothing: the archive's checksums, the database vendor, an
    empty target database (or `force`), no upload in the way with other bytes (or `force`).
    """
    connection = connections[using]
    with tempfile.TemporaryDirectory(prefix="xieshang-restore-") as tmp:
        staging = Path(tmp)
        manifest = read_archive(archive, staging)
        vendor = manifest["database"]["vendor"]
        if vendor != connection.vendor:
            raise BackupError(
                f"the archive holds a {vendor} database; the target is {connection.vendor}"
            )
        tables = connection.introspection.table_names()
        if tables and not force:
            raise BackupError(
                f"the target database {connection.settings_dict['NAME']} is not empty "
                f"({len(tables)} tables); restore into a new, empty database, or use --force "
                "to replace what it holds"
            )
        copies, same, conflicts = _file_plan(staging, manifest)
        if conflicts and not force:
            shown = ", ".join(str(p) for p in conflicts[:5])
            raise BackupError(
                f"{len(conflicts)} uploaded files already exist with other contents ({shown}"
                f"{' …' if len(conflicts) > 5 else ''}); use --force to overwrite them"
            )
        _restore_database(connection, staging / manifest["database"]["member"], clean=bool(tables))
        for source, target in copies:
            target.parent.mkdir(parents=True, exist_ok=True)
            partial = target.with_name(f".{target.name}.restore")
            shutil.copyfile(source, partial)
            os.replace(partial, target)
        result = RestoreResult(manifest=manifest, files_written=len(copies), files_unchanged=same)
    result.mismatches = check_counts(manifest, using=using)
    _record_restore(archive, result)
    return result


def check_counts(
    manifest: dict, *, using: str = DEFAULT_DB_ALIAS
) -> list[tuple[str, int, int | None]]:
    """(model, rows in the manifest, rows now — None when the table is missing) per
    difference."""
    connection = connections[using]
    existing = set(connection.introspection.table_names())
    mismatches = []
    with connection.cursor() as cursor:
        for label, entry in sorted(manifest["models"].items()):
            table = entry["table"]
            if table not in existing:
                mismatches.append((label, entry["rows"], None))
                continue
            cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(table)}")
            rows = cursor.fetchone()[0]
            if rows != entry["rows"]:
                mismatches.append((label, entry["rows"], rows))
    return mismatches


def _record_restore(archive: Path | str, result: RestoreResult) -> None:
    """Audited after the count check, so the restored audit log shows where it came from."""
    from .audit import record_event

    try:
        record_event(
            actor=None,
            verb="backup.restore",
            note=Path(archive).name,
            data={
                "archive": Path(archive).name,
                "created_at": result.manifest.get("created_at"),
                "app_version": result.manifest.get("app_version"),
                "files_written": result.files_written,
                "mismatches": [list(m) for m in result.mismatches],
            },
        )
    except Exception:  # a schema the archive left without the audit table
        logger.exception("backup.restore: could not record the audit event")

"""Restore a backup archive into an empty database and the upload folders."""

from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS, connections

from xieshang.core.backup import BackupError, restore_backup


class Command(BaseCommand):
    help = (
        "Restore an archive written by `backup`: checks every checksum first, then restores "
        "the database (which must be empty unless --force) and the uploaded files, and "
        "compares the rows of every table with the archive's manifest."
    )

    def add_arguments(self, parser):
        parser.add_argument("archive", help="the .tar.gz archive written by `manage.py backup`")
        parser.add_argument("--yes", action="store_true", help="do not ask for confirmation")
        parser.add_argument(
            "--force",
            action="store_true",
            help="restore into a database that has tables, replacing what the archive holds, "
            "and overwrite uploaded files that differ",
        )

    def handle(self, *args, **options):
        settings_dict = connections[DEFAULT_DB_ALIAS].settings_dict
        if not options["yes"]:
            try:
                answer = input(
                    f"Restore {options['archive']} into the database {settings_dict['NAME']} "
                    "and the upload folders? Type 'yes' to continue: "
                )
            except EOFError:  # no terminal (cron, a pipe): only --yes goes on
                answer = ""
            if answer.strip().lower() != "yes":
                raise CommandError("cancelled, nothing changed")
        try:
            result = restore_backup(options["archive"], force=options["force"])
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        manifest = result.manifest
        total = sum(entry["rows"] for entry in manifest["models"].values())
        self.stdout.write(
            f"restored backup of {manifest['created_at']} (app {manifest['app_version']}, "
            f"{manifest['database']['vendor']}): {len(manifest['models'])} tables, {total} rows; "
            f"{result.files_written} files written, {result.files_unchanged} already in place"
        )
        if result.mismatches:
            for label, expected, found in result.mismatches:
                found_text = "table missing" if found is None else f"{found} rows"
                self.stderr.write(f"  {label}: {expected} rows in the archive, {found_text}")
            raise CommandError(f"{len(result.mismatches)} tables differ from the archive")
        self.stdout.write("every table has the row count of the archive")

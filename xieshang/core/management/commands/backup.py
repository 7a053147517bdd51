"""Write one backup archive: the database and every uploaded file (see core/backup.py)."""

from django.core.management.base import BaseCommand, CommandError

from xieshang.core.backup import BackupError, backup_dir, backup_keep, create_backup


class Command(BaseCommand):
    help = (
        "Back up the database and the uploaded files into one .tar.gz archive with a "
        "manifest and checksums (default folder: BACKUP_DIR, var/backups)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--output",
            help="a folder for the archive, or the archive's file name (*.tar.gz); "
            f"default {backup_dir()}",
        )
        parser.add_argument(
            "--keep",
            type=int,
            default=None,
            help="afterwards keep only the newest N archives of that folder (0: keep all); "
            f"default BACKUP_KEEP ({backup_keep()})",
        )

    def handle(self, *args, **options):
        if options["keep"] is not None and options["keep"] < 0:
            raise CommandError("--keep must be 0 (keep all) or more")
        try:
            result = create_backup(options["output"], keep=options["keep"])
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            f"backup written: {result.path} ({result.size} bytes, {result.rows} rows, "
            f"{result.files} files)"
        )
        for path in result.pruned:
            self.stdout.write(f"removed old backup: {path.name}")

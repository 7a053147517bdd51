"""Check the audit log's seal chain (core.audit_seal): exit 0 when every sealed event is as
it was sealed, 1 at the first change or removal. Seals what is pending first and records
the result in the log, as the nightly job does."""

from django.core.management.base import BaseCommand, CommandError

from xieshang.core.audit_seal import check_and_record, describe


class Command(BaseCommand):
    help = "Verify that no audit event was changed or removed after it was sealed."

    def handle(self, *args, **options):
        result = check_and_record()
        if not result.ok:
            raise CommandError(describe(result))
        self.stdout.write(describe(result))

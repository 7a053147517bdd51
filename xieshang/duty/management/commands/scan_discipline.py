from django.core.management.base import BaseCommand

from xieshang.duty.services import scan_all


class Command(BaseCommand):
    help = "Raise duty discipline cases (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, default=None)

    def handle(self, *args, year=None, **options):
        result = scan_all(year)
        self.stdout.write(f"discipline cases created: {result['created']}")

"""manage.py fill_figures: count and store the closed years' 办理统计 now, as the nightly job
`proposals.fill_figures` does (after an import, or to fill a new installation at once)."""

import time

from django.core.management.base import BaseCommand

from xieshang.orgs.models import Organisation
from xieshang.proposals import figures_store


class Command(BaseCommand):
    help = "Count and store the proposal figures of every closed year not stored yet."

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, action="append", help="Only this year.")
        parser.add_argument(
            "--organisation",
            action="append",
            help="Only this committee (its code or id), not those below it.",
        )
        parser.add_argument("--refresh", action="store_true", help="Drop every stored year first.")
        parser.add_argument("--verbose", action="store_true", help="Print each one counted.")

    def handle(self, *args, **options):
        started = time.monotonic()
        if options["refresh"]:
            figures_store.invalidate_all()
        orgs = None
        if options["organisation"]:
            given = options["organisation"]
            orgs = [o for o in figures_store.committees() if o.code in given or str(o.pk) in given]
            if not orgs:
                raise Organisation.DoesNotExist(f"no committee {given}")

        def progress(org, year, export, seconds):
            if options["verbose"]:
                kind = " export" if export else ""
                self.stdout.write(f"{org.name} {year}{kind}: {seconds:.2f} s")

        stored = figures_store.fill_closed_years(
            organisations=orgs, years=options["year"], progress=progress
        )
        self.stdout.write(
            f"stored the figures of {stored} organisation-years "
            f"in {time.monotonic() - started:.1f} s"
        )

"""Bring the similar-items vectors up to date (see xieshang/textsim/vectors.py).

    manage.py textvectors                 # rows for every registered item, then the vectors
    manage.py textvectors --model proposals.Proposal

Run it after a bulk import or a seed, which write items without the signals that keep the
rows current (`textindex --rebuild` is the same for search). Each distinct title is
embedded once, in batches; demo titles repeat, so a 300,000-proposal seed costs minutes.
"""

import time

from django.apps import apps
from django.core.management.base import BaseCommand, CommandError

from xieshang.textsim import vectors


class Command(BaseCommand):
    help = "Compute the similar-items vectors (all registered models, or --model app.Model)."

    def add_arguments(self, parser):
        parser.add_argument("--model", action="append", default=[], metavar="app.Model")

    def handle(self, *args, **options):
        chosen = []
        for label in options["model"]:
            try:
                model = apps.get_model(label)
            except (LookupError, ValueError) as exc:
                raise CommandError(str(exc)) from exc
            if vectors.spec_for(model) is None:
                raise CommandError(f"{label} has no similar items")
            chosen.append(model)
        started = time.monotonic()
        verbosity = options["verbosity"]

        def progress(label, done):
            if verbosity > 1:
                self.stdout.write(f"{label}: {done}")

        counts = vectors.rebuild(chosen or None, progress=progress)
        for label, count in counts.items():
            self.stdout.write(f"{label}: {count}")
        self.stdout.write(f"{time.monotonic() - started:.1f} s")

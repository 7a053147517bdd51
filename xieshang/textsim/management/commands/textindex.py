"""Rebuild the text index behind `textsim.search()` (see xieshang/textsim/index.py).

    manage.py textindex --rebuild                          # every registered model
    manage.py textindex --rebuild --model proposals.Proposal

Items are read and written in batches, segmented in one worker process per usable core
(`--jobs N` to choose); run it after a bulk import or a seed, which write
rows without the signals that keep the index current. Without --rebuild it lists what is
indexed and how many entries each model has.
"""

import time

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.core.management.base import BaseCommand, CommandError

from xieshang.textsim import index
from xieshang.textsim.models import SearchEntry


class Command(BaseCommand):
    help = "Rebuild the full-text search index (all registered models, or --model app.Model)."

    def add_arguments(self, parser):
        parser.add_argument("--rebuild", action="store_true", help="Rebuild the entries.")
        parser.add_argument(
            "--model",
            action="append",
            default=[],
            metavar="app.Model",
            help="Only this model (repeatable).",
        )
        parser.add_argument("--batch", type=int, default=index.BATCH)
        parser.add_argument(
            "--jobs",
            type=int,
            default=None,
            help=(
                "Worker processes that segment the text (default: one per usable core, "
                f"here {index.default_jobs()}; 1 segments in this process)."
            ),
        )

    def handle(
        self, *args, rebuild=False, model=(), batch=index.BATCH, jobs=None, verbosity=1, **kw
    ):
        chosen = []
        for label in model:
            try:
                found = apps.get_model(label)
            except (LookupError, ValueError) as exc:
                raise CommandError(f"Unknown model {label!r}.") from exc
            if index.spec_for(found) is None:
                registered = ", ".join(s.label for s in index.specs())
                raise CommandError(f"{label} is not indexed (indexed: {registered}).")
            chosen.append(found)
        if not rebuild:
            for spec in [index.spec_for(m) for m in chosen] or index.specs():
                ct = ContentType.objects.get_for_model(spec.model)
                count = SearchEntry.objects.filter(content_type=ct).count()
                self.stdout.write(f"{spec.label}: {count}")
            return
        started = time.monotonic()
        last_report = [started]

        def progress(label, done):
            now = time.monotonic()
            if verbosity > 1 or (verbosity == 1 and now - last_report[0] > 10):
                last_report[0] = now
                self.stdout.write(f"  {label}: {done} …")

        counts = index.rebuild(chosen or None, batch=batch, jobs=jobs, progress=progress)
        for label, count in counts.items():
            self.stdout.write(f"{label}: {count}")
        if verbosity:
            self.stdout.write(f"Indexed in {time.monotonic() - started:.1f} s.")

"""`manage.py run_scheduler`: queue the periodic jobs when they are due, until stopped."""

import signal
import threading

from django.conf import settings
from django.core.management.base import BaseCommand

from xieshang.core import scheduler


class Command(BaseCommand):
    help = "Run the periodic-job scheduler (queues due jobs for the task worker)."

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="Run one tick, then exit.")
        parser.add_argument(
            "--tick",
            type=float,
            default=None,
            help="Seconds between ticks (default: SCHEDULER_TICK_SECONDS).",
        )
        parser.add_argument("--list", action="store_true", help="List the jobs, then exit.")

    def handle(self, *args, once=False, tick=None, list=False, **options):
        if list:
            last = scheduler.FileStateStore().last_runs()
            for name, job in scheduler.registry().items():
                when = last.get(name)
                self.stdout.write(f"{name}\t{job.describe()}\t{when.isoformat() if when else '-'}")
            return
        if once:
            started = scheduler.tick()
            self.stdout.write("queued: " + (", ".join(started) or "nothing due"))
            return
        tick_seconds = tick if tick is not None else settings.SCHEDULER_TICK_SECONDS
        stop = threading.Event()

        def request_stop(signum, frame):
            stop.set()

        signal.signal(signal.SIGINT, request_stop)
        signal.signal(signal.SIGTERM, request_stop)
        scheduler.run_forever(stop, tick_seconds=tick_seconds)

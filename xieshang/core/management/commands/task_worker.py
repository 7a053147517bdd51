"""The background worker: django-tasks-db's `db_worker`, with a worker id that names its host
and process, a recovery pass at start-up for the tasks a dead worker left running (the
same pass runs every five minutes as the `core.recover_lost_tasks` job), and a heartbeat
that `/health/` reads (core.health; written from a thread, so a long task does not make
the worker look dead — a stuck queue shows as the oldest queued task's age instead)."""

from django_tasks_db.management.commands.db_worker import Command as DbWorkerCommand

from xieshang.core.health import start_heartbeat_thread
from xieshang.core.tasks import recover_lost_tasks, worker_id


class Command(DbWorkerCommand):
    help = "Run the background task worker (db_worker with crash recovery)."

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.set_defaults(worker_id=worker_id())

    def handle(self, *args, **options):
        recover_lost_tasks()
        start_heartbeat_thread("worker", worker=options.get("worker_id", ""))
        return super().handle(*args, **options)

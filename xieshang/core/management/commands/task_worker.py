"""The background worker: django-tasks-db's `db_worker`, with a worker id that names its host
and process, and a recovery pass at start-up for the tasks a dead worker left running (the
same pass runs every five minutes as the `core.recover_lost_tasks` job)."""

from django_tasks_db.management.commands.db_worker import Command as DbWorkerCommand

from xieshang.core.tasks import recover_lost_tasks, worker_id


class Command(DbWorkerCommand):
    help = "Run the background task worker (db_worker with crash recovery)."

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.set_defaults(worker_id=worker_id())

    def handle(self, *args, **options):
        recover_lost_tasks()
        return super().handle(*args, **options)

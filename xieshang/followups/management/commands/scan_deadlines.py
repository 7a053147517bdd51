import datetime as dt

from django.core.management.base import BaseCommand

from xieshang.followups.services import scan_deadlines


class Command(BaseCommand):
    help = "Send due-date reminders and escalate overdue follow-up tasks (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument("--today", type=dt.date.fromisoformat, help="YYYY-MM-DD (testing)")

    def handle(self, *args, today=None, **options):
        result = scan_deadlines(today=today)
        self.stdout.write(f"reminded {result['reminded']}, escalated {result['escalated']}")

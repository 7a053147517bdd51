"""Background jobs of members (django-tasks)."""

from django_tasks import task


@task()
def run_member_import(job_id: int) -> None:
    """Kept for imports queued before they became core jobs (core.tasks.run_job now)."""
    from xieshang.core.jobs import execute

    execute(job_id)

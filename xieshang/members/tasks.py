"""Background jobs of members (django-tasks)."""

from django_tasks import task


@task()
def run_member_import(job_id: int) -> None:
    """Read, check and write one uploaded member list (see members.imports)."""
    from .imports import run_import

    run_import(job_id)

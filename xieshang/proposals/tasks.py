"""Background tasks of proposals (django-tasks, run by `manage.py db_worker`)."""

from django_tasks import task


@task()
def rebuild_suggestion_models(organisation_ids: list[int]) -> int:
    """Build and store the department-suggestion models of these organisations (routing.py).
    Returns how many were stored."""
    from .routing import rebuild

    return sum(1 for pk in organisation_ids if rebuild(pk) is not None)

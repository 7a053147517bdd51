"""Periodic work of proposals, run by `manage.py run_scheduler`."""

import datetime as dt

from xieshang.core.scheduler import periodic


@periodic("proposals.publish_due", every=dt.timedelta(hours=1))
def publish_due() -> int:
    """Publish on the portal the answers whose publication delay has passed."""
    from .services import publish_due as publish

    return publish()


@periodic("proposals.remind_cosigners", at=dt.time(8, 30))
def remind_cosigners() -> int:
    """Remind the co-signers whose invitation has waited a few working days (once)."""
    from .services import cosign_remind

    return cosign_remind()


@periodic("proposals.remind_revision", at=dt.time(8, 30))
def remind_revision() -> int:
    """Remind the first proposers of proposals returned for revision and not resubmitted
    after a few working days (once)."""
    from .services import revision_remind

    return revision_remind()


@periodic("proposals.remind_contact", at=dt.time(8, 30))
def remind_contact() -> int:
    """Remind the answering departments with no contact on record that the contact-by date
    (联系提案人时限) is near, and tell them once when it has passed (once per assignment
    each)."""
    from .services import contact_overdue_notify, contact_remind

    return contact_remind() + contact_overdue_notify()


@periodic("proposals.refresh_suggestion_models", every=dt.timedelta(minutes=10))
def refresh_suggestion_models() -> int:
    """Enqueue a rebuild of the department-suggestion models that are missing or stale (new
    assignments, units or remits changed), a few organisations per task so that other tasks
    run in between. Returns how many organisations were enqueued."""
    from .routing import stale_organisations
    from .tasks import rebuild_suggestion_models

    stale = stale_organisations()
    for start in range(0, len(stale), 5):
        rebuild_suggestion_models.enqueue(stale[start : start + 5])
    return len(stale)


@periodic("proposals.fill_figures", at=dt.time(2, 10))
def fill_figures() -> int:
    """Count and store the 办理统计 of every closed year that is not stored (new, or
    invalidated by a change since): the province's and the cities' closed years then read
    in a few queries instead of counting every county's rows (figures_store.py)."""
    from .figures_store import fill_closed_years

    return fill_closed_years()

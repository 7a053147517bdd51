"""The audit log as Excel: at once, or past `EXPORT_JOB_THRESHOLD` rows as a background job
(core/jobs.py) whose file only the person who asked for it may download."""

from types import SimpleNamespace

from django.http import QueryDict
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from . import access, jobs
from .audit import record_event, verb_label
from .db import in_chunks

KIND = "audit.export"
EXPORT_LIMIT = 100_000
PROGRESS_EVERY = 1000


def may_export(user) -> bool:
    return access.can(user, "audit.export") or access.can(user, "audit.view_admins")


def events(user, query: QueryDict):
    """The log's rows as its page filters them, newest first, at most EXPORT_LIMIT."""
    from .forms import AuditFilterForm
    from .views_admin import _audit_organisations, _filtered_events

    form = AuditFilterForm(query or None, organisations=_audit_organisations(user))
    qs = _filtered_events(SimpleNamespace(user=user), form)
    return qs.select_related("organisation").order_by("-created_at", "-id")[:EXPORT_LIMIT]


def workbook(user, query: QueryDict, progress=None) -> bytes:
    """The file, streamed (write-only) so that EXPORT_LIMIT rows never sit in memory as
    cells; the export itself is audited (audit.export)."""
    from .excel import Book, append_row

    book = Book(write_only=True)
    ws = book.sheet(
        _("审计日志"),
        [
            _("时间"),
            _("操作人"),
            _("动作"),
            _("动作代码"),
            _("对象"),
            _("组织"),
            _("原状态"),
            _("新状态"),
            _("说明"),
            _("IP 地址"),
        ],
    )
    count = 0
    rows = events(user, query)
    # A job reports progress between reads: its reads must not stay open (core.db.in_chunks).
    for event in in_chunks(rows) if progress else rows.iterator(chunk_size=2000):
        count += 1
        if progress and count % PROGRESS_EVERY == 0:
            progress(count)
        append_row(
            ws,
            [
                timezone.localtime(event.created_at).strftime("%Y-%m-%d %H:%M:%S"),
                event.actor_name,
                verb_label(event.verb),
                event.verb,
                event.object_repr,
                event.organisation.name if event.organisation else "",
                event.from_state,
                event.to_state,
                event.note,
                event.ip_address or "",
            ],
        )
    content = book.to_bytes()
    filters = {k: v for k, v in query.items() if k != "page" and v}
    record_event(
        actor=user,
        verb="audit.export",
        organisation=access.home_organisation(user),
        data={"count": count, "filters": filters},
    )
    return content


def file_name() -> str:
    return f"{_('审计日志')}-{timezone.localdate():%Y%m%d}.xlsx"


@jobs.register(KIND, gettext_lazy("导出审计日志"))
def run_export(job: jobs.Job) -> None:
    user = job.owner
    # Rights are read again when the job runs: a role removed meanwhile exports nothing.
    if not may_export(user):
        jobs.fail(job, message=_("您已无权导出审计日志。"))
        return
    content = workbook(
        user, QueryDict(job.params.get("query", "")), progress=lambda n: jobs.progress(job, n)
    )
    jobs.complete(job, message=_("审计日志已导出。"), result=(file_name(), content))

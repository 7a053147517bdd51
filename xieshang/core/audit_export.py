"""The audit log as Excel: at once, or past `EXPORT_JOB_THRESHOLD` rows as a background job
(core/jobs.py) whose file only the person who asked for it may download."""

from types import SimpleNamespace

from django.http import QueryDict
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy
from openpyxl.utils import get_column_letter

from xieshang.orgs.models import Role

from . import access, jobs
from .audit import record_event, state_label, verb_label
from .db import in_chunks
from .pii import mask_numbers

KIND = "audit.export"
EXPORT_LIMIT = 100_000
PROGRESS_EVERY = 1000


def may_export(user) -> bool:
    return access.can(user, "audit.export") or access.can(user, "audit.view_admins")


def _form(user, query: QueryDict):
    from .forms import AuditFilterForm
    from .views_admin import _audit_organisations

    return AuditFilterForm(query or None, organisations=_audit_organisations(user))


def filter_valid(user, query: QueryDict) -> bool:
    """Is the page's filter in `query` acceptable? (No filter at all is: the whole log.)"""
    form = _form(user, query)
    return not form.is_bound or form.is_valid()


def events(user, query: QueryDict):
    """The log's rows as its page filters them, newest first, at most EXPORT_LIMIT."""
    from .views_admin import _filtered_events

    qs = _filtered_events(SimpleNamespace(user=user), _form(user, query))
    return qs.select_related("organisation").order_by("-created_at", "-id")[:EXPORT_LIMIT]


# Events whose states are roles (`orgs.Role` codes). Their subject is the account, whose
# model has no role field to label them, and events before 2026-12-05 stored no label.
ROLE_VERBS = frozenset({"user.create", "user.role_assign", "user.role_remove", "user.role_refused"})


# States that no choice field of the subject's model names: an account's (User has no
# status field), a screening term's and an organisation's (booleans) and an API token's (a
# property): 启用→已停用, not "active→inactive".
_ACCOUNT_STATES = {"active": gettext_lazy("启用"), "inactive": gettext_lazy("已停用")}
_TOKEN_STATES = {
    "active": gettext_lazy("有效"),
    "expired": gettext_lazy("已过期"),
    "revoked": gettext_lazy("已撤销"),
}
# An organisation's 撤销 and 恢复 (orgs.services.OPEN, CLOSED).
_ORGANISATION_STATES = {
    "active": pgettext_lazy("organisation", "启用"),
    "closed": pgettext_lazy("organisation", "撤销"),
}
STATE_VERBS = {
    "user.activate": _ACCOUNT_STATES,
    "user.deactivate": _ACCOUNT_STATES,
    "screening.term_activate": _ACCOUNT_STATES,
    "screening.term_deactivate": _ACCOUNT_STATES,
    "org.close": _ORGANISATION_STATES,
    "org.reopen": _ORGANISATION_STATES,
    "api_token.issue": _TOKEN_STATES,
    "api_token.revoke": _TOKEN_STATES,
}


def _role_label(code: str) -> str:
    return str(Role(code).label) if code in Role.values else code


def states(event) -> tuple[str, str]:
    """(from, to): the event's states as people read them, in the current language
    ("政协办公室", not "office"); for the log page and its export alike. A state that did
    not change reads as none ("", ""), as on the history panels: an overdue escalation
    written before it had no states is not "办理中→办理中"."""
    from_text, to_text = _state_labels(event)
    if from_text == to_text:
        return "", ""
    return from_text, to_text


def _state_labels(event) -> tuple[str, str]:
    if event.verb in ROLE_VERBS:
        to_state = event.to_state
        if event.verb == "user.create" and not to_state:
            to_state = (event.data or {}).get("role") or ""  # written before it had one
        return _role_label(event.from_state), _role_label(to_state)
    labels = STATE_VERBS.get(event.verb)
    if labels is not None:
        return tuple(str(labels.get(v, v)) for v in (event.from_state, event.to_state))
    return state_label(event, "from"), state_label(event, "to")


# (header, column width in characters): the write-only sheet cannot widen a column to its
# content once rows are written, so the widths are set for what the columns hold.
COLUMNS = [
    (gettext_lazy("时间"), 20),
    (gettext_lazy("操作人"), 12),
    (gettext_lazy("动作"), 16),
    (gettext_lazy("动作代码"), 22),
    (gettext_lazy("对象"), 30),
    (gettext_lazy("组织"), 20),
    (gettext_lazy("原状态"), 14),
    (gettext_lazy("新状态"), 14),
    (gettext_lazy("说明"), 40),
    (gettext_lazy("IP 地址"), 16),
]


def workbook(user, query: QueryDict, progress=None) -> bytes:
    """The file, streamed (write-only) so that EXPORT_LIMIT rows never sit in memory as
    cells; the export itself is audited (audit.export)."""
    from .excel import Book, append_row

    book = Book(write_only=True)
    ws = book.sheet(_("审计日志"))
    for index, (_header, width) in enumerate(COLUMNS, start=1):
        ws.column_dimensions[get_column_letter(index)].width = width
    ws.freeze_panes = "A2"
    append_row(ws, [header for header, _width in COLUMNS], bold=True)
    count = 0
    rows = events(user, query)
    # A job reports progress between reads: its reads must not stay open (core.db.in_chunks).
    for event in in_chunks(rows) if progress else rows.iterator(chunk_size=2000):
        count += 1
        if progress and count % PROGRESS_EVERY == 0:
            progress(count)
        from_state, to_state = states(event)
        append_row(
            ws,
            [
                event.created_at,  # a date-time cell, shown 2026年12月5日 14:03
                event.actor_name,
                verb_label(event.verb),
                event.verb,
                event.object_repr,
                event.organisation.name if event.organisation else "",
                from_state,
                to_state,
                # Numbers typed into a note (a resident's phone) masked, as on the page.
                mask_numbers(event.note),
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


def fallback_name() -> str:
    """The ASCII name for clients that do not read the Chinese one."""
    return f"audit-log-{timezone.localdate():%Y%m%d}.xlsx"


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

"""Lists as Excel: the one path from a list page, with its filters, to a workbook.

An app declares each list it exports in its own `exports.py` (found by autodiscovery), with
the list's own selector so the file holds exactly the rows the page shows:

    exports.register(
        "proposals",
        title=gettext_lazy("提案列表"),        # sheet and file name
        fallback="proposals",                  # ASCII file name for old clients
        headers=[gettext_lazy("案号"), ...],
        rows=lambda request: ...,              # the page's queryset for request.user and
                                               # request.GET (the page's own parsing, so a
                                               # bad filter is the same 400); PermissionDenied
                                               # if the user may not export
        cells=lambda obj: [...],               # one row's values (dates as dates)
    )

and its view is `exports.respond(request, "proposals")`. A list longer than
`jobs.export_threshold()` rows becomes a background job with a progress page; the rights are
read again when the job runs. The workbook itself comes from `core.excel` (text cells,
frozen header, fitted widths, Chinese file name).
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from types import SimpleNamespace

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse, QueryDict
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from . import access, excel, jobs
from .db import in_chunks

JOB_KIND = "core.list_export"
PROGRESS_EVERY = 500
# Rows read (and their prefetches run) per database round trip.
CHUNK = 1000


@dataclass(frozen=True)
class ListExport:
    key: str
    title: object
    fallback: str
    headers: Sequence
    rows: Callable
    cells: Callable


_exports: dict[str, ListExport] = {}


def register(key: str, **fields) -> ListExport:
    export = ListExport(key=key, **fields)
    _exports[key] = export
    return export


def get(key: str) -> ListExport:
    try:
        return _exports[key]
    except KeyError:
        raise Http404 from None


def workbook(export: ListExport, rows, progress: Callable | None = None) -> bytes:
    book = excel.Book()
    ws = book.sheet(str(export.title), export.headers)
    for i, obj in enumerate(rows, start=1):
        excel.append_row(ws, export.cells(obj))
        if progress and i % PROGRESS_EVERY == 0:
            progress(i)
    return book.to_bytes()


def file_names(export: ListExport) -> tuple[str, str]:
    stamp = f"{timezone.localdate():%Y%m%d}"
    return f"{export.title}-{stamp}.xlsx", f"{export.fallback}-{stamp}.xlsx"


def respond(request, key: str) -> HttpResponse:
    """The list's rows for the request's filters as a file, or a job for a long list."""
    export = get(key)
    rows = export.rows(request)
    total = rows.count()
    if total > jobs.export_threshold():
        job = jobs.start(
            kind=JOB_KIND,
            owner=request.user,
            organisation=access.home_organisation(request.user),
            params={"key": key, "query": request.GET.urlencode()},
            total=total,
        )
        return redirect("job", pk=job.pk)
    name, fallback = file_names(export)
    return excel.xlsx_response(
        workbook(export, rows.iterator(chunk_size=CHUNK)), name, fallback=fallback
    )


@jobs.register(JOB_KIND, gettext_lazy("导出列表"))
def run_export(job: jobs.Job) -> None:
    export = _exports.get(job.params.get("key", ""))
    if export is None:
        jobs.fail(job, message=_("该列表已不能导出。"))
        return
    try:
        # The job has no request: the list's rows read only its user and its query string.
        stand_in = SimpleNamespace(user=job.owner, GET=QueryDict(job.params.get("query", "")))
        rows = export.rows(stand_in)
    except PermissionDenied:
        # Rights are read again when the job runs: a role removed meanwhile exports nothing.
        jobs.fail(job, message=_("您已无权导出该列表。"))
        return
    total = rows.count()
    jobs.progress(job, 0, total)
    # Progress is written between reads: each chunk is read whole (core.db.in_chunks).
    content = workbook(export, in_chunks(rows, CHUNK), progress=lambda n: jobs.progress(job, n))
    name, _fallback = file_names(export)
    jobs.complete(job, message=_("已导出 %(n)d 条。") % {"n": total}, result=(name, content))

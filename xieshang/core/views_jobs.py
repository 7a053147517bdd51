"""A background job's page, its progress partial (polled by htmx) and its result file.
Only the job's owner sees any of them; anyone else gets 404, as for no such job."""

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_safe

from . import jobs
from .files import content_disposition
from .uploads import content_type_for


def _owned(request, pk: int) -> jobs.Job:
    job = jobs.owned(request.user, pk)
    if job is None:
        raise Http404
    if not job.finished and jobs.fail_stale(kind=job.kind):
        job.refresh_from_db()
    return job


@login_required
def job(request, pk: int):
    job = _owned(request, pk)
    context = {
        "job": job,
        "poll_url": reverse("job", args=[job.pk]),
        "keep_days": jobs.KEEP_RESULTS.days,
    }
    if request.htmx:
        return render(request, "core/_job_progress.html", context)
    return render(request, "core/job.html", context)


@login_required
@require_safe
def job_download(request, pk: int):
    job = _owned(request, pk)
    # Results are removed KEEP_RESULTS after the job ended: the link then answers 404.
    if job.status != jobs.Job.Status.DONE or not job.result:
        raise Http404
    if not job.result.storage.exists(job.result.name):
        raise Http404
    # Served as what it is (a batch of duty reports is a PDF, an export a workbook), by the
    # name the job gave it; only a name of no known kind is a bare octet stream.
    content_type = content_type_for(job.result_name)
    if job.result_name.lower().endswith(".zip"):
        content_type = "application/zip"
    response = FileResponse(job.result.open("rb"), content_type=content_type)
    response["Content-Disposition"] = content_disposition(job.result_name)
    return response

"""Long work in the background, with a progress bar: imports, big exports.

A request that would outlive the web server's timeout (a 60,000-row member list, an audit
export of a year) becomes a `Job`: the view records it and queues `core.tasks.run_job`; the
task worker claims it, runs the function its kind registered, and reports progress on the
row; the page polls one partial (`core/_job_progress.html`, htmx) that shows "done / total"
and, once finished, the kind's result: a download link, or what went wrong.

Apps register a kind once, next to the code that does the work:

    @jobs.register("members.export", gettext_lazy("导出委员名单"))
    def run_export(job): ...          # jobs.progress(job, n, total); jobs.complete(job, ...)

A job's result file lives in private storage and is served to its owner only (anyone else
gets 404, as for a job that does not exist). Runs are idempotent: only a queued job is
claimed, so a task delivered twice runs once. A job whose worker died (no heartbeat for
`STALE_AFTER`) is failed by the periodic sweep, and by its own page when opened.
"""

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import models, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop as N_

from .scheduler import periodic
from .uploads import RandomName, private_storage

# A running job that has not reported progress for this long was killed (worker restart, out
# of memory). A member import's write transaction cannot report, so this must exceed the
# longest write of a full file.
STALE_AFTER = dt.timedelta(minutes=15)
# Result files are removed this long after the job ended (the row, without its file, stays).
KEEP_RESULTS = dt.timedelta(days=7)


def export_threshold() -> int:
    """Exports with more rows than this run as a job (settings.EXPORT_JOB_THRESHOLD)."""
    return int(getattr(settings, "EXPORT_JOB_THRESHOLD", 2000))


class Job(models.Model):
    class Status(models.TextChoices):
        QUEUED = "queued", _("排队中")
        RUNNING = "running", _("进行中")
        DONE = "done", _("已完成")
        FAILED = "failed", _("未完成")

    kind = models.CharField(max_length=40, db_index=True)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    organisation = models.ForeignKey(
        "orgs.Organisation", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    # A kind's own step ("writing" for an import), shown by its `describe`.
    phase = models.CharField(max_length=20, blank=True)
    done = models.PositiveIntegerField(default=0)
    total = models.PositiveIntegerField(default=0)  # 0: not known yet
    message = models.CharField(max_length=300, blank=True)
    # What the kind needs to run (filters, a term id) and what it found (errors, counts).
    params = models.JSONField(default=dict, blank=True)
    outcome = models.JSONField(default=dict, blank=True)
    # An uploaded input (an import's sheet), deleted once read; the user's name for it.
    source = models.FileField(
        storage=private_storage, upload_to=RandomName("jobs/in"), max_length=200, blank=True
    )
    source_name = models.CharField(max_length=200, blank=True)
    result = models.FileField(
        storage=private_storage, upload_to=RandomName("jobs/out"), max_length=200, blank=True
    )
    result_name = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    # Touched at every progress step: a running job that stops beating was killed.
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    # The language the owner asked in: the worker makes the job's messages, row errors and
    # files in it, as the page would have (the worker itself runs in the default language).
    language = models.CharField(max_length=15, blank=True)

    class Meta:
        verbose_name = _("后台任务")
        verbose_name_plural = _("后台任务")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["status", "heartbeat_at"])]

    def __str__(self) -> str:
        return f"{self.kind_label} #{self.pk}"

    @property
    def finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.FAILED)

    @property
    def percent(self) -> int:
        if self.status == self.Status.DONE:
            return 100
        if not self.total:
            return 0
        return min(100, self.done * 100 // self.total)

    @property
    def kind_label(self) -> str:
        found = _kinds.get(self.kind)
        return str(found.label) if found else self.kind

    @property
    def describe(self) -> str:
        """The line above the progress bar while the job waits or runs."""
        found = _kinds.get(self.kind)
        if found and found.describe:
            return found.describe(self)
        if self.status == self.Status.QUEUED:
            return str(_("排队等待处理……"))
        if self.total:
            return str(_("正在处理：%(done)s / %(total)s")) % {
                "done": self.done,
                "total": self.total,
            }
        return str(_("正在处理：已完成 %(done)s")) % {"done": self.done}

    @property
    def problems(self) -> list[dict]:
        """What went wrong, item by item: [{"row": n, "message": "..."}] (row 0 for the whole
        input), from the kind's outcome, or the job's message when that is all there is."""
        found = list((self.outcome or {}).get("errors", []))
        if self.status == self.Status.FAILED and not found and self.message:
            found = [{"row": 0, "message": self.message}]
        return found

    @property
    def result_template(self) -> str:
        found = _kinds.get(self.kind)
        return (found and found.result_template) or "core/_job_result.html"


# --- kinds ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Kind:
    kind: str
    label: object
    run: Callable
    describe: Callable | None = None
    result_template: str = ""
    stale_message: object = ""


_kinds: dict[str, Kind] = {}


def register(
    kind: str,
    label,
    *,
    describe: Callable | None = None,
    result_template: str = "",
    stale_message="",
) -> Callable:
    """Decorator: `run(job)` does the work of every job of `kind` in the worker."""

    def decorator(run: Callable) -> Callable:
        _kinds[kind] = Kind(kind, label, run, describe, result_template, stale_message)
        return run

    return decorator


# --- the life of a job ------------------------------------------------------------------------


def start(
    *,
    kind: str,
    owner,
    organisation=None,
    params: dict | None = None,
    total: int = 0,
    source=None,
) -> Job:
    """Record the job (storing an uploaded `source` privately) and queue it once the
    surrounding transaction commits."""
    if kind not in _kinds:
        raise LookupError(f"no job kind {kind!r} is registered")
    job = Job(
        kind=kind,
        owner=owner,
        organisation=organisation,
        params=params or {},
        total=total or 0,
        language=translation.get_language() or "",
    )
    if source is not None:
        job.source_name = source.name[:200]
        job.source.save(source.name, source, save=False)
    job.save()
    transaction.on_commit(lambda: enqueue(job.pk))
    return job


def enqueue(job_id: int) -> None:
    """Hand the job to the task worker (the one place that does)."""
    from .tasks import run_job

    run_job.enqueue(job_id)


def execute(job_id: int) -> None:
    """The task body: claim a queued job and run its kind. A job the kind left unfinished
    ends done; an exception fails it (unless the kind already said why) and is re-raised
    for the worker's log."""
    now = timezone.now()
    claimed = Job.objects.filter(pk=job_id, status=Job.Status.QUEUED).update(
        status=Job.Status.RUNNING, started_at=now, heartbeat_at=now
    )
    if not claimed:
        return
    job = Job.objects.select_related("owner", "organisation").get(pk=job_id)
    with translation.override(job.language or settings.LANGUAGE_CODE):
        try:
            _kinds[job.kind].run(job)
        except Exception:
            fail(job, message=str(_("任务执行时发生系统错误，请重试。")))
            raise
        finally:
            discard_source(job)
        complete(job)


def progress(job: Job, done: int, total: int | None = None, *, phase: str | None = None) -> None:
    """Report progress (and that the worker is alive)."""
    fields = {"done": done, "heartbeat_at": timezone.now()}
    if total is not None:
        fields["total"] = total
    if phase is not None:
        fields["phase"] = phase
    Job.objects.filter(pk=job.pk).update(**fields)
    for name, value in fields.items():
        setattr(job, name, value)


def _end(job: Job, status: str, fields: dict) -> bool:
    # Compare-and-set from running: a job already failed as stale (or finished) stays so.
    now = timezone.now()
    ended = Job.objects.filter(pk=job.pk, status=Job.Status.RUNNING).update(
        status=status, finished_at=now, heartbeat_at=now, **fields
    )
    if ended:
        job.status, job.finished_at = status, now
        for name, value in fields.items():
            setattr(job, name, value)
    return ended == 1


def complete(
    job: Job,
    *,
    message: str = "",
    outcome: dict | None = None,
    result: tuple[str, bytes] | None = None,
) -> bool:
    """End the job as done, with an optional result file (name, content) for its owner."""
    fields: dict = {}
    if message:
        fields["message"] = message[:300]
    if outcome is not None:
        fields["outcome"] = outcome
    if result is not None:
        name, content = result
        stored = job.result.field.generate_filename(job, name)
        fields["result"] = job.result.storage.save(stored, ContentFile(content))
        fields["result_name"] = name[:200]
    if "done" not in fields and job.total:
        fields["done"] = job.total
    ended = _end(job, Job.Status.DONE, fields)
    if ended and result is not None:
        # The owner may have left the page: the inbox says where the file is.
        from django.urls import reverse

        from .notifications import notify
        from .phrases import Phrase

        found = _kinds.get(job.kind)
        notify(
            [job.owner],
            # The kind's label (a lazy text) is read in the owner's language.
            title=Phrase(N_("%(kind)s已完成，可以下载"), kind=found.label if found else job.kind),
            url=reverse("job", args=[job.pk]),
            dedupe_key=f"job:{job.pk}",
        )
    return ended


def fail(job: Job, *, message: str = "", outcome: dict | None = None) -> bool:
    fields: dict = {"message": message[:300]}
    if outcome is not None:
        fields["outcome"] = outcome
    return _end(job, Job.Status.FAILED, fields)


def discard_source(job: Job) -> None:
    """An uploaded input is personal data (ID and phone numbers): not kept once read."""
    if job.source:
        job.source.delete(save=False)
        Job.objects.filter(pk=job.pk).update(source="")


def fail_stale(now=None, kind: str | None = None) -> int:
    """Fail running jobs whose worker died, each with its kind's message."""
    now = now or timezone.now()
    stale = Job.objects.filter(status=Job.Status.RUNNING, heartbeat_at__lt=now - STALE_AFTER)
    if kind:
        stale = stale.filter(kind=kind)
    count = 0
    for name in stale.values_list("kind", flat=True).distinct():
        found = _kinds.get(name)
        message = (found and found.stale_message) or _("任务意外中断，请重新提交。")
        count += stale.filter(kind=name).update(
            status=Job.Status.FAILED, finished_at=now, message=str(message)[:300]
        )
    return count


def purge_results(now=None) -> int:
    """Remove result files of jobs that ended more than KEEP_RESULTS ago."""
    cutoff = (now or timezone.now()) - KEEP_RESULTS
    count = 0
    for job in Job.objects.filter(finished_at__lt=cutoff).exclude(result=""):
        job.result.delete(save=False)
        Job.objects.filter(pk=job.pk).update(result="")
        count += 1
    return count


@periodic("core.sweep_jobs", every=dt.timedelta(minutes=10))
def sweep_jobs() -> int:
    """Jobs of a dead worker would otherwise show "进行中" for ever; old results go."""
    return fail_stale() + purge_results()


def owned(user, pk: int) -> Job | None:
    """The job if `user` started it; None otherwise (the caller answers 404 either way)."""
    if not getattr(user, "is_authenticated", False):
        return None
    return Job.objects.filter(pk=pk, owner=user).first()


@periodic("core.clear_sessions", at=dt.time(3, 35))
def clear_sessions() -> None:
    """Expired logins go (what `manage.py clearsessions` does): the session table holds the
    open ones and a day's worth of lapsed ones, not every login ever made."""
    from importlib import import_module

    import_module(settings.SESSION_ENGINE).SessionStore.clear_expired()

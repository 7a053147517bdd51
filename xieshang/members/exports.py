"""The members list as Excel, at once or, past `EXPORT_JOB_THRESHOLD` rows, as a background
job with a progress bar whose file only the person who asked for it may download."""

from django.http import QueryDict
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from xieshang.core import access, jobs, pii

from . import excel, selectors
from .forms import MemberFilterForm

KIND = "members.export"
PROGRESS_EVERY = 500


def rows(user, query: QueryDict):
    """The memberships the export holds: the list's filters, within `members.export`."""
    form = MemberFilterForm(query or None, user=user, perm="members.export")
    filters = form.to_filter() if form.is_bound else selectors.MemberFilter()
    return selectors.membership_rows(user, filters, perm="members.export").select_related(
        "term", "activity_group"
    )


def workbook(user, seats: list, progress=None) -> bytes:
    """The file, with personal data masked where the user may not see it; the export (and
    how many rows were unmasked) goes into the audit log."""

    def shows(member):
        return access.can(user, "members.view_pii", member.organisation)

    def counted():
        for i, seat in enumerate(seats, start=1):
            if progress and i % PROGRESS_EVERY == 0:
                progress(i)
            yield seat

    content = excel.export_members(counted(), show_pii=shows)
    unmasked = [seat for seat in seats if shows(seat.member)]
    pii.log_access(
        actor=user,
        action="export",
        # The fields a page view logs (`pii.personal_data`): the birth date is not one.
        fields=[f for f in pii.PERSONAL_FIELDS if f != "birth_date"] if unmasked else [],
        count=len(seats),
        organisation=access.home_organisation(user),
        note=_("委员名单导出，其中未脱敏%(n)d条") % {"n": len(unmasked)},
    )
    return content


def file_name() -> str:
    return f"{_('委员名单')}-{timezone.localdate():%Y%m%d}.xlsx"


@jobs.register(KIND, gettext_lazy("导出委员名单"))
def run_export(job: jobs.Job) -> None:
    user = job.owner
    # Rights are read again when the job runs: a role removed meanwhile exports nothing.
    if not access.can(user, "members.export"):
        jobs.fail(job, message=_("您已无权导出委员名单。"))
        return
    seats = list(rows(user, QueryDict(job.params.get("query", ""))))
    jobs.progress(job, 0, len(seats))
    content = workbook(user, seats, progress=lambda n: jobs.progress(job, n))
    jobs.complete(
        job,
        message=_("已导出 %(n)d 名委员。") % {"n": len(seats)},
        result=(file_name(), content),
    )

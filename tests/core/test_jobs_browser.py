"""A big export in a real browser: the job page polls (htmx) until the worker is done, then
offers the file, which the browser downloads and openpyxl reads back."""

import io

import pytest
from openpyxl import load_workbook

from tests.conftest import login
from tests.factories import MemberFactory, TermFactory, make_org, seat, user_with_role
from xieshang.core import jobs
from xieshang.core.jobs import Job
from xieshang.orgs.models import Level, Role


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_job_page_follows_the_worker_then_offers_the_file(
    page, settings, tmp_path, monkeypatch
):
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    settings.EXPORT_JOB_THRESHOLD = 2
    monkeypatch.setattr(jobs, "enqueue", lambda job_id: None)  # no worker yet
    org = make_org("甲区政协", Level.DISTRICT)
    term = TermFactory(organisation=org)
    for name in ["张一", "李二", "王三"]:
        seat(MemberFactory(organisation=org, name=name), term)
    user_with_role(Role.OFFICE, org, username="bangongshi")
    login(page, "bangongshi")
    page.goto(page.base_url + "/members/")
    page.get_by_role("link", name="导出 Excel").click()
    page.wait_for_url("**/jobs/*/")
    assert page.get_by_text("排队等待处理").is_visible()
    assert page.locator("progress").count() == 1

    jobs.execute(Job.objects.get().pk)  # the worker runs it; the page is still open
    link = page.get_by_role("link", name="下载 委员名单")
    link.wait_for(timeout=10000)  # the next poll swaps the result in
    assert page.get_by_text("已导出 3 名委员").is_visible()
    assert page.locator("progress").count() == 0
    with page.expect_download() as download:
        link.click()
    assert download.value.suggested_filename.endswith(".xlsx")
    content = io.BytesIO(download.value.path().read_bytes())
    rows = list(load_workbook(content).active.iter_rows(values_only=True))
    assert {r[1] for r in rows[1:]} == {"张一", "李二", "王三"}
